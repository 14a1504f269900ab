"""POST /imports/uploads and GET /imports/{import_id}/files/{name}: a browser's upload straight to the
imports bucket, and links to an import's reports (decision 94)."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, Field

from debtload.api.contract.imports import TAG as IMPORTS_TAG
from debtload.api.contract.operation import Operation, Reply

TAG = IMPORTS_TAG
TAG_DESCRIPTION = (
    "File imports: CSV or Excel files dropped at imports/<tenant_id>/<kind>/<file> in the imports bucket "
    "(customers under imports/<tenant_id>/customers/<campaignId>/<file>), each read into a job of its kind."
)


class UploadRequest(BaseModel):
    kind: Literal["debts", "collections", "notes", "customers"] = Field(description="What the file holds.")
    file_name: str = Field(
        description="The file's name, without a folder: its extension says its format (.csv, .tsv, .txt, .xlsx, "
        ".xlsm, .xls, .ods). It is the key's last part, so the same name again replaces the file and is a new import.",
        max_length=200,
    )
    content_type: str = Field(
        description="The type the browser gives the file (File.type): for a .csv `text/csv`, "
        "`application/vnd.ms-excel`, `text/plain` or `application/octet-stream`; for a .xlsx "
        "`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`. The POST must send it as `Content-Type`."
    )
    size: int = Field(description="The file's size in bytes: 1 to `max_bytes` (100 MB by default).", ge=1)
    campaign_id: str | None = Field(
        None, description="A customers file's campaign (required for customers only)."
    )
    options: dict[str, str | bool] | None = Field(
        None,
        description="The drop's import options, as a drop's `x-amz-meta-<name>` metadata (docs/api.md, File imports): "
        "e.g. `batch-name` for debts, `initiate-call` and `agent-id` for customers, `delimiter`, `encoding`, `sheet`. "
        "They are checked as the import checks them (an unknown one, one of another kind, or `initiate-call` without "
        "`agent-id` is a 400) and signed into the POST's policy; a value is at most 200 printable characters on one "
        "line, and one that is not ASCII is signed RFC 2047-encoded (S3 metadata is ASCII).",
    )


class PresignedUpload(BaseModel):
    url: str = Field(description="Where to POST the file (multipart/form-data), straight to S3.")
    fields: dict[str, str] = Field(
        description="The form fields to send first, as they are (the key, its type, the signed policy); "
        "the file goes last, as the field `file`."
    )
    key: str = Field(description="The file's key: GET /jobs?file_key=<key> finds its import once S3 has it.")
    max_bytes: int = Field(description="The largest file the POST accepts.")
    expires_at: str = Field(description="When the POST stops being accepted (10 minutes), ISO 8601.")


class ReportLink(BaseModel):
    url: str = Field(description="A GET of the report, straight from S3 (it downloads as an attachment).")
    expires_at: str = Field(description="When the link stops working (5 minutes), ISO 8601.")


UPLOAD_EXAMPLE: Final = {
    "url": "https://debtload-imports-123456789012-eu-west-3.s3.eu-west-3.amazonaws.com/",
    "fields": {
        "Content-Type": "text/csv",
        "key": "imports/acme-1a2b3c/debts/relances-decembre.csv",
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-credential": "ASIAEXAMPLE/20261206/eu-west-3/s3/aws4_request",
        "x-amz-date": "20261206T090000Z",
        "x-amz-security-token": "IQoJb3JpZ2luX2VjE...",
        "policy": "eyJleHBpcmF0aW9uIjogIjIwMjYtMTItMDZUMDk6MTA6MDBaIiwgLi4ufQ==",
        "x-amz-signature": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
    },
    "key": "imports/acme-1a2b3c/debts/relances-decembre.csv",
    "max_bytes": 100000000,
    "expires_at": "2026-12-06T09:10:00+00:00",
}

OPERATIONS = {
    ("POST", "/imports/uploads"): Operation(
        operation_id="createUpload",
        tag=TAG,
        summary="A presigned POST to upload one file",
        description="Where and how a browser (the console) sends one file straight to the imports bucket, "
        "at the key a drop would use (imports/<tenant>/<kind>/[<campaign>/]<file>), so the ordinary file "
        "import reads it: GET /jobs?file_key=<key> finds it. S3 refuses the POST unless it has exactly that "
        "key and `Content-Type`, 1 to `max_bytes` bytes, within 10 minutes. A wrong kind, name or extension, "
        "type, size, or campaign (required for customers, unknown, or given for another kind) is a 400 "
        "naming the field. Needs `imports:write`. `?dry_run=true` checks the same and answers the same "
        "(presigning writes nothing); an `Idempotency-Key` answers the first answer again, even expired.",
        request=UploadRequest,
        request_example={
            "kind": "debts",
            "file_name": "relances-decembre.csv",
            "content_type": "text/csv",
            "size": 48213,
        },
        responses={201: Reply("The presigned POST.", PresignedUpload, UPLOAD_EXAMPLE)},
        errors=(400, 422),
    ),
    ("GET", "/imports/{import_id}/files/{name}"): Operation(
        operation_id="getImportFile",
        tag=TAG,
        summary="A link to a report",
        description="A five-minute link to one of a file import's reports, `report.json` or `errors.csv` "
        "(the failed rows in the file's own columns, with `line` and `error`), straight from S3. 404 "
        "until the import has ended and written it. Needs `imports:read`.",
        responses={
            200: Reply(
                "The link.",
                ReportLink,
                {
                    "url": "https://debtload-imports-123456789012-eu-west-3.s3.eu-west-3.amazonaws.com/"
                    "reports/acme-1a2b3c/debts/relances-decembre.csv.errors.csv?X-Amz-Algorithm=...",
                    "expires_at": "2026-12-06T09:05:00+00:00",
                },
            )
        },
        errors=(400, 404),
    ),
}
