"""GET /imports and GET /imports/{import_id}: the files a tenant dropped in the imports bucket, their
status, their counts and where their reports are."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, Field

from debtload.api.contract.operation import Operation, Reply

TAG = "imports"
TAG_DESCRIPTION = (
    "File imports: CSV or Excel files dropped at imports/<tenant_id>/<kind>/<file> in the imports bucket "
    "(customers under imports/<tenant_id>/customers/<campaignId>/<file>), each read into a job of its kind."
)

ImportStatus = Literal[
    "received",
    "reading",
    "processing",
    "completed",
    "completed_with_errors",
    "failed",
    "canceled",
    "rejected",
]


class ImportDroppedBy(BaseModel):
    principal_id: str | None = Field(None, description="Who wrote the object, as S3 reported it.")
    source_ip: str | None = Field(None, description="From where, as S3 reported it.")


class ImportRecord(BaseModel):
    """One dropped file (one per key and ETag: the same file dropped twice is one import). Fields
    appear as the import goes: `job_id` and the file's format once it is read, the counts and report
    keys once it ends."""

    import_id: str = Field(description="The import's id.")
    tenant_id: str = Field(description="The tenant, from the key's path.")
    kind: Literal["debts", "collections", "notes", "customers"] = Field(description="What the file holds.")
    campaign_id: str | None = Field(None, description="The campaign of a customers file.")
    file_name: str = Field(description="The file's name.")
    bucket: str = Field(description="The bucket it was dropped in.")
    key: str = Field(description="Its key.")
    etag: str = Field(description="Its ETag: a new version of the file is a new import.")
    size: int = Field(description="Its size in bytes.")
    dropped_by: ImportDroppedBy | None = Field(None, description="Who wrote it, as S3 reported it.")
    status: ImportStatus = Field(
        description="`received`, `reading` (the file), `processing` (its job), then the job's end: "
        "`completed`, `completed_with_errors`, `failed` or `canceled` (`POST /jobs/{job_id}/cancel`); "
        "`rejected` when the file could not become a job."
    )
    created_at: datetime = Field(description="When the drop was received, ISO 8601.")
    job_id: str | None = Field(None, description="The job reading its rows: GET /jobs/{job_id}/rows.")
    format: str | None = Field(None, description="`csv` or `excel`.")
    encoding: str | None = Field(None, description="The CSV's encoding, detected or given.")
    delimiter: str | None = Field(None, description="The CSV's delimiter, detected or given.")
    sheet: str | None = Field(None, description="The Excel sheet read.")
    columns: list[str] | None = Field(None, description="The header's columns, in order.")
    mapped_columns: dict[str, str] | None = Field(None, description="Each recognised column and its field.")
    metadata_columns: list[str] | None = Field(None, description="Columns kept as metadata.")
    column_mapping: dict[str, str] | None = Field(
        None, description="The columns the tenant's saved mapping (PUT /import-mappings/{kind}) filled."
    )
    resubmission: dict[str, list[str]] | None = Field(
        None,
        description="A corrected errors.csv dropped back: `ignored_columns` names its `line` and `error` "
        "columns, read as no data (docs/api.md, Resubmitting the failed rows); null for any other file.",
    )
    options: dict[str, Any] | None = Field(
        None, description="The import options read from the object's metadata."
    )
    read_at: datetime | None = Field(None, description="When the file was read to its end.")
    lines: int | None = Field(None, description="Lines read.")
    skipped_count: int | None = Field(None, description="Rows skipped (empty or instruction rows).")
    skipped: list[Annotated[list[int | str], Field(min_length=2, max_length=2)]] | None = Field(
        None, description="The first 1,000 skipped rows, each a pair: [line number, reason]."
    )
    reason: str | None = Field(None, description="Why the import was rejected or failed.")
    finished_at: datetime | None = Field(None, description="When it ended.")
    rows_total: int | None = Field(None, description="Rows in its job.")
    rows_succeeded: int | None = Field(None, description="Rows imported.")
    rows_failed: int | None = Field(None, description="Rows that failed.")
    report_key: str | None = Field(None, description="The JSON report's key in the bucket (reports/...).")
    errors_key: str | None = Field(None, description="The failed rows' CSV key in the bucket.")
    rejected_key: str | None = Field(None, description="Where a rejected file was moved (rejected/...).")
    undone_at: datetime | None = Field(
        None, description="When POST /imports/{import_id}/undo removed what it wrote; its status is kept."
    )
    call_runs: list[str] | None = Field(
        None, description="On GET /imports/{import_id} of a customers file: the call runs its job started."
    )


class ImportList(BaseModel):
    results: list[ImportRecord] = Field(description="A page of imports, newest first.")
    next_cursor: str | None = Field(
        None, description="Pass it as `cursor` for the next page; null on the last one."
    )


class UndoneCounts(BaseModel):
    debts: int = Field(description="Debts deleted (created by the import) or restored (updated by it).")
    customers: int = Field(description="Customers removed from the campaign (a customers file).")
    notes: int = Field(description="Notes deleted (a notes file).")
    collections: int = Field(description="Confirmed collections canceled (a collections file).")


class KeptItem(BaseModel):
    kind: Literal["debt", "customer", "note", "collection"] = Field(description="What was kept.")
    id: str = Field(description="Its id.")
    reason: str = Field(
        description="`changed_after_import` (a PATCH since), `previous_version_unknown` (an update whose "
        "replaced version was not kept), `changed_during_undo` (changed while undoing: not overwritten), "
        "`exported` (a collection in a bank file)."
    )


class UndoAnswer(BaseModel):
    """What an undo removed and what it kept. Undoing again answers the first undo's answer."""

    import_id: str = Field(description="The import: a file's import_id, or a POST /debts/batch's.")
    status: Literal["undone", "dry_run"] = Field(
        description="`dry_run` with `?dry_run=true`: nothing written."
    )
    undone: UndoneCounts = Field(description="What was undone, per kind.")
    kept: list[KeptItem] = Field(description="What was kept, and why.")
    undone_at: datetime | None = Field(None, description="When; null on a dry run.")


