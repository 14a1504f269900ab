"""The events a job emits when it turns terminal."""

from __future__ import annotations

import uuid

from debtload.domain.jobs.model import Job, JobStatus, OutboxEvent

# The bank's bulk collections API announces a finished bulk as its own event; webhooks subscribed
# under that API's name (bulk_collections_completed) receive it too.
BULK_COLLECTIONS_COMPLETED = "collections.bulk.completed"


def terminal_event(job: Job, status: JobStatus, outcome: str) -> OutboxEvent:
    event_type = "job.failed" if status is JobStatus.FAILED else "job.completed"
    if job.kind == "collections":
        event_type = BULK_COLLECTIONS_COMPLETED
    rejected = job.options.get("approval") == "rejected"
    # One event per job and type: a deterministic id makes every re-publication the same event.
    event_id = "evt_" + uuid.uuid5(uuid.NAMESPACE_URL, f"{job.tenant_id}/{job.job_id}/{event_type}").hex
    return OutboxEvent(
        event_id=event_id,
        tenant_id=job.tenant_id,
        type=event_type,
        data={
            "job_id": job.job_id,
            "kind": job.kind,
            "source": job.source,
            "status": status.value,
            "status_code": status.code,
            "rows_total": job.rows_total,
            "rows_succeeded": job.rows_succeeded,
            "rows_failed": job.rows_failed,
            "outcome": outcome,
            **(
                {
                    "id": job.job_id,
                    "collections_total": job.rows_total,
                    # A rejected bulk (decision 88) confirmed none: every valid one was canceled.
                    "collections_confirmed": 0 if rejected else job.rows_succeeded,
                    "collections_failed": job.rows_failed,
                    **({"collections_canceled": job.rows_succeeded} if rejected else {}),
                    "status": "completed",
                }
                if event_type == BULK_COLLECTIONS_COMPLETED
                else {}
            ),
            **({"import_id": job.options["import_id"]} if "import_id" in job.options else {}),
        },
        created_at=job.updated_at,
    )
