"""The worker side of a job: process a chunk row by row, count it exactly once, finish the job once.

Row processors write with deterministic keys (job + row, or a natural key), so a chunk processed
again after a crash overwrites what it wrote before. Counting is guarded by the chunk marker, written
in the same transaction as the counts: a redelivered chunk changes no counter.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from debtload.domain.jobs.cancel import finish_canceled, lease, live_leases
from debtload.domain.jobs.events import terminal_event
from debtload.domain.jobs.model import ChunkMessage, Job, JobRow, JobStatus, RowOutcome
from debtload.domain.jobs.ports import ClaimStore, EventPublisher, JobStore, RowProcessor
from debtload.domain.jobs.row_data import bounded_outcome, minimal_outcome

log = logging.getLogger(__name__)


class UnknownJobKind(RuntimeError):
    pass


class JobNotFound(RuntimeError):
    pass


def finish_if_complete(
    store: JobStore, publisher: EventPublisher, job: Job, *, release: bool = False
) -> Job | None:
    """Makes the job terminal if every chunk is counted; returns the job when this call did it. A held
    job (awaiting approval) is finished only by its owner, with `release=True`."""
    if job.status.terminal:
        return None
    if job.held and not release:
        return None
    if not job.all_chunks_counted:
        return None
    status = job.final_status()
    outcome = (
        f"{job.dead_chunks} chunk(s) failed after every retry; their rows are counted as failed"
        if status is JobStatus.FAILED
        else f"{job.rows_succeeded} of {job.rows_total} rows succeeded"
    )
    event = terminal_event(job, status, outcome)
    if store.finish(job, status, outcome, event):
        publisher.publish(event)
        return replace(job, status=status, outcome=outcome, finished_at=event.created_at)
    return None


def fail_job(store: JobStore, publisher: EventPublisher, job: Job, reason: str) -> bool:
    """Makes a job that cannot go on Failed with its reason, and publishes its `job.failed` event.

    The event is in the outbox with the terminal status (one transaction), so when publishing fails
    here (the queue may be what failed) the outbox sweep sends it later. False if the job was
    terminal already."""
    event = terminal_event(job, JobStatus.FAILED, reason)
    if not store.finish(job, JobStatus.FAILED, reason, event):
        return False
    try:
        publisher.publish(event)
    except Exception:
        log.exception("job.failed of %s/%s not published; the outbox sweep will", job.tenant_id, job.job_id)
    return True


@dataclass(frozen=True, slots=True)
class JobWorker:
    store: JobStore
    claims: ClaimStore
    publisher: EventPublisher
    processors: Mapping[str, RowProcessor]
    # Runs once the job is terminal (e.g. an S3 import's reports), and again on a redelivery that
    # finds it terminal, so a crash after the transition cannot lose it: it must be idempotent.
    on_terminal: Callable[[Job], None] | None = None
    # What else a canceled job ends, per kind (domain/jobs/cancel.py): run when a skipped chunk finds a
    # cancel that did not finish (its request crashed).
    cancel_hooks: Mapping[str, Sequence[Callable[[Job], None]]] = field(default_factory=dict)
    # A lease outlives its worker by no more than this: the function's timeout (decision 91).
    lease_seconds: float = 900.0
    clock: Callable[[], float] = time.time

    def handle_chunk(self, body: Mapping[str, object]) -> None:
        message = ChunkMessage.from_body(body)
        job = self.store.get_job(message.tenant_id, message.job_id)
        if job is None:
            raise JobNotFound(f"job {message.job_id} of {message.tenant_id} not found")
        if job.status is JobStatus.CANCELED:
            self._skip(job)
            return
        if job.status.terminal:
            # A counted chunk delivered again: the delivery that ended the job may have crashed
            # before its hook ran. Chunks never counted (the job failed while queueing) are dropped.
            if self.on_terminal is not None and self.store.is_chunk_counted(
                job.tenant_id, job.job_id, message.chunk
            ):
                self.on_terminal(job)
            return
        if self.store.is_chunk_counted(job.tenant_id, job.job_id, message.chunk):
            self._finish_latest(job)
            return
        processor = self.processors.get(job.kind)
        if processor is None:
            raise UnknownJobKind(f"no row processor for job kind {job.kind!r}")
        # The lease is taken before any row is written, only while the job runs: a cancel either
        # comes first (no row of this chunk is written) or waits for this chunk's count.
        held = lease(message.chunk, self.clock() + self.lease_seconds)
        if not self.store.claim_chunk(job.tenant_id, job.job_id, held):
            latest = self.store.get_job(job.tenant_id, job.job_id) or job
            if latest.status is JobStatus.CANCELED:
                self._skip(latest)
            return
        try:
            outcomes = processor.process(job, self._rows(message))
            self._count(job, message.chunk, outcomes, dead=False, lease=held)
        except BaseException:
            # Retried by SQS with a new lease; releasing a lease its count released already is a no-op.
            self.store.release_chunk(job.tenant_id, job.job_id, held)
            raise

    def _skip(self, job: Job) -> None:
        """A chunk of a canceled job: nothing is written. A cancel whose request crashed before it
        finished the job is finished here, once no chunk is in flight."""
        if job.finished_at is None and not live_leases(job, self.clock()):
            kind_hooks = [*self.cancel_hooks.get("*", ()), *self.cancel_hooks.get(job.kind, ())]
            finish_canceled(self.store, self.publisher, job, kind_hooks)

    def handle_dead_chunk(self, body: Mapping[str, object], reason: str) -> None:
        """A chunk that exhausted its retries: its rows count as failed, so the job still ends.

        Never raises: a dead-letter message that raised would come back for 14 days and its job would
        never end. Whatever the rows hold, they are recorded as failed (bounded data, then a minimal
        record without data), and the chunk is counted."""
        try:
            message = ChunkMessage.from_body(body)
        except Exception:
            log.exception("dead-letter message that is not a chunk dropped: %.200s", body)
            return
        try:
            self._dead_chunk(message, reason)
        except Exception:
            log.exception("dead chunk %s/%s could not be recorded", message.job_id, message.chunk)

    def _dead_chunk(self, message: ChunkMessage, reason: str) -> None:
        job = self.store.get_job(message.tenant_id, message.job_id)
        if job is None or job.status.terminal:
            log.warning(
                "dead chunk %s/%s of a missing or finished job dropped", message.job_id, message.chunk
            )
            return
        if self.store.is_chunk_counted(job.tenant_id, job.job_id, message.chunk):
            self._finish_latest(job)
            return
        try:
            rows = self._rows(message)
        except Exception:  # the claim itself may be what failed; the count is still known
            log.exception("rows of dead chunk %s/%s unreadable", message.job_id, message.chunk)
            rows = []
        if rows:
            outcomes = [RowOutcome(row=r.row, ok=False, data=r.data, error=reason) for r in rows]
            self._save_outcomes(job, outcomes)
        updated = self.store.count_chunk(
            job.tenant_id, job.job_id, message.chunk, 0, message.row_count, dead=True
        )
        if updated is None:
            self._finish_latest(job)
        else:
            self._finish(updated)

    def _save_outcomes(self, job: Job, outcomes: list[RowOutcome]) -> None:
        """Bounded outcomes; if even those are refused, the rows and their errors without data."""
        try:
            self.store.save_row_outcomes(job.tenant_id, job.job_id, [bounded_outcome(o) for o in outcomes])
        except Exception:
            log.exception("outcomes of job %s refused; recording them without their data", job.job_id)
            self.store.save_row_outcomes(job.tenant_id, job.job_id, [minimal_outcome(o) for o in outcomes])

    def _rows(self, message: ChunkMessage) -> list[JobRow]:
        if message.claim is not None:
            return self.claims.get_rows(message.claim)
        return list(message.rows)

    def _count(
        self, job: Job, chunk: int, outcomes: list[RowOutcome], dead: bool, lease: str | None = None
    ) -> None:
        self.store.save_row_outcomes(job.tenant_id, job.job_id, [bounded_outcome(o) for o in outcomes])
        succeeded = sum(1 for o in outcomes if o.ok)
        updated = self.store.count_chunk(
            job.tenant_id, job.job_id, chunk, succeeded, len(outcomes) - succeeded, dead=dead, lease=lease
        )
        if updated is None:
            if lease is not None:
                self.store.release_chunk(job.tenant_id, job.job_id, lease)
            self._finish_latest(job)  # a concurrent delivery counted it first
        else:
            self._finish(updated)

    def _finish(self, job: Job) -> None:
        finished = finish_if_complete(self.store, self.publisher, job)
        if finished is not None and self.on_terminal is not None:
            self.on_terminal(finished)

    def _finish_latest(self, job: Job) -> None:
        latest = self.store.get_job(job.tenant_id, job.job_id) or job
        if latest.status.terminal:
            # Finished before, maybe by a delivery that crashed before publishing: publishing again is
            # safe because delivery dedupes by event id.
            if latest.outcome is not None:
                self.publisher.publish(terminal_event(latest, latest.status, latest.outcome))
            if self.on_terminal is not None:
                self.on_terminal(latest)
            return
        self._finish(latest)
