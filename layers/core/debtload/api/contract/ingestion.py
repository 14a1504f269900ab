"""POST /ingestion-jobs and GET /ingestion-jobs/{job_id}: the Ingestion Jobs API (seed 003), its field
names and its integer statuses."""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

from pydantic import BaseModel, Field

from debtload.api.contract.operation import Operation, Reply
from debtload.domain import ingestion, notes

TAG = "ingestion"
TAG_DESCRIPTION = (
    "Ingestion jobs (the Ingestion Jobs API): up to 1,000 case notes queued in one request, processed "
    "asynchronously, and the job's status to poll."
)


class IngestionJobRow(BaseModel):
    """One event for a case. A row that fails (unknown case, date in the future...) is counted in
    `rowsFailed` and never blocks the other rows; GET /jobs/{job_id}/rows says why."""

    type: Literal[0] = Field(
        description="The event type (PartnerIngestEventType): only 0, Note, is supported; any other "
        "value is a 400 for the whole request."
    )
    caseId: str = Field(
        description="The case the note belongs to (POST /cases), a UUID.",
        json_schema_extra={"format": "uuid"},
    )
    description: str = Field(
        min_length=1,
        max_length=notes.MAX_DESCRIPTION,
        description=f"The note's text, at most {notes.MAX_DESCRIPTION:,} characters.",
    )
    eventDate: datetime | None = Field(
        None,
        description="When the event occurred, ISO 8601 (UTC when no offset is given); not in the future. "
        "Defaults to the submission time.",
    )
    externalRef: str | None = Field(
        None,
        min_length=1,
        max_length=notes.MAX_EXTERNAL_REF,
        description="Your reference for the event (CRM id...). A note already stored under the same case "
        "and externalRef is not created twice: the row still succeeds.",
    )


class IngestionJobRequest(BaseModel):
    rows: list[IngestionJobRow] = Field(
        min_length=1,
        max_length=ingestion.MAX_ROWS,
        description=f"1 to {ingestion.MAX_ROWS:,} rows; an empty array or more rows is a 400.",
    )


class IngestionJobQueued(BaseModel):
    jobId: str = Field(description="The job's id: poll GET /ingestion-jobs/{jobId}.")
    rowsQueued: int = Field(description="Rows accepted into the queue.")


class IngestionDryRunRow(BaseModel):
    row: int = Field(description="The row's position in `rows`, from 0.")
    ok: bool = Field(description="Whether the row would be processed successfully.")
    error: str | None = Field(None, description="Why it would fail; null when ok.")


class IngestionJobDryRun(BaseModel):
    """What the job would do, with nothing queued nor written."""

    jobId: None = Field(None, description="Always null: no job is created.")
    rowsQueued: int = Field(description="Rows that would be queued.")
    dryRun: Literal[True] = Field(description="Always true.")
    rows: list[IngestionDryRunRow] = Field(description="Each row's outcome, as processing would give it.")


class IngestionJobStatus(BaseModel):
    status: Literal[0, 1, 2, 3, 4] = Field(
        description="AsyncJobStatus: 0 Queued, 1 InProgress, 2 Completed, 3 CompletedWithErrors (some rows "
        "failed), 4 Failed (a job-level failure, or canceled: then `canceled` is true). 2, 3 and 4 are "
        "terminal: stop polling."
    )
    rowsTotal: int = Field(description="Rows submitted in the job.")
    rowsSucceeded: int = Field(description="Rows processed successfully so far.")
    rowsFailed: int = Field(description="Rows that could not be processed so far (GET /jobs/{job_id}/rows).")
    canceled: bool | None = Field(
        None, description="Only on a job canceled with `POST /jobs/{job_id}/cancel`: true (its status is 4)."
    )


SEED_ROWS: Final = {
    "rows": [
        {
            "type": 0,
            "caseId": "123e4567-e89b-12d3-a456-426614174000",
            "description": "Contacted debtor by phone. Payment promised for 2026-02-15.",
            "eventDate": "2026-02-01T09:30:00Z",
            "externalRef": "CRM-NOTE-98765",
        },
        {
            "type": 0,
            "caseId": "456e4567-e89b-12d3-a456-426614174001",
            "description": "No answer. Left voicemail.",
            "eventDate": "2026-02-01T10:15:00Z",
        },
    ]
}

OPERATIONS = {
    ("POST", "/ingestion-jobs"): Operation(
        operation_id="submitIngestionJob",
        tag=TAG,
        summary="Queue up to 1,000 case notes",
        description="Enqueues up to 1,000 rows per request and answers 202 with the job's id at once; poll "
        "GET /ingestion-jobs/{jobId} (every 3 seconds or so) until a terminal status. The envelope is "
        "checked first: no `rows`, an empty array, more than 1,000 rows, a row that is not an object or "
        "an unsupported `type` is a 400. Every other problem fails its own row only. Rate limit: 50 batch "
        "requests per hour by default. Send an `Idempotency-Key` header to retry safely (the same key and "
        "body replay the first answer); `?dry_run=true` checks every row, cases included, and answers 200 "
        "with each row's outcome, queuing nothing.",
        responses={
            202: Reply(
                "Queued.",
                IngestionJobQueued,
                {"jobId": "789e4567-e89b-12d3-a456-426614174999", "rowsQueued": 2},
            ),
            200: Reply(
                "A dry run (`?dry_run=true`): what processing would do.",
                IngestionJobDryRun,
                {
                    "jobId": None,
                    "rowsQueued": 2,
                    "dryRun": True,
                    "rows": [
                        {"row": 0, "ok": True, "error": None},
                        {"row": 1, "ok": False, "error": "case not found"},
                    ],
                },
            ),
        },
        errors=(409, 422),
        request=IngestionJobRequest,
        request_example=SEED_ROWS,
    ),
    ("GET", "/ingestion-jobs/{job_id}"): Operation(
        operation_id="getIngestionJob",
        tag=TAG,
        summary="Status of an ingestion job",
        description="The job's status and row counts. A job of another tenant, or one that is not an "
        "ingestion job, is a 404. Small jobs complete in seconds, 1,000 rows within about 30 seconds.",
        responses={
            200: Reply(
                "The job's status.",
                IngestionJobStatus,
                {"status": 2, "rowsTotal": 2, "rowsSucceeded": 2, "rowsFailed": 0},
            )
        },
        errors=(400, 404),
    ),
}
