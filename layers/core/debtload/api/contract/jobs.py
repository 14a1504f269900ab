"""GET /jobs/{job_id}/rows: the per-row outcome of any async job or file import, as JSON pages (or CSV,
with `Accept: text/csv`)."""

from __future__ import annotations

from typing import Any, Literal

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


OPERATIONS = {
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
