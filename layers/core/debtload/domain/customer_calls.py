"""Starting the calls of campaign customers once they are written: the run record the workflow
reads (a snapshot of the campaign's rules, decision 23) and its start. Used by
POST /customers/add/bulk (initiateCall) and by customers files dropped with initiate-call."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from debtload.domain import call_runs
from debtload.domain.campaigns import Campaign
from debtload.domain.customers import Customer
from debtload.domain.request_ids import id_for_request


def call_run_id_for(tenant_id: str, campaign_id: str, idempotency_key: str | None, request_id: str) -> str:
    """The run of one request, never random: a retry with the same key names the same run, so it
    finds the run started and starts no second one (issue 13, defect 4). Without a key the request
    id names it (API Gateway's, one per request), in its own namespace."""
    what = f"customers/add/bulk/{campaign_id}/call-run"
    if idempotency_key is None:
        return id_for_request(tenant_id, f"{what}/request", request_id)
    return id_for_request(tenant_id, what, idempotency_key)


def start_customer_calls(
    runs: call_runs.CallRunStore,
    starter: call_runs.CallRunStarter,
    tenant_id: str,
    call_run_id: str,
    campaign: Campaign,
    call_config: Mapping[str, Any],
    customers: Sequence[Customer],
    batch_size: int,
    created_at: str,
    *,
    accept_expensive_destination: bool = False,
    job_id: str | None = None,
) -> dict[str, Any]:
    run: dict[str, Any] = {
        "campaign_id": campaign.campaign_id,
        "call_config": dict(call_config),
        "call_window": campaign.call_window.to_json() if campaign.call_window else None,
        "accept_expensive_destination": campaign.accept_expensive_destination or accept_expensive_destination,
        "created_at": created_at,
    }
    if job_id is not None:
        run["job_id"] = job_id
    targets = [c.call_target() for c in customers]
    return call_runs.start_call_run(runs, starter, tenant_id, call_run_id, run, targets, batch_size)


def calls_not_started(customers: int, batch_size: int, *, dry_run: bool) -> dict[str, Any]:
    """callResults when no run starts: a dry run, or no customer was written."""
    return {
        "callRunId": None,
        "status": "dry_run" if dry_run else "not_started",
        "customers": customers,
        "batches": math.ceil(customers / batch_size),
        "batchSize": batch_size,
    }
