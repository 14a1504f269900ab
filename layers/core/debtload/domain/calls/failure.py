"""The InitiateCalls workflow's last resort: a step failed for good (planning, the batches' Map, the
summary), so the run ends `failed` with the workflow's error instead of staying `running` forever.

Every batch that never reported is recorded as failed the way a caught batch is
(calls.dispatch.record_batch_failure): calls the dialer accepted stay initiated, credits reserved for
calls it never accepted are given back, the other customers are failed with the reason. Then the
run takes its one terminal transition, with its call_run.completed event in the outbox.

Idempotent: a run that already finished is left as it is (a Summarize that wrote its outcome and
then failed keeps that outcome), refunds only touch keys still charged, and a retry after a crash
between the terminal write and the publish is covered by the outbox sweep.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from debtload.domain.calls.dispatch import record_batch_failure
from debtload.domain.calls.ports import CallRunStore, EventPublisher
from debtload.domain.calls.start import existing_run
from debtload.domain.calls.summary import finish_with, summary_of

MAX_ERROR_CHARS = 300


def workflow_error(error: Any) -> str:
    """A Step Functions error ({"Error", "Cause"}) as one line. A Lambda task's Cause is the
    function's error JSON: its type and message are kept, its stack trace is not."""
    if not isinstance(error, dict):
        return str(error or "unknown error")[:MAX_ERROR_CHARS]
    name = str(error.get("Error") or "")
    cause = error.get("Cause")
    try:
        parsed = json.loads(cause) if isinstance(cause, str) else None
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and ("errorType" in parsed or "errorMessage" in parsed):
        text = f"{parsed.get('errorType') or name}: {parsed.get('errorMessage', '')}"
    else:
        text = ": ".join(part for part in (name, str(cause or "")) if part)
    return (text or "unknown error")[:MAX_ERROR_CHARS]


def fail_run(
    store: CallRunStore,
    tenant_id: str,
    call_run_id: str,
    error: Any,
    *,
    publisher: EventPublisher | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    run = existing_run(store, tenant_id, call_run_id)
    if run.get("status", "running") != "running":
        return {"callRunId": call_run_id, "status": run.get("status"), "alreadyFinished": True}
    reason = f"the InitiateCalls workflow failed: {workflow_error(error)}"
    for batch in store.list_batches(tenant_id, call_run_id):
        if "batch_status" not in batch:
            record_batch_failure(store, tenant_id, call_run_id, int(batch["index"]), reason)
    summary = {**summary_of(run, store.list_batches(tenant_id, call_run_id)), "status": "failed"}
    summary["error"] = reason
    finished, event = finish_with(store, tenant_id, call_run_id, summary, now)
    if finished and publisher is not None:
        publisher.publish(event)
    return {"callRunId": call_run_id, **summary}
