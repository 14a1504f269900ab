"""Starting a call run (the customers bulk's initiateCall) and planning its batches.

A call run and its batches live in the store: customers are passed by reference, never through the
state machine's payload. Each call has a deterministic id (call_id), which the dialer uses as its
idempotency token, so a re-sent call is never placed twice (see calls.dispatch).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from debtload.domain.calls.ports import CallRunStarter, CallRunStore
from debtload.domain.errors import NotFound


def call_id(call_run_id: str, customer_key: str) -> str:
    return hashlib.sha256(f"{call_run_id}|{customer_key}".encode()).hexdigest()[:32]


def existing_run(store: CallRunStore, tenant_id: str, call_run_id: str) -> dict[str, Any]:
    run = store.get_run(tenant_id, call_run_id)
    if run is None:
        raise NotFound(f"Call run {call_run_id} not found", {"callRunId": call_run_id})
    return run


@dataclass(frozen=True, slots=True)
class CallRunStart:
    """What a request that asked for calls got: the run started (or failed to start, or an ended
    run found again), or no run at all (`dry_run`, `not_started`: no customer was written)."""

    call_run_id: str | None
    status: str
    customers: int
    batches: int
    batch_size: int
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The bulk's `callResults`."""
        wire: dict[str, Any] = {
            "callRunId": self.call_run_id,
            "status": self.status,
            "customers": self.customers,
            "batches": self.batches,
            "batchSize": self.batch_size,
        }
        if self.error is not None:
            wire["error"] = self.error
        return wire


def start_call_run(
    store: CallRunStore,
    starter: CallRunStarter,
    tenant_id: str,
    call_run_id: str,
    run: Mapping[str, Any],
    targets: Sequence[Mapping[str, Any]],
    batch_size: int,
) -> CallRunStart:
    """Store the run and its batches (the customers by reference), then start the workflow.

    `run` carries what dispatching needs from the campaign (call window, opt-in, call config), so
    a later change to the campaign does not change a run already under way. If the workflow cannot
    be started, the run is failed with the reason rather than left running forever.
    """
    batches = [list(targets[i : i + batch_size]) for i in range(0, len(targets), batch_size)]
    # A run already stored is the same request's, retried: writing its batches again would wipe
    # what they record (requested, charged) and call and charge every debtor twice. It is only
    # started again, which the starter makes a no-op when its execution exists; a run that already
    # ended (failed to start, or done) is left as it is.
    existing = store.get_run(tenant_id, call_run_id)
    if existing is None:
        store.create_run(
            tenant_id,
            call_run_id,
            {**run, "customers": len(targets), "batch_size": batch_size, "batches_total": len(batches)},
            batches,
        )
    result = CallRunStart(call_run_id, "started", len(targets), len(batches), batch_size)
    if existing is not None and existing.get("status") != "running":
        return replace(result, status=str(existing.get("status")))
    try:
        starter.start(tenant_id, call_run_id)
    except Exception as error:  # reported, not raised: the writes are done
        reason = f"the InitiateCalls workflow could not be started ({type(error).__name__})"
        store.finish_run(tenant_id, call_run_id, {"status": "failed", "error": reason}, None)
        return replace(result, status="failed", error=reason)
    return result


def plan_batches(
    store: CallRunStore, tenant_id: str, call_run_id: str, max_concurrency: int, wait_seconds: int
) -> dict[str, Any]:
    run = existing_run(store, tenant_id, call_run_id)
    count = math.ceil(int(run["customers"]) / int(run["batch_size"])) if run["customers"] else 0
    return {
        "tenantId": tenant_id,
        "callRunId": call_run_id,
        "batches": list(range(count)),
        "maxConcurrency": max_concurrency,
        "waitSeconds": wait_seconds,
    }
