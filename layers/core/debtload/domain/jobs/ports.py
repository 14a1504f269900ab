"""What the job engine needs from the outside world; adapters implement these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from debtload.domain.jobs.model import ChunkMessage, Claim, Job, JobRow, JobStatus, OutboxEvent, RowOutcome


class JobStore(Protocol):
    def create_job(self, job: Job) -> None: ...

    def get_job(self, tenant_id: str, job_id: str) -> Job | None: ...

    def mark_in_progress(self, tenant_id: str, job_id: str) -> None: ...

    def seal(
        self, tenant_id: str, job_id: str, rows_total: int, chunks_total: int, release: str | None = None
    ) -> Job:
        """Set a streamed job's totals, whatever its status (a canceled job keeps what was read), and
        give back the reader's lease `release` in the same write."""
        ...

    def is_chunk_counted(self, tenant_id: str, job_id: str, chunk: int) -> bool: ...

    def save_row_outcomes(self, tenant_id: str, job_id: str, outcomes: Sequence[RowOutcome]) -> None: ...

    def count_chunk(
        self,
        tenant_id: str,
        job_id: str,
        chunk: int,
        succeeded: int,
        failed: int,
        dead: bool,
        lease: str | None = None,
    ) -> Job | None:
        """Mark the chunk counted and add its counts in one conditional transaction (and release the
        chunk's `lease`, which lets a chunk that took it before a cancel be counted on the canceled job).

        Returns the updated job, or None when the chunk had been counted already or the job ended."""
        ...

    def claim_chunk(self, tenant_id: str, job_id: str, lease: str) -> bool:
        """Add the lease to the job's chunks in flight (and mark it in progress), only while the job is
        queued or in progress; False when it is not (canceled, or ended)."""
        ...

    def release_chunk(self, tenant_id: str, job_id: str, lease: str) -> None:
        """Remove the lease of a chunk that was not counted by this delivery (it failed, or another
        delivery counted it)."""
        ...

    def cancel(self, job: Job, canceled_at: str) -> bool:
        """Set the job canceled, only from queued or in progress; False otherwise."""
        ...

    def finish_canceled(self, job: Job, outcome: str, event: OutboxEvent) -> bool:
        """The canceled job's outcome and finished_at with its event, in one transaction, once."""
        ...

    def finish(self, job: Job, status: JobStatus, outcome: str, event: OutboxEvent) -> bool:
        """Make the job terminal and write its event in one transaction; False if it was terminal already."""
        ...

    def list_row_outcomes(
        self, tenant_id: str, job_id: str, status: str | None, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]: ...


class ChunkQueue(Protocol):
    def send_chunks(self, messages: Sequence[ChunkMessage]) -> None:
        """Sends every message or raises; a partial send is retried inside."""
        ...


class ClaimStore(Protocol):
    def put_rows(self, tenant_id: str, job_id: str, chunk: int, rows: Sequence[JobRow]) -> Claim: ...

    def get_rows(self, claim: Claim) -> list[JobRow]: ...


class EventPublisher(Protocol):
    def publish(self, event: OutboxEvent) -> None:
        """Queue an outbox event for delivery; delivery dedupes by event id, so re-publishing is safe."""
        ...


class RowProcessor(Protocol):
    """Per-kind row logic that the resource modules register with the worker."""

    def process(self, job: Job, rows: Sequence[JobRow]) -> list[RowOutcome]: ...
