"""Jobs, chunks, rows and their outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class JobStatus(StrEnum):
    QUEUED = "queued"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    COMPLETED_WITH_ERRORS = "completed_with_errors"
    FAILED = "failed"
    CANCELED = "canceled"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL

    @property
    def code(self) -> int:
        """The integer AsyncJobStatus of the Ingestion Jobs API (0 Queued .. 4 Failed)."""
        return _CODES[self]


TERMINAL = frozenset(
    {JobStatus.COMPLETED, JobStatus.COMPLETED_WITH_ERRORS, JobStatus.FAILED, JobStatus.CANCELED}
)
_CODES = {
    JobStatus.QUEUED: 0,
    JobStatus.IN_PROGRESS: 1,
    JobStatus.COMPLETED: 2,
    JobStatus.COMPLETED_WITH_ERRORS: 3,
    JobStatus.FAILED: 4,
    # The Ingestion Jobs API has no Canceled: a canceled job ends 4 with `"canceled": true` (decision 91).
    JobStatus.CANCELED: 4,
}


@dataclass(frozen=True, slots=True)
class Job:
    tenant_id: str
    job_id: str
    kind: str
    source: str  # "api" or "s3"
    status: JobStatus
    rows_total: int
    rows_succeeded: int = 0
    rows_failed: int = 0
    chunks_total: int = 0
    chunks_done: int = 0
    dead_chunks: int = 0
    sealed: bool = True  # False while a streaming import is still sending chunks
    options: Mapping[str, Any] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""
    finished_at: str | None = None
    outcome: str | None = None
    # Chunks being processed now, each as "<chunk>@<lease deadline, epoch seconds>" (decision 91).
    in_flight: frozenset[str] = frozenset()
    canceled_at: str | None = None

    @property
    def rows_remaining(self) -> int:
        """Rows not counted yet: on a canceled job, the rows that were skipped."""
        return max(self.rows_total - self.rows_succeeded - self.rows_failed, 0)

    @property
    def held(self) -> bool:
        """A job with an approval step (options["approval"]): counting its last chunk does not finish
        it; its owner's use case does, once decided (domain/collections/approval.py)."""
        return "approval" in self.options

    @property
    def all_chunks_counted(self) -> bool:
        return self.sealed and self.chunks_done >= self.chunks_total

    def final_status(self) -> JobStatus:
        if self.dead_chunks:
            return JobStatus.FAILED
        return JobStatus.COMPLETED if self.rows_failed == 0 else JobStatus.COMPLETED_WITH_ERRORS


@dataclass(frozen=True, slots=True)
class JobRow:
    """One input row: `row` is its number as the client knows it (array index, or line in a file)."""

    row: int
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RowOutcome:
    row: int
    ok: bool
    data: Mapping[str, Any]
    error: str | None = None
    ref: str | None = None  # id of what the row created or updated
    truncated: bool = False  # the stored data was cut to fit (domain/jobs/row_data.py)


@dataclass(frozen=True, slots=True)
class Claim:
    bucket: str
    key: str


@dataclass(frozen=True, slots=True)
class ChunkMessage:
    tenant_id: str
    job_id: str
    chunk: int
    row_count: int
    rows: tuple[JobRow, ...] = ()
    claim: Claim | None = None

    def to_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "v": 1,
            "tenant_id": self.tenant_id,
            "job_id": self.job_id,
            "chunk": self.chunk,
            "row_count": self.row_count,
        }
        if self.claim is not None:
            body["claim"] = {"bucket": self.claim.bucket, "key": self.claim.key}
        else:
            body["rows"] = [[r.row, r.data] for r in self.rows]
        return body

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> ChunkMessage:
        claim = body.get("claim")
        return cls(
            tenant_id=str(body["tenant_id"]),
            job_id=str(body["job_id"]),
            chunk=int(body["chunk"]),
            row_count=int(body["row_count"]),
            rows=tuple(JobRow(int(r[0]), r[1]) for r in body.get("rows", [])),
            claim=Claim(claim["bucket"], claim["key"]) if claim else None,
        )


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    event_id: str
    tenant_id: str
    type: str
    data: Mapping[str, Any]
    created_at: str
