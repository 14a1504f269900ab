"""What the job engine needs from the outside world; adapters implement these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from debtload.domain.jobs.model import ChunkMessage, Claim, Job, JobRow, JobStatus, OutboxEvent, RowOutcome


class JobStore(Protocol):
    def create_job(self, job: Job) -> None: ...

    def get_job(self, tenant_id: str, job_id: str) -> Job | None: ...

    def mark_in_progress(self, tenant_id: str, job_id: str) -> None: ...

    def seal(self, tenant_id: str, job_id: str, rows_total: int, chunks_total: int) -> Job: ...

    def is_chunk_counted(self, tenant_id: str, job_id: str, chunk: int) -> bool: ...

    def save_row_outcomes(self, tenant_id: str, job_id: str, outcomes: Sequence[RowOutcome]) -> None: ...

    def count_chunk(
        self, tenant_id: str, job_id: str, chunk: int, succeeded: int, failed: int, dead: bool
    ) -> Job | None:
        """Mark the chunk counted and add its counts in one conditional transaction.

        Returns the updated job, or None when the chunk had been counted already."""
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
