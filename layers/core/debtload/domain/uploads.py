"""POST /imports/uploads: a presigned S3 POST that lets a browser put one file at exactly the key a
drop would use, imports/<tenant>/<kind>/[<campaign>/]<file>, so the ordinary file import reads it
(decision 94). GET /imports/{id}/files/{name}: a short-lived link to one of an import's reports.

The browser sends the file to S3 itself: the API never holds it, so the limit is not the API's 6 MB
but the size a person's browser can send in one request without a resumable upload, which S3's POST
is not (UPLOAD_MAX_BYTES, 100 MB by default; a larger file is still dropped with the CLI).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any, Final, Protocol

from debtload.domain.errors import NotFound, ValidationFailed
from debtload.domain.file_import.options import KNOWN as KNOWN_OPTIONS
from debtload.domain.file_import.options import OptionProblem, read_options
from debtload.domain.imports import IMPORTS_PREFIX, KINDS

UPLOAD_SECONDS: Final = 600
DOWNLOAD_SECONDS: Final = 300
MAX_NAME: Final = 200
CSV_TYPES: Final = frozenset(
    {"text/csv", "application/vnd.ms-excel", "text/plain", "application/octet-stream"}
)
# What a browser says a file is, by extension (File.type): Windows reports a .csv as Excel's type, and
# some systems know no type for it (then the page sends application/octet-stream).
CONTENT_TYPES: Final[Mapping[str, frozenset[str]]] = {
    ".csv": CSV_TYPES,
    ".tsv": frozenset({"text/tab-separated-values", "text/plain", "application/octet-stream"}),
    ".txt": frozenset({"text/plain"}),
    ".xlsx": frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    ".xlsm": frozenset({"application/vnd.ms-excel.sheet.macroenabled.12"}),
    ".xls": frozenset({"application/vnd.ms-excel"}),
    ".ods": frozenset({"application/vnd.oasis.opendocument.spreadsheet"}),
}
REPORT_FILES: Final[Mapping[str, str]] = {"report.json": "report_key", "errors.csv": "errors_key"}


class Presigner(Protocol):
    def presigned_post(
        self,
        bucket: str,
        key: str,
        content_type: str,
        max_bytes: int,
        expires_seconds: int,
        metadata: Mapping[str, str],
    ) -> tuple[str, dict[str, str]]:
        """(url, form fields) of a POST that may put only this key, this type, 1..max_bytes, with
        exactly this metadata (x-amz-meta-<name>)."""
        ...

    def presigned_get(self, bucket: str, key: str, file_name: str, expires_seconds: int) -> str: ...

    def exists(self, bucket: str, key: str) -> bool: ...


class Campaigns(Protocol):
    def campaign_exists(self, tenant_id: str, campaign_id: str) -> bool: ...


class ImportRecords(Protocol):
    def get_import(self, tenant_id: str, import_id: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class Upload:
    key: str
    content_type: str
    max_bytes: int
    metadata: Mapping[str, str]


def _name_problem(name: Any) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return "must be the file's name"
    if len(name) > MAX_NAME:
        return f"must be at most {MAX_NAME} characters"
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
        return "must be a file name, without a folder"
    if any(unicodedata.category(c).startswith("C") for c in name):
        return "must not hold control characters"
    if PurePosixPath(name).suffix.lower() not in CONTENT_TYPES:
        return "must end with " + ", ".join(sorted(CONTENT_TYPES))
    return None


def plan_upload(campaigns: Campaigns, tenant_id: str, body: Any, max_bytes: int) -> Upload:
    """The key and the conditions of one upload; a 400 naming each field that is wrong."""
    if not isinstance(body, Mapping):
        raise ValidationFailed("The request body must be a JSON object", {"body": "must be an object"})
    errors: dict[str, str] = {}
    kind, name = body.get("kind"), body.get("file_name")
    content_type, size, campaign = body.get("content_type"), body.get("size"), body.get("campaign_id")
    if kind not in KINDS:
        errors["kind"] = "must be one of " + ", ".join(KINDS)
    problem = _name_problem(name)
    if problem:
        errors["file_name"] = problem
    elif (
        not isinstance(content_type, str)
        or content_type.lower() not in CONTENT_TYPES[PurePosixPath(str(name)).suffix.lower()]
    ):
        allowed = sorted(CONTENT_TYPES[PurePosixPath(str(name)).suffix.lower()])
        errors["content_type"] = f"must be one of {', '.join(allowed)} for this file"
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        errors["size"] = "must be the file's size in bytes, at least 1"
    elif size > max_bytes:
        errors["size"] = (
            f"the file is {size:,} bytes; the console uploads files up to {max_bytes:,} bytes "
            "(drop a larger one in the bucket with the AWS CLI)"
        )
    if kind == "customers":
        if not isinstance(campaign, str) or not campaign.strip():
            errors["campaign_id"] = "is required for a customers file"
        elif "/" in campaign or not campaigns.campaign_exists(tenant_id, campaign):
            errors["campaign_id"] = f"unknown campaign {campaign!r}"
    elif campaign is not None:
        errors["campaign_id"] = "only a customers file belongs to a campaign"
    metadata = _options(kind, body.get("options"), errors)
    if errors:
        raise ValidationFailed("The upload is invalid", errors)
    folder = f"{kind}/{campaign}" if kind == "customers" else str(kind)
    return Upload(f"{IMPORTS_PREFIX}{tenant_id}/{folder}/{name}", str(content_type), max_bytes, metadata)


def _options(kind: Any, options: Any, errors: dict[str, str]) -> dict[str, str]:
    """The drop's options (domain/file_import/options.py) as the object's metadata, checked now as the
    import would check them, so a wrong one is a 400 here and not a rejected file later."""
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        errors["options"] = "must be an object of option name to value"
        return {}
    metadata: dict[str, str] = {}
    for name, value in options.items():
        if name not in KNOWN_OPTIONS:
            errors[f"options.{name}"] = "unknown option; the options are " + ", ".join(sorted(KNOWN_OPTIONS))
        elif isinstance(value, bool):
            metadata[name] = "true" if value else "false"
        elif not isinstance(value, str) or not value.strip():
            errors[f"options.{name}"] = "must be a non-empty string or a boolean"
        elif not value.isprintable() or len(value) > 200:
            errors[f"options.{name}"] = "must be at most 200 printable characters, on one line"
        else:
            metadata[name] = value.strip()
    if kind in KINDS and not any(key.startswith("options") for key in errors):
        try:
            read_options(str(kind), metadata)
        except OptionProblem as problem:
            errors["options"] = str(problem).replace("x-amz-meta-", "")
    return metadata


def create_upload(
    presigner: Presigner,
    campaigns: Campaigns,
    bucket: str,
    tenant_id: str,
    body: Any,
    max_bytes: int,
    now: datetime,
) -> dict[str, Any]:
    """POST /imports/uploads' answer: where and how to POST the file. Presigning writes nothing, so
    a dry run answers the same."""
    upload = plan_upload(campaigns, tenant_id, body, max_bytes)
    url, fields = presigner.presigned_post(
        bucket, upload.key, upload.content_type, max_bytes, UPLOAD_SECONDS, upload.metadata
    )
    return {
        "url": url,
        "fields": fields,
        "key": upload.key,
        "max_bytes": max_bytes,
        "expires_at": (now + timedelta(seconds=UPLOAD_SECONDS)).isoformat(timespec="seconds"),
    }


def report_link(
    presigner: Presigner,
    records: ImportRecords,
    tenant_id: str,
    import_id: str,
    name: str,
    now: datetime,
) -> dict[str, Any]:
    """A link to one report of an import, for five minutes; 404 until that report is written."""
    if name not in REPORT_FILES:
        raise NotFound("No such report: use report.json or errors.csv", {"name": name})
    record = records.get_import(tenant_id, import_id)
    if record is None:
        raise NotFound("Import not found", {"import_id": import_id})
    key = record.get(REPORT_FILES[name])
    bucket = str(record.get("bucket") or "")
    if not key or not bucket or not presigner.exists(bucket, str(key)):
        raise NotFound(f"The import has no {name} yet", {"name": name})
    file_name = f"{PurePosixPath(str(record.get('file_name') or import_id)).stem}.{name}"
    return {
        "url": presigner.presigned_get(bucket, str(key), file_name, DOWNLOAD_SECONDS),
        "expires_at": (now + timedelta(seconds=DOWNLOAD_SECONDS)).isoformat(timespec="seconds"),
    }
