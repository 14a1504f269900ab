"""Files dropped at imports/<tenant_id>/<kind>/<name>: which tenant and kind a key names, and the
import record that a drop creates (one per key and ETag, so the same file twice is one import)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote_plus

KINDS = ("debts", "collections", "notes", "customers")
IMPORTS_PREFIX = "imports/"


@dataclass(frozen=True, slots=True)
class DroppedFile:
    bucket: str
    key: str
    etag: str
    size: int


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
            )
        )
    return files


class ImportStore(Protocol):
    def tenant_exists(self, tenant_id: str) -> bool: ...

    def register_import(self, tenant_id: str, import_id: str, record: Mapping[str, Any]) -> bool:
        """True when the import is new, False when this key and ETag were imported before."""
        ...


class FileStore(Protocol):
    def put_json(self, bucket: str, key: str, body: Mapping[str, Any]) -> None: ...

    def move(self, bucket: str, source_key: str, target_key: str) -> None: ...