class UndoRequest(BaseModel):
    """No fields: send no body (or `{}`)."""


UNDO_EXAMPLE: Final = {
    "import_id": "imp_3b9f1c0d7e2a4b6c8d0e1f2a",
    "status": "undone",
    "undone": {"debts": 497, "customers": 0, "notes": 0, "collections": 0},
    "kept": [
        {"kind": "debt", "id": "0b6f8f4e-5d0b-5b7e-9a43-3c1f3c7c2f10", "reason": "changed_after_import"}
    ],
    "undone_at": "2026-12-04T10:00:00+00:00",
}

IMPORT_EXAMPLE: Final = {
    "import_id": "imp_3b9f1c0d7e2a4b6c8d0e1f2a",
    "tenant_id": "demo-tenant",
    "kind": "debts",
    "file_name": "relances-novembre.csv",
    "bucket": "debtload-imports",
    "key": "imports/demo-tenant/debts/relances-novembre.csv",
    "etag": "9b2cf535f27731c974343645a3985328",
    "size": 48213,
    "dropped_by": {"principal_id": "AWS:AIDAEXAMPLE", "source_ip": "203.0.113.7"},
    "status": "completed_with_errors",
    "created_at": "2026-11-30T09:12:00.412+00:00",
    "job_id": "imp_3b9f1c0d7e2a4b6c8d0e1f2a",
    "format": "csv",
    "encoding": "utf-8",
    "delimiter": ";",
    "columns": ["Prénom", "Nom", "Téléphone", "Montant", "Devise"],
    "mapped_columns": {
        "Prénom": "firstname",
        "Nom": "lastname",
        "Téléphone": "phone",
        "Montant": "amount",
        "Devise": "currency",
    },
    "metadata_columns": [],
    "options": {},
    "read_at": "2026-11-30T09:12:01.905+00:00",
    "lines": 501,
    "skipped_count": 1,
    "skipped": [[2, "instruction row"]],
    "finished_at": "2026-11-30T09:12:04.377+00:00",
    "rows_total": 499,
    "rows_succeeded": 497,
    "rows_failed": 2,
    "report_key": "reports/demo-tenant/debts/relances-novembre.csv.report.json",
    "errors_key": "reports/demo-tenant/debts/relances-novembre.csv.errors.csv",
}

OPERATIONS = {
    ("GET", "/imports"): Operation(
        operation_id="listImports",
        tag=TAG,
        summary="List file imports",
        description="The files the tenant dropped, newest first, a page at a time (`limit` 1 to 100, "
        "default 20; `cursor` from the previous page).",
        responses={
            200: Reply("A page of imports.", ImportList, {"results": [IMPORT_EXAMPLE], "next_cursor": None})
        },
        errors=(400,),
    ),
    ("GET", "/imports/{import_id}"): Operation(
        operation_id="getImport",
        tag=TAG,
        summary="Read one file import",
        description="One import: its status, counts and report keys; for a customers file, the call runs "
        "its job started. Each row's outcome is at GET /jobs/{job_id}/rows.",
        responses={200: Reply("The import.", ImportRecord, IMPORT_EXAMPLE)},
        errors=(400, 404),
    ),
    ("POST", "/imports/{import_id}/undo"): Operation(
        operation_id="undoImport",
        tag=TAG,
        summary="Undo what an import wrote",
        description="For a debts file's import_id or a POST /debts/batch's: deletes the debts it created and "
        "gives the debts it updated their previous version back. A debt changed since (a PATCH), or while "
        "undoing, is kept and listed in `kept` with its reason; a debt a later import took over is that "
        "import's and is left alone. Credits are not refunded. The import keeps its status and gains "
        "`undone_at`. Undoing again writes nothing and answers the first undo's answer. A running import "
        "is a 409. A collections file: its `confirmed` collections are canceled, an exported one is kept "
        "(`exported`). A notes file: the notes its rows wrote are deleted (not those already there by "
        "externalRef). A customers file: the customers it added to the campaign are deleted, unless rewritten "
        "since (kept, `changed_after_import`); call runs it started stay. `?dry_run=true` "
        "reports what would be undone and writes nothing; an `Idempotency-Key` replays the answer.",
        responses={200: Reply("What was undone and what was kept.", UndoAnswer, UNDO_EXAMPLE)},
        errors=(400, 404, 409, 422),
        request=UndoRequest,
        request_required=False,
    ),
}
