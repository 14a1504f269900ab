"""The InitiateCalls workflow's tasks: plan batches, dispatch one batch, record a failed batch, summarize.

A call run and its batches live in the store (customers are passed by reference, never through the
state machine's payload). Each call has a deterministic id; a call is marked requested once the
dialer accepted it, and a retried batch skips marked calls. A crash between the dialer's acceptance
and the mark re-sends that one call with the same id, which the dialer uses as its idempotency token
(Amazon Connect's ClientToken, the CallRequested event's callId), so no call is placed twice.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from debtload.domain.errors import NotFound


def call_id(call_run_id: str, customer_key: str) -> str:
    return hashlib.sha256(f"{call_run_id}|{customer_key}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class CallRequest:
    call_id: str
    tenant_id: str
    call_run_id: str
    customer_key: str
    phone_number: str
    call_config: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    index: int
    initiated: int
    failed: int
    skipped: int


class CallRunStore(Protocol):
    def get_run(self, tenant_id: str, call_run_id: str) -> dict[str, Any] | None: ...

    def get_batch_customers(self, tenant_id: str, call_run_id: str, index: int) -> list[dict[str, Any]]: ...

    def requested_calls(self, tenant_id: str, call_run_id: str, index: int) -> set[str]:
        """Customer keys of this batch whose call the dialer already accepted."""
        ...

    def mark_requested(
        self, tenant_id: str, call_run_id: str, index: int, customer_keys: Sequence[str]
    ) -> None: ...

    def save_batch_outcome(
        self, tenant_id: str, call_run_id: str, outcome: BatchOutcome, error: str | None
    ) -> None: ...

    def list_batch_outcomes(self, tenant_id: str, call_run_id: str) -> list[dict[str, Any]]: ...

    def finish_run(self, tenant_id: str, call_run_id: str, summary: Mapping[str, Any]) -> None: ...


class Dialer(Protocol):
    def request_calls(self, calls: Sequence[CallRequest]) -> list[str | None]:
        """Hands calls to the dialer; returns, per call, None if accepted or the reason it was not."""
        ...


def _run(store: CallRunStore, tenant_id: str, call_run_id: str) -> dict[str, Any]:
    run = store.get_run(tenant_id, call_run_id)
    if run is None:
        raise NotFound(f"Call run {call_run_id} not found")
    return run


def plan_batches(
    store: CallRunStore, tenant_id: str, call_run_id: str, max_concurrency: int, wait_seconds: int
) -> dict[str, Any]:
    run = _run(store, tenant_id, call_run_id)
    count = math.ceil(int(run["customers"]) / int(run["batch_size"])) if run["customers"] else 0
    return {
        "tenantId": tenant_id,
        "callRunId": call_run_id,
        "batches": list(range(count)),
        "maxConcurrency": max_concurrency,
        "waitSeconds": wait_seconds,
    }


def dispatch_batch(
    store: CallRunStore, dialer: Dialer, tenant_id: str, call_run_id: str, index: int
) -> dict[str, Any]:
    run = _run(store, tenant_id, call_run_id)
    customers = store.get_batch_customers(tenant_id, call_run_id, index)
    already = store.requested_calls(tenant_id, call_run_id, index)
    config = run.get("call_config", {})
    to_request = [
        CallRequest(
            call_id(call_run_id, c["key"]), tenant_id, call_run_id, c["key"], c["phone_number"], config
        )
        for c in customers
        if c["key"] not in already
    ]
    reasons = dialer.request_calls(to_request) if to_request else []
    accepted = [call.customer_key for call, reason in zip(to_request, reasons, strict=True) if reason is None]
    store.mark_requested(tenant_id, call_run_id, index, accepted)
    failed = len(to_request) - len(accepted)
    # Calls accepted by an earlier attempt of this batch count as initiated, not again requested.
    outcome = BatchOutcome(index=index, initiated=len(already) + len(accepted), failed=failed, skipped=0)
    store.save_batch_outcome(tenant_id, call_run_id, outcome, None)
    return {
        "index": index,
        "initiated": outcome.initiated,
        "failed": outcome.failed,
        "skipped": outcome.skipped,
    }


def record_batch_failure(
    store: CallRunStore, tenant_id: str, call_run_id: str, index: int, error: Any
) -> None:
    customers = store.get_batch_customers(tenant_id, call_run_id, index)
    message = error.get("Cause") or error.get("Error") if isinstance(error, Mapping) else str(error)
    store.save_batch_outcome(
        tenant_id,
        call_run_id,
        BatchOutcome(index=index, initiated=0, failed=len(customers), skipped=0),
        str(message),
    )


def summarize(store: CallRunStore, tenant_id: str, call_run_id: str) -> dict[str, Any]:
    run = _run(store, tenant_id, call_run_id)
    batches = sorted(store.list_batch_outcomes(tenant_id, call_run_id), key=lambda b: int(b["index"]))
    initiated = sum(int(b["initiated"]) for b in batches)
    failed = sum(int(b["failed"]) for b in batches)
    skipped = sum(int(b["skipped"]) for b in batches)
    if failed == 0:
        status = "succeeded"
    elif initiated + skipped == 0:
        status = "failed"
    else:
        status = "partially_failed"
    summary = {
        "status": status,
        "customers": int(run["customers"]),
        "initiated": initiated,
        "failed": failed,
        "skipped": skipped,
        "batchesProcessed": len(batches),
        "batches": [
            {"index": int(b["index"]), "initiated": int(b["initiated"]), "failed": int(b["failed"])}
            for b in batches
        ],
    }
    store.finish_run(tenant_id, call_run_id, summary)
    return {"callRunId": call_run_id, **summary}
