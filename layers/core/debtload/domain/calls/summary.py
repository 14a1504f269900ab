"""A run's outcome from its batches: its counts and status, its one terminal write and its
call_run.completed event (Summarize, and the last resort of calls.failure)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from debtload.domain.calls.ports import CallRunStore, EventPublisher
from debtload.domain.calls.start import existing_run
from debtload.domain.jobs.model import OutboxEvent

COMPLETED_EVENT = "call_run.completed"
RUN_STATUSES = ("running", "succeeded", "partially_failed", "failed", "canceled")


def run_status(initiated: int, failed: int, skipped: int) -> str:
    if failed == 0:
        return "succeeded"
    if initiated + skipped == 0:
        return "failed"
    return "partially_failed"


def completed_event(tenant_id: str, call_run_id: str, summary: Mapping[str, Any], at: str) -> OutboxEvent:
    # One event per run: a deterministic id makes every re-publication the same event.
    event_id = (
        "evt_" + uuid.uuid5(uuid.NAMESPACE_URL, f"{tenant_id}/call-run/{call_run_id}/{COMPLETED_EVENT}").hex
    )
    return OutboxEvent(
        event_id=event_id,
        tenant_id=tenant_id,
        type=COMPLETED_EVENT,
        data={"callRunId": call_run_id, **{k: v for k, v in summary.items() if k != "batches"}},
        created_at=at,
    )


def summary_of(run: Mapping[str, Any], batches: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The run's counts from its batches, as summarize (and fail_run) store them."""
    batches = sorted(batches, key=lambda b: int(b["index"]))
    done = [b for b in batches if "batch_status" in b]
    initiated = sum(int(b["initiated"]) for b in done)
    # A batch that never reported (the workflow stopped early) fails its customers.
    failed = sum(int(b["failed"]) for b in done) + sum(
        len(b.get("customers", [])) for b in batches if b not in done
    )
    skipped = sum(int(b["skipped"]) for b in done)
    return {
        "status": run_status(initiated, failed, skipped),
        "customers": int(run["customers"]),
        "initiated": initiated,
        "failed": failed,
        "skipped": skipped,
        "batchesProcessed": len(done),
        "batches": [
            {"index": int(b["index"]), "initiated": int(b["initiated"]), "failed": int(b["failed"])}
            for b in done
        ],
        "creditsReserved": sum(int(b.get("credits", 0) or 0) for b in done),
    }


def summarize(
    store: CallRunStore,
    tenant_id: str,
    call_run_id: str,
    *,
    publisher: EventPublisher | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    run = existing_run(store, tenant_id, call_run_id)
    summary = summary_of(run, store.list_batches(tenant_id, call_run_id))
    if run.get("status") == "canceled":  # ended by its file's cancel (domain/calls/cancel.py)
        summary["status"] = "canceled"
    _, event = finish_with(store, tenant_id, call_run_id, summary, now)
    if publisher is not None:
        # Published on every attempt: delivery dedupes by event id, and a crash right after the
        # store's write must not lose the webhook.
        publisher.publish(event)
    return {"callRunId": call_run_id, **summary}


def finish_with(
    store: CallRunStore, tenant_id: str, call_run_id: str, summary: dict[str, Any], now: datetime | None
) -> tuple[bool, OutboxEvent]:
    """The run's one terminal write, with its call_run.completed event; False if it had ended."""
    at = (now or datetime.now().astimezone()).isoformat()
    event = completed_event(tenant_id, call_run_id, summary, at)
    return store.finish_run(tenant_id, call_run_id, {**summary, "finished_at": at}, event), event
