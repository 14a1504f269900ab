"""Starting the calls of campaign customers once they are written: the run record the workflow
reads (a snapshot of the campaign's rules, decision 23) and its start. Used by
POST /customers/add/bulk (initiateCall) and by customers files dropped with initiate-call."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from debtload.domain.calls.ports import CallRunStarter, CallRunStore
from debtload.domain.calls.start import CallRunStart, start_call_run
from debtload.domain.campaigns.campaign import Campaign
from debtload.domain.campaigns.customers import AddOutcome, BulkRequest, Customer
from debtload.domain.request_ids import call_run_id_for


def start_customer_calls(
    runs: CallRunStore,
    starter: CallRunStarter,
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
) -> CallRunStart:
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
    return start_call_run(runs, starter, tenant_id, call_run_id, run, targets, batch_size)


def calls_not_started(customers: int, batch_size: int, *, dry_run: bool) -> CallRunStart:
    """When no run starts: a dry run, or no customer was written."""
    status = "dry_run" if dry_run else "not_started"
    return CallRunStart(None, status, customers, math.ceil(customers / batch_size), batch_size)


def call_results(
    runs: CallRunStore,
    starter: CallRunStarter,
    tenant_id: str,
    request: BulkRequest,
    campaign: Campaign,
    outcome: AddOutcome,
    batch_size: int,
    created_at: str,
    *,
    dry_run: bool,
    idempotency_key: str | None,
    request_id: str,
) -> CallRunStart:
    """The calls of a bulk with initiateCall: none for a dry run or when no customer was written,
    else the run of the written customers, named by the request (request_ids.call_run_id_for)."""
    if dry_run or not outcome.written:
        return calls_not_started(outcome.successful, batch_size, dry_run=dry_run)
    assert request.call_config is not None  # parse_bulk_request requires it with initiateCall
    return start_customer_calls(
        runs,
        starter,
        tenant_id,
        call_run_id_for(tenant_id, campaign.campaign_id, idempotency_key, request_id),
        campaign,
        request.call_config.to_json(),
        outcome.written,
        batch_size,
        created_at,
    )
