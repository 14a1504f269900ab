"""GET /jobs and GET /jobs/{job_id}: every import and job of the tenant in one shape (decision 92);
GET /me: the calling key."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, Field

from debtload.api.contract.operation import Operation, Reply

TAG = "jobs"
TAG_DESCRIPTION = (
    "Async jobs (ingestion jobs, collection bulks, customers bulks, file imports): what happened to each row."
)

ActivityType = Literal["file_import", "debt_batch", "ingestion_job", "collection_bulk", "call_run"]
ActivityStatus = Literal[
    "queued",
    "reading",
    "processing",
    "completed",
    "completed_with_errors",
    "failed",
    "canceled",
    "rejected",
    "awaiting_approval",
]
ActivityKind = Literal["debts", "customers", "collections", "notes"]
Action = Literal["cancel", "undo", "approve", "reject"]


class ActivityCounts(BaseModel):
    total: int = Field(
        description="Rows (records, debts, collections, customers to call) in it; 0 while a file is read."
    )
    succeeded: int = Field(description="Rows that succeeded (a call run: calls initiated).")
    failed: int = Field(description="Rows that failed.")
    skipped: int = Field(
        description="Rows skipped: empty or instruction lines of a file, skipped debts or calls."
    )
    canceled: int = Field(description="Rows a cancel (or a rejected bulk) left unprocessed or canceled.")


class ActivityItem(BaseModel):
    """One import or job. `id` is what GET /jobs/{job_id} takes."""

    id: str = Field(description="The item's id: an import id, a job (or bulk) id, or a call run id.")
    type: ActivityType = Field(
        description="`file_import` (a dropped or uploaded file, with its job), `debt_batch` (a POST "
        "/debts/batch), `ingestion_job`, `collection_bulk`, `call_run` (the calls of a customers bulk)."
    )
    kind: ActivityKind = Field(description="What it imports.")
    name: str | None = Field(
        None,
        description="The batch's name (seed 000, `API Batch - DD/MM/YYYY HH:mm` by default) or the file's name.",
    )
    batch_name: str | None = Field(
        None, description="A file's batch name (its `batch-name` option), which the name filter matches too."
    )
    status: ActivityStatus = Field(
        description="One vocabulary for every type: `queued`, `reading` (a file), `processing`, "
        "`awaiting_approval` (a bulk), then `completed`, `completed_with_errors`, `failed`, `canceled`, "
        "`rejected` (a file that could not be read, or a rejected bulk)."
    )
    terminal: bool = Field(description="True once it will not change any more: stop polling.")
    counts: ActivityCounts = Field(description="Live counts.")
    created_at: str = Field(description="When it was received, ISO 8601 in UTC.")
    finished_at: str | None = Field(None, description="When it ended, ISO 8601 in UTC.")
    import_id: str | None = Field(
        None, description="A file's import or a debts batch (POST /imports/{id}/undo)."
    )
    job_id: str | None = Field(
        None, description="Its job: GET /jobs/{job_id}/rows, POST /jobs/{job_id}/cancel."
    )
    bulk_id: str | None = Field(None, description="A collections bulk's id.")
    run_id: str | None = Field(None, description="A call run's id: GET /call-runs/{id}.")
    file_key: str | None = Field(None, description="A file's key in the imports bucket.")
    file_etag: str | None = Field(
        None,
        description="A file's ETag: the same content at the same key is the same import (an upload of it "
        "again imports nothing), and S3's answer to the upload names it.",
    )
    campaign_id: str | None = Field(None, description="The campaign of a customers file or a call run.")
    undone_at: str | None = Field(None, description="When it was undone (POST /imports/{id}/undo).")
    actions: list[Action] = Field(
        description="What this key may do to it now, given its scopes and the item's state: `cancel` "
        "(POST /jobs/{job_id}/cancel), `undo` (POST /imports/{import_id}/undo), `approve` and `reject` "
        "(POST /collections/bulks/{bulk_id}/approve, /reject; never for the key that created the bulk)."
    )


class ActivityPage(BaseModel):
    results: list[ActivityItem] = Field(description="A page of items, newest first.")
    next_cursor: str | None = Field(
        None,
        description="Pass it as `cursor` for the next page; null on the last one. A page may be "
        "short (even empty) with a cursor when a filter kept few of the items read.",
    )


class ActivityTimings(BaseModel):
    created_at: str | None = Field(None, description="Received.")
    started_at: str | None = Field(
        None, description="Its rows began: the file started being read, or the request was accepted."
    )
    read_at: str | None = Field(None, description="A file: read to its end.")
    finished_at: str | None = Field(None, description="Ended.")
    canceled_at: str | None = Field(None, description="The cancel was accepted.")


class ActivityDownloads(BaseModel):
    report_json: bool = Field(alias="report.json", description="GET /imports/{id}/files/report.json answers.")
    errors_csv: bool = Field(alias="errors.csv", description="GET /imports/{id}/files/errors.csv answers.")


class ActivityDetail(ActivityItem):
    timings: ActivityTimings = Field(description="When each step happened.")
    column_mapping: dict[str, str] = Field(
        description="A file: the tenant's saved mapping (PUT /import-mappings/{kind}) as applied, header -> field."
    )
    mapped_columns: dict[str, str] = Field(description="A file: each header read and the field it filled.")
    metadata_columns: list[str] = Field(
        description="A file: the headers that filled no field (kept as metadata)."
    )
    outcome: str | None = Field(None, description="The outcome, for a person (or why a file was rejected).")
    downloads: ActivityDownloads = Field(description="Which reports exist.")
    rows: str | None = Field(None, description="The path of its per-row outcomes, when it has a job.")
    call_runs: list[str] | None = Field(
        None, description="A customers file: the call runs its job started (each is GET /jobs/{id} too)."
    )


class Me(BaseModel):
    tenant_id: str = Field(description="The key's tenant.")
    tenant_name: str | None = Field(None, description="The tenant's name.")
    key_id: str = Field(description="The key's id (not the key).")
    scopes: list[str] = Field(description="The key's scopes, sorted.")


ITEM_EXAMPLE: Final = {
    "id": "imp_3f2a9c0d1e4b5a6978c0d1e2",
    "type": "file_import",
    "kind": "debts",
    "name": "relances-decembre.csv",
    "status": "processing",
    "terminal": False,
    "counts": {"total": 20000, "succeeded": 12000, "failed": 3, "skipped": 1, "canceled": 0},
    "created_at": "2026-12-06T09:00:00.000+00:00",
    "finished_at": None,
    "import_id": "imp_3f2a9c0d1e4b5a6978c0d1e2",
    "job_id": "imp_3f2a9c0d1e4b5a6978c0d1e2",
    "file_key": "imports/acme-1a2b3c/debts/relances-decembre.csv",
    "actions": ["cancel"],
}

OPERATIONS = {
    ("GET", "/jobs"): Operation(
        operation_id="listJobs",
        tag=TAG,
        summary="Every import and job, newest first",
        description="The tenant's bulk work in one list, newest first: files dropped or uploaded (one item "
        "per file, with its job's live counts), POST /debts/batch batches, ingestion jobs, collections bulks "
        "and the call runs of customers bulks. Each item is listed only if the key may read it (a file: "
        "`imports:read`; otherwise the read scope of its kind). Filters: `name` (part of the batch or file "
        "name, any case), `status`, `kind`, `type`, `file_key` (exact). `limit` 1 to 200 (default 50); "
        "`cursor` from the previous page. Any valid key.",
        responses={
            200: Reply("A page of items.", ActivityPage, {"results": [ITEM_EXAMPLE], "next_cursor": None})
        },
        errors=(400,),
    ),
    ("GET", "/jobs/{job_id}"): Operation(
        operation_id="getJob",
        tag=TAG,
        summary="One import or job: counts, timings, columns, reports",
        description="One item of GET /jobs by its `id` (an import id, a job or bulk id, or a call run id), "
        "with its timings, the columns its file was read with, its outcome and which reports exist. The "
        "key needs the scope that lists it.",
        responses={
            200: Reply(
                "The item.",
                ActivityDetail,
                {
                    **ITEM_EXAMPLE,
                    "timings": {
                        "created_at": "2026-12-06T09:00:00.000+00:00",
                        "started_at": "2026-12-06T09:00:00.400+00:00",
                        "read_at": "2026-12-06T09:00:04.100+00:00",
                        "finished_at": None,
                        "canceled_at": None,
                    },
                    "column_mapping": {"Réf. client": "internal_id"},
                    "mapped_columns": {"internal_id": "Réf. client", "phone": "Téléphone"},
                    "metadata_columns": ["Agence"],
                    "outcome": None,
                    "downloads": {"report.json": False, "errors.csv": False},
                    "rows": "/jobs/imp_3f2a9c0d1e4b5a6978c0d1e2/rows",
                },
            )
        },
        errors=(404,),
    ),
    ("GET", "/me"): Operation(
        operation_id="getMe",
        tag="system",
        summary="The calling API key: tenant and scopes",
        description="Which tenant the key belongs to and what it may do, so a client offers only the "
        "actions its scopes allow. Any valid key.",
        responses={
            200: Reply(
                "The key.",
                Me,
                {
                    "tenant_id": "acme-1a2b3c",
                    "tenant_name": "Acme",
                    "key_id": "key_0a1b2c3d4e5f",
                    "scopes": ["imports:read", "imports:write", "jobs:write"],
                },
            )
        },
    ),
}
