"""GET /jobs/{job_id}/rows: the per-row outcome of any async job or file import, as JSON pages (or CSV,
with `Accept: text/csv`). POST /jobs/{job_id}/cancel: cancel one (decision 91)."""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, Field

from debtload.api.contract.operation import Operation, Reply

TAG = "jobs"
TAG_DESCRIPTION = (
    "Async jobs (ingestion jobs, collection bulks, customers bulks, file imports): what happened to each row."
)


class JobRowOutcome(BaseModel):
    row: int = Field(
        description="The row's number as you know it: its index in the request, or its line in a file."
    )
    status: Literal["succeeded", "failed"] = Field(description="The row's outcome.")
    error: str | None = Field(None, description="Why it failed; null when it succeeded.")
    ref: str | None = Field(None, description="The id of what it created or updated; null when it failed.")
    data: dict[str, Any] | None = Field(
        None, description="A failed row as sent (its file columns for a file import); null when it succeeded."
    )
    truncated: bool = Field(description="True when the stored `data` was cut to fit the storage limit.")


class JobRows(BaseModel):
    job_id: str = Field(description="The job.")
    results: list[JobRowOutcome] = Field(description="A page of rows, in row order.")
    next_cursor: str | None = Field(
        None, description="Pass it as `cursor` for the next page; null on the last one."
    )


class CanceledJob(BaseModel):
    job_id: str = Field(description="The job.")
    kind: Literal["debts", "customers", "collections", "notes"] = Field(
        description="What the job imports (`notes`: an ingestion job or a notes file)."
    )
    source: Literal["api", "s3"] = Field(description="`api` (a request) or `s3` (a dropped file).")
    status: Literal["canceled"] = Field(description="Always `canceled`.")
    rows_total: int = Field(
        description=(
            "Rows of the job; for a dropped file canceled while it was read, the rows read until the "
            "cancel (the reader stops, and the rest of the file is never read)."
        )
    )
    rows_succeeded: int = Field(description="Rows processed successfully before the cancel: they stay.")
    rows_failed: int = Field(description="Rows that failed before the cancel.")
    rows_skipped: int = Field(description="Rows the cancel skipped: never processed.")
    canceled_at: str | None = Field(None, description="When the cancel was accepted, ISO 8601.")
    finished_at: str | None = Field(None, description="When the job ended, ISO 8601.")
    outcome: str | None = Field(None, description="The outcome, for a person.")
    import_id: str | None = Field(None, description="The file import, when the job is a dropped file's.")


CANCEL_EXAMPLE: Final = {
    "job_id": "789e4567-e89b-12d3-a456-426614174999",
    "kind": "debts",
    "source": "s3",
    "status": "canceled",
    "rows_total": 20000,
    "rows_succeeded": 3000,
    "rows_failed": 0,
    "rows_skipped": 17000,
    "canceled_at": "2026-12-04T10:00:00.000+00:00",
    "finished_at": "2026-12-04T10:00:01.200+00:00",
    "outcome": "canceled: 3000 of 20000 rows were processed, 17000 skipped",
    "import_id": "0f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a098",
}


OPERATIONS = {
    ("POST", "/jobs/{job_id}/cancel"): Operation(
        operation_id="cancelJob",
        tag=TAG,
        summary="Cancel an async job or import",
        description="Cancels a job that has not ended: a debts, customers, collections or notes file, an "
        "ingestion job or a collections bulk. Rows already processed stay; chunks not yet processed are "
        "skipped, and one being processed finishes before this answers, so the counts do not move "
        "afterwards. The job ends `canceled` (`GET /imports/{id}`: `canceled`; an ingestion job: status 4 "
        'with `"canceled": true`; a bulk: `completed`, its unprocessed collections in '
        "`collections_canceled`). A customers file's call runs not dialed yet are canceled and their "
        "reserved credits given back. A `job.canceled` webhook event is sent. An ended job is a 409 (a "
        "second cancel too), a bulk awaiting approval a 409 (reject it). Needs the scope `jobs:write`. "
        "No body. An `Idempotency-Key` header makes a retry answer the first cancel again.",
        responses={200: Reply("The job, canceled.", CanceledJob, CANCEL_EXAMPLE)},
        errors=(400, 404, 409, 422),
    ),
    ("GET", "/jobs/{job_id}/rows"): Operation(
        operation_id="listJobRows",
        tag=TAG,
        summary="Per-row outcome of an async job or import",
        description="Each row of a job in row order, a page at a time (`limit` 1 to 1,000, default 100; "
        "`cursor` from the previous page), or only the `failed` or `succeeded` ones. With "
        "`Accept: text/csv` the same page is a CSV (UTF-8 with a BOM: each row's original columns, then "
        "`row` and `error`), the next page's cursor in the `X-Next-Cursor` header. The key needs the read "
        "scope of what the job imports (`ingestion:read`, `debts:read`, `collections:read`, "
        "`campaigns:read`; `imports:read` otherwise).",
        responses={
            200: Reply(
                "A page of row outcomes (a CSV with `Accept: text/csv`).",
                JobRows,
                {
                    "job_id": "789e4567-e89b-12d3-a456-426614174999",
                    "results": [
                        {
                            "row": 0,
                            "status": "succeeded",
                            "error": None,
                            "ref": "5b0d3c6e-8f2a-5e41-9c7d-1a3b5d7f9e20",
                            "data": None,
                            "truncated": False,
                        },
                        {
                            "row": 1,
                            "status": "failed",
                            "error": "case not found",
                            "ref": None,
                            "data": {
                                "type": 0,
                                "caseId": "456e4567-e89b-12d3-a456-426614174001",
                                "description": "No answer. Left voicemail.",
                                "eventDate": "2026-02-01T10:15:00Z",
                            },
                            "truncated": False,
                        },
                    ],
                    "next_cursor": None,
                },
                alternatives={
                    "text/csv": {"type": "string", "description": "The rows as CSV (errors.csv's columns)."}
                },
            )
        },
        errors=(400, 404),
    ),
}
