"""Views of a run for GET /call-runs/{id} (progress while running, the stored outcome once ended)
and GET /call-runs/{id}/calls (the calls of one batch a page, with their state)."""

from __future__ import annotations

import math
from typing import Any

from debtload.domain.calls.ports import CallRunStore
from debtload.domain.calls.start import call_id, existing_run


def view_run(store: CallRunStore, tenant_id: str, call_run_id: str) -> dict[str, Any]:
    run = existing_run(store, tenant_id, call_run_id)
    if run.get("status", "running") != "running":
        keys = ("status", "customers", "initiated", "failed", "skipped", "batchesProcessed", "batches")
        view = {k: run.get(k) for k in keys}
        view["creditsReserved"] = int(run.get("creditsReserved", 0) or 0)
        if run.get("error"):
            view["error"] = run["error"]
        view["batches"] = view.get("batches") or []  # a run that never started stores None
        for name in ("initiated", "failed", "skipped", "batchesProcessed"):
            view[name] = int(view.get(name) or 0)
    else:
        # Progress so far, from the batches that have reported.
        done = sorted(
            (b for b in store.list_batches(tenant_id, call_run_id) if "batch_status" in b),
            key=lambda b: int(b["index"]),
        )
        view = {
            "status": "running",
            "customers": int(run["customers"]),
            "initiated": sum(int(b["initiated"]) for b in done),
            "failed": sum(int(b["failed"]) for b in done),
            "skipped": sum(int(b["skipped"]) for b in done),
            "batchesProcessed": len(done),
            "batches": [
                {"index": int(b["index"]), "initiated": int(b["initiated"]), "failed": int(b["failed"])}
                for b in done
            ],
            "creditsReserved": sum(int(b.get("credits", 0) or 0) for b in done),
        }
    return {
        "id": call_run_id,
        "campaignId": run.get("campaign_id"),
        "batchSize": int(run.get("batch_size", 0) or 0),
        "batchesTotal": int(run.get("batches_total", 0) or 0),
        "createdAt": run.get("created_at"),
        **view,
    }


def list_calls(
    store: CallRunStore, tenant_id: str, call_run_id: str, batch_index: int, status: str | None
) -> tuple[list[dict[str, Any]], int | None]:
    """The calls of one batch (a page), with their state, and the next batch's index."""
    run = existing_run(store, tenant_id, call_run_id)
    total = int(run.get("batches_total") or math.ceil(int(run["customers"]) / max(int(run["batch_size"]), 1)))
    if batch_index >= total:
        return [], None
    batch = store.get_batch(tenant_id, call_run_id, batch_index)
    requested = set(batch.get("requested", []))
    failed = dict(batch.get("failed_calls") or {})
    skipped = dict(batch.get("skipped_calls") or {})
    calls = []
    for customer in batch.get("customers", []):
        key = customer["key"]
        if key in requested:
            state, reason = "requested", None
        elif key in failed:
            state, reason = "failed", failed[key]
        elif key in skipped:
            state, reason = "skipped", skipped[key]
        else:
            state, reason = "pending", None
        if status is not None and state != status:
            continue
        calls.append(
            {
                "callId": call_id(call_run_id, key),
                "customerId": key,
                "phoneNumber": customer["phone_number"],
                "batch": batch_index,
                "status": state,
                "reason": reason,
            }
        )
    return calls, (batch_index + 1 if batch_index + 1 < total else None)
