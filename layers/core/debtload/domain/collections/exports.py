"""POST /collections/exports and GET /collections/exports/{id}: the confirmed collections due by a
date, as pain.008 files in S3 under exports/<tenant>/, and the collections moved to `exported`.

The files are built and XSD-checked before anything changes. A collection enters an export only by
a conditional move from confirmed to exported, so exporting the same day twice exports nothing
twice, and a collection canceled meanwhile is left out of the files that are finally stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any, Final, Protocol

from debtload.domain.collections.bank_files import BankFile, BankFileError, build_files
from debtload.domain.collections.ports import CollectionStore
from debtload.domain.errors import BadRequest, Conflict, NotFound, ValidationFailed
from debtload.validation.dates import parse_iso_date

URL_EXPIRES_SECONDS: Final = 3600


class ExportFiles(Protocol):
    def put_bytes(self, bucket: str, key: str, body: bytes, content_type: str) -> None: ...

    def delete(self, bucket: str, key: str) -> None: ...

    def download_url(self, bucket: str, key: str, expires_seconds: int) -> str: ...


def export_date(body: Any, today: date) -> date:
    """`{date?}`: the last collection date to export, today when absent."""
    if body is not None and not isinstance(body, Mapping):
        raise BadRequest("The request body must be a JSON object {date?}", {"body": "must be an object"})
    raw = (body or {}).get("date")
    until = today if raw is None else parse_iso_date(raw)
    if until is None:
        raise BadRequest("date must be a date in YYYY-MM-DD format", {"date": "YYYY-MM-DD"})
    return until


def export_key(tenant_id: str, export_id: str, name: str) -> str:
    return f"exports/{tenant_id}/{export_id}/{name}"


def create_export(
    store: CollectionStore,
    files: ExportFiles,
    bucket: str,
    tenant_id: str,
    settings: Mapping[str, Any],
    until: date,
    now: str,
) -> dict[str, Any]:
    creditor_id, creditor_name = settings.get("sepa_creditor_id"), settings.get("creditor_name")
    if not creditor_id or not creditor_name:
        raise Conflict(
            "Bank files need the tenant's SEPA creditor identifier and creditor name",
            {"settings": "set sepa_creditor_id and creditor_name with PATCH /settings"},
        )
    export_id = str(uuid.uuid4())
    due = store.due_for_export(tenant_id, until.isoformat())
    built = _build(due, creditor_name, creditor_id, export_id)
    for bank_file in built:
        files.put_bytes(
            bucket, export_key(tenant_id, export_id, bank_file.name), bank_file.xml, "application/xml"
        )
    exported = set(store.mark_exported(tenant_id, export_id, due, now))
    if len(exported) != len(due):  # some were canceled meanwhile: the stored files leave them out
        kept = [c for c in due if c.collection_id in exported]
        rebuilt = _build(kept, creditor_name, creditor_id, export_id)
        for stale in {f.name for f in built} - {f.name for f in rebuilt}:
            files.delete(bucket, export_key(tenant_id, export_id, stale))
        for bank_file in rebuilt:
            files.put_bytes(
                bucket, export_key(tenant_id, export_id, bank_file.name), bank_file.xml, "application/xml"
            )
        built = rebuilt
    export = {
        "id": export_id,
        "date": until.isoformat(),
        "created_at": now,
        "collections": sum(len(f.collection_ids) for f in built),
        "total_amount": sum(f.total_cents for f in built),
        "files": [
            {
                "name": f.name,
                "key": export_key(tenant_id, export_id, f.name),
                "creditor_iban": f.creditor_iban,
                "scheme": f.scheme,
                "sequence_type": f.sequence_type,
                "collection_date": f.collection_date,
                "collections": len(f.collection_ids),
                "total_amount": f.total_cents,
                "collection_ids": list(f.collection_ids),
            }
            for f in built
        ],
    }
    store.put_export(tenant_id, export)
    return with_urls(export, files, bucket)


def get_export(
    store: CollectionStore, files: ExportFiles, bucket: str, tenant_id: str, export_id: str
) -> dict[str, Any]:
    export = store.get_export(tenant_id, export_id)
    if export is None:
        raise NotFound("Export not found")
    return with_urls(export, files, bucket)


def with_urls(export: Mapping[str, Any], files: ExportFiles, bucket: str) -> dict[str, Any]:
    shown = dict(export)
    shown["files"] = [
        {**f, "download_url": files.download_url(bucket, f["key"], URL_EXPIRES_SECONDS)}
        for f in export["files"]
    ]
    return shown


def _build(due: Any, creditor_name: str, creditor_id: str, export_id: str) -> list[BankFile]:
    try:
        return build_files(due, creditor_name=creditor_name, creditor_id=creditor_id, prefix=export_id[:8])
    except BankFileError as error:
        raise ValidationFailed(str(error), {"export": "no collection was exported"}) from error
