"""Canceling a job (POST /jobs/{job_id}/cancel, decision 91).

Three steps, each conditional, so that concurrent workers and a retried cancel agree:
1. the job turns `canceled`, only from queued or in progress (`JobStore.cancel`); from then on no
   worker takes a chunk of it: a worker takes a chunk with a conditional lease on the job
   (`JobStore.claim_chunk`, only while queued or in progress) before it writes any row, and skips the
   chunk when that fails;
2. the chunks that took their lease before step 1 finish: their count is still accepted on the
   canceled job, because it holds their lease; the cancel waits until no live lease is left;
3. the job is finished as canceled, with its `job.canceled` event, once (`JobStore.finish_canceled`),
   and the kind's hooks run (an import's reports, a customers file's call runs).

Rows already done stay; the rows of skipped chunks are not counted (`Job.rows_remaining`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from debtload.domain.errors import Conflict, NotFound
from debtload.domain.jobs.events import BULK_COLLECTIONS_COMPLETED
from debtload.domain.jobs.model import Job, JobStatus, OutboxEvent
from debtload.domain.jobs.ports import EventPublisher, JobStore

EVENT_TYPE = "job.canceled"
# How long a cancel waits for the chunks in flight: inside API Gateway's 29 s.
WAIT_SECONDS = 20.0
POLL_SECONDS = 0.2


def lease(chunk: int | str, deadline: float) -> str:
    """A chunk's lease on its job (or a file reader's): who holds it and when that worker is surely
    gone (epoch seconds)."""
    return f"{chunk}@{int(deadline) + 1}"


def live_leases(job: Job, now: float) -> list[str]:
    """The leases whose worker may still be writing."""
    live = []
    for held in job.in_flight:
        _, _, deadline = held.partition("@")
        try:
            if float(deadline) > now:
                live.append(held)
        except ValueError:
            continue
    return sorted(live)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def canceled_outcome(job: Job) -> str:
    return (
        f"canceled: {job.rows_succeeded + job.rows_failed} of {job.rows_total} rows were processed, "
        f"{job.rows_remaining} skipped"
    )


def canceled_event(job: Job, outcome: str, created_at: str) -> OutboxEvent:
    # One event per job: a deterministic id makes every re-publication the same event.
    event_id = "evt_" + uuid.uuid5(uuid.NAMESPACE_URL, f"{job.tenant_id}/{job.job_id}/{EVENT_TYPE}").hex
    data: dict[str, Any] = {
        "job_id": job.job_id,
        "kind": job.kind,
        "source": job.source,
        "status": JobStatus.CANCELED.value,
        "status_code": JobStatus.CANCELED.code,
        "canceled": True,
        "rows_total": job.rows_total,
        "rows_succeeded": job.rows_succeeded,
        "rows_failed": job.rows_failed,
        "rows_skipped": job.rows_remaining,
        "outcome": outcome,
        "canceled_at": job.canceled_at,
    }
    if job.kind == "collections":
        data["bulk_event"] = BULK_COLLECTIONS_COMPLETED
    if "import_id" in job.options:
        data["import_id"] = job.options["import_id"]
    return OutboxEvent(event_id, job.tenant_id, EVENT_TYPE, data, created_at)


def job_view(job: Job) -> dict[str, Any]:
    """What POST /jobs/{job_id}/cancel answers: the job as it ended."""
    return {
        "job_id": job.job_id,
        "kind": job.kind,
        "source": job.source,
        "status": job.status.value,
        "rows_total": job.rows_total,
        "rows_succeeded": job.rows_succeeded,
        "rows_failed": job.rows_failed,
        "rows_skipped": job.rows_remaining if job.status is JobStatus.CANCELED else 0,
        "canceled_at": job.canceled_at,
        "finished_at": job.finished_at,
        "outcome": job.outcome,
        **({"import_id": job.options["import_id"]} if "import_id" in job.options else {}),
    }


def cancelable(job: Job) -> None:
    """Raises the 409 of a job that cannot be canceled."""
    if job.status.terminal:
        raise Conflict(f"The job is {job.status.value} already", {"status": job.status.value})
    if job.options.get("approval") == "awaiting":
        raise Conflict(
            "The bulk waits for approval: reject it to cancel its collections",
            {"approval": "awaiting"},
        )


def finish_canceled(
    store: JobStore,
    publisher: EventPublisher,
    job: Job,
    hooks: Sequence[Callable[[Job], None]] = (),
) -> Job:
    """Step 3: the outcome and the event, once; the hooks run every time (they are idempotent), so a
    cancel that crashed before them is completed by whoever finishes it next."""
    outcome = job.outcome or canceled_outcome(job)
    finished = replace(job, outcome=outcome, finished_at=job.finished_at or now_iso())
    event = canceled_event(finished, outcome, finished.finished_at or "")
    if job.finished_at is None:
        if store.finish_canceled(finished, outcome, event):
            publisher.publish(event)
        else:
            finished = store.get_job(job.tenant_id, job.job_id) or finished
    for hook in hooks:
        hook(finished)
    return finished


@dataclass(frozen=True, slots=True)
class JobCanceler:
    store: JobStore
    publisher: EventPublisher
    # Per kind, what else a cancel ends (e.g. a customers file's call runs); `"*"` for every kind.
    hooks: Mapping[str, Sequence[Callable[[Job], None]]] = field(default_factory=dict)
    wait_seconds: float = WAIT_SECONDS
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep

    def cancel(self, tenant_id: str, job_id: str) -> Job:
        job = self.store.get_job(tenant_id, job_id)
        if job is None:
            raise NotFound("Job not found")
        cancelable(job)
        if not self.store.cancel(job, now_iso()):
            latest = self.store.get_job(tenant_id, job_id) or job
            cancelable(latest)  # raises: it turned terminal (or held) meanwhile
            raise Conflict("The job changed meanwhile; try again", {"status": latest.status.value})
        latest = self._wait_for_chunks_in_flight(tenant_id, job_id) or job
        return finish_canceled(self.store, self.publisher, latest, self.hooks_of(latest.kind))

    def hooks_of(self, kind: str) -> list[Callable[[Job], None]]:
        return [*self.hooks.get("*", ()), *self.hooks.get(kind, ())]

    def _wait_for_chunks_in_flight(self, tenant_id: str, job_id: str) -> Job | None:
        deadline = self.clock() + self.wait_seconds
        while True:
            latest = self.store.get_job(tenant_id, job_id)
            if latest is None or not live_leases(latest, self.clock()) or self.clock() >= deadline:
                return latest
            self.sleep(POLL_SECONDS)
