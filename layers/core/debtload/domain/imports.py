"""Files dropped at imports/<tenant_id>/<kind>/<name>: which tenant and kind a key names, and the
import record that a drop creates (one per key and ETag, so the same file twice is one import)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any, Protocol
from urllib.parse import unquote_plus

from debtload.domain.jobs.model import OutboxEvent

KINDS = ("debts", "collections", "notes", "customers")
IMPORTS_PREFIX = "imports/"


@dataclass(frozen=True, slots=True)
class DroppedFile:
    bucket: str
    key: str
    etag: str
    size: int
    # Who wrote the object, as the S3 event says (userIdentity.principalId and
    # requestParameters.sourceIPAddress): the tenant comes from the key path, which only the bucket
    # policy and IAM confine (docs/security.md, "Who may write where").
    principal_id: str | None = None
    source_ip: str | None = None

    def dropped_by(self) -> dict[str, str | None]:
        return {"principal_id": self.principal_id, "source_ip": self.source_ip}


@dataclass(frozen=True, slots=True)
class ImportKey:
    tenant_id: str
    kind: str
    campaign_id: str | None
    name: str

    @property
    def kind_path(self) -> str:
        return f"{self.kind}/{self.campaign_id}" if self.campaign_id else self.kind


class KeyProblem(ValueError):
    pass


def parse_import_key(key: str) -> ImportKey:
    if not key.startswith(IMPORTS_PREFIX):
        raise KeyProblem(f"{key} is not under {IMPORTS_PREFIX}")
    parts = key[len(IMPORTS_PREFIX) :].split("/")
    if len(parts) < 3 or not all(parts):
        raise KeyProblem(f"Expected imports/<tenant_id>/<kind>/<file>, got {key}")
    tenant_id, kind = parts[0], parts[1]
    if kind not in KINDS:
        raise KeyProblem(f"Unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    if kind == "customers":
        if len(parts) != 4:
            raise KeyProblem(
                f"Customers files go under imports/<tenant_id>/customers/<campaignId>/<file>, got {key}"
            )
        return ImportKey(tenant_id, kind, parts[2], parts[3])
    if len(parts) != 3:
        raise KeyProblem(f"Expected imports/<tenant_id>/{kind}/<file>, got {key}")
    return ImportKey(tenant_id, kind, None, parts[2])


def import_id_of(dropped: DroppedFile) -> str:
    return "imp_" + hashlib.sha256(f"{dropped.bucket}|{dropped.key}|{dropped.etag}".encode()).hexdigest()[:24]


def report_key(key: str, suffix: str = ".report.json") -> str:
    return (
        "reports/" + key[len(IMPORTS_PREFIX) :] + suffix
        if key.startswith(IMPORTS_PREFIX)
        else f"reports/{key}{suffix}"
    )


def rejected_key(key: str) -> str:
    return "rejected/" + key[len(IMPORTS_PREFIX) :] if key.startswith(IMPORTS_PREFIX) else f"rejected/{key}"


def dropped_files(event: Mapping[str, Any]) -> list[DroppedFile]:
    files = []
    for record in event.get("Records", []):
        s3 = record.get("s3", {})
        obj = s3.get("object", {})
        files.append(
            DroppedFile(
                bucket=s3.get("bucket", {}).get("name", ""),
                key=unquote_plus(obj.get("key", "")),  # S3 notifications URL-encode keys
                etag=str(obj.get("eTag", obj.get("etag", ""))).strip('"'),
                size=int(obj.get("size", 0)),
                principal_id=(record.get("userIdentity") or {}).get("principalId"),
                source_ip=(record.get("requestParameters") or {}).get("sourceIPAddress"),
            )
        )
    return files


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    size: int
    etag: str
    metadata: Mapping[str, str]


class ObjectMissing(Exception):
    """The dropped object is no longer there (deleted, or overwritten since the notification)."""


class ImportStore(Protocol):
    def tenant_exists(self, tenant_id: str) -> bool: ...

    def campaign_exists(self, tenant_id: str, campaign_id: str) -> bool: ...

    def register_import(self, tenant_id: str, import_id: str, record: Mapping[str, Any]) -> bool:
        """True when the import is new, False when this key and ETag were imported before."""
        ...

    def get_import(self, tenant_id: str, import_id: str) -> dict[str, Any] | None: ...

    def update_import(self, tenant_id: str, import_id: str, fields: Mapping[str, Any]) -> None: ...

    def record_completion(
        self, tenant_id: str, import_id: str, fields: Mapping[str, Any], event: OutboxEvent
    ) -> None:
        """Update the record and add its outbox event (once: an existing event is left as it is)."""
        ...

    def list_imports(
        self, tenant_id: str, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]: ...


class FileStore(Protocol):
    def put_json(self, bucket: str, key: str, body: Mapping[str, Any]) -> None: ...

    def put_file(self, bucket: str, key: str, body: IO[bytes], content_type: str) -> None: ...

    def move(self, bucket: str, source_key: str, target_key: str) -> None: ...

    def head(self, bucket: str, key: str) -> ObjectInfo:
        """Raises ObjectMissing when the object is gone."""
        ...

    def open_stream(self, bucket: str, key: str, etag: str) -> IO[bytes]:
        """The object's body as a stream, read as it is consumed; ObjectMissing if gone or changed."""
        ...

    def download(self, bucket: str, key: str, etag: str, path: str) -> None: ...
