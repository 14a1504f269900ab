"""Ingestion jobs, as the Ingestion Jobs API has them: the envelope rules of POST /ingestion-jobs and the row
processor that turns each row into a case note through the same code as the sync note endpoint."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from debtload.domain.errors import BadRequest
from debtload.domain.jobs.model import Job, JobRow, JobStatus, RowOutcome
from debtload.domain.notes import NOTE_TYPE, NoteInput, NoteResult, NoteStore, write_notes

KIND = "notes"
MAX_ROWS = 1000


def job_view(job: Job) -> dict[str, Any]:
    """GET /ingestion-jobs/{jobId}: seed 003's integer status; a canceled job is 4 (the seed has no
    Canceled) with `"canceled": true` (decision 91)."""
    view: dict[str, Any] = {
        "status": job.status.code,
        "rowsTotal": job.rows_total,
        "rowsSucceeded": job.rows_succeeded,
        "rowsFailed": job.rows_failed,
    }
    if job.status is JobStatus.CANCELED:
        view["canceled"] = True
    return view


def validate_envelope(body: Any) -> list[dict[str, Any]]:
    """The rows of a valid request, or BadRequest with the seed's messages."""
    if not isinstance(body, dict) or not isinstance(body.get("rows"), list):
        raise BadRequest(
            "The request body must be an object with a rows array", {"rows": "required, an array"}
        )
    rows: list[Any] = body["rows"]
    if not rows:
        raise BadRequest("At least one row is required", {"rows": "is empty"})
    if len(rows) > MAX_ROWS:
        raise BadRequest(
            "Batch limit exceeded", {"rows": f"{len(rows)} rows; at most {MAX_ROWS} per request"}
        )
    not_objects = {
        str(i): "each row must be an object" for i, row in enumerate(rows) if not isinstance(row, dict)
    }
    if not_objects:
        raise BadRequest("Malformed rows", not_objects)
    unsupported = {
        str(i): f"type {row.get('type')!r} is not supported; only {NOTE_TYPE} (Note) is"
        for i, row in enumerate(rows)
        if type(row.get("type")) is not int or row.get("type") != NOTE_TYPE
    }
    if unsupported:
        raise BadRequest("Event type not currently supported", unsupported)
    return rows


def row_note_id(job_id: str, row: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"debtload/jobs/{job_id}/rows/{row}"))


def note_input(row: dict[str, Any]) -> NoteInput:
    return NoteInput(row.get("caseId"), row.get("description"), row.get("eventDate"), row.get("externalRef"))


def check_rows(
    store: NoteStore, tenant_id: str, job_id: str, rows: Sequence[dict[str, Any]], submitted_at: datetime
) -> list[NoteResult]:
    """What processing would do, writing nothing: the report of a dry run."""
    return write_notes(
        store,
        tenant_id,
        [note_input(r) for r in rows],
        fallback_ids=[row_note_id(job_id, i) for i in range(len(rows))],
        submitted_at=submitted_at,
        source="ingestion",
        dry_run=True,
    )


class JobNoteStore(NoteStore, Protocol):
    def record_job_notes(
        self, tenant_id: str, job_id: str, first_row: int, notes: Sequence[tuple[str, str]]
    ) -> None:
        """Which (case_id, note_id) a chunk of a job wrote (not the duplicates): what undo removes."""
        ...


class NotesRowProcessor:
    def __init__(self, store: JobNoteStore) -> None:
        self.store = store

    def process(self, job: Job, rows: Sequence[JobRow]) -> list[RowOutcome]:
        # eventDate defaults to the submission time, not to when a (re)delivered chunk runs.
        submitted_at = datetime.fromisoformat(job.created_at) if job.created_at else datetime.now(UTC)
        results = write_notes(
            self.store,
            job.tenant_id,
            [note_input(dict(r.data)) for r in rows],
            fallback_ids=[row_note_id(job.job_id, r.row) for r in rows],
            submitted_at=submitted_at,
            source="ingestion",
        )
        written = [(r.note.case_id, r.note.id) for r in results if r.note is not None and not r.duplicate]
        if written and rows:
            self.store.record_job_notes(job.tenant_id, job.job_id, rows[0].row, written)
        return [
            RowOutcome(
                r.row,
                result.note is not None,
                r.data,
                error=result.error,
                ref=result.note.id if result.note else None,
            )
            for r, result in zip(rows, results, strict=True)
        ]
