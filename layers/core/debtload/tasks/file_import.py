"""Handles an S3 drop: checks the key's tenant and kind, registers the import exactly once, and
rejects what it cannot take with a report next to the file, so no drop is ever silent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from debtload.domain import imports


@dataclass(frozen=True, slots=True)
class FileImportTask:
    store: imports.ImportStore
    files: imports.FileStore

    def handle(self, event: Mapping[str, Any]) -> list[dict[str, Any]]:
        return [self._one(dropped) for dropped in imports.dropped_files(event)]

    def _one(self, dropped: imports.DroppedFile) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            key = imports.parse_import_key(dropped.key)
            if not self.store.tenant_exists(key.tenant_id):
                raise imports.KeyProblem(f"Unknown tenant {key.tenant_id!r}")
        except imports.KeyProblem as problem:
            self._reject(dropped, str(problem), now)
            return {"key": dropped.key, "status": "rejected", "reason": str(problem)}
        import_id = imports.import_id_of(dropped)
        record = {
            "import_id": import_id,
            "kind": key.kind,
            "campaign_id": key.campaign_id,
            "file_name": key.name,
            "bucket": dropped.bucket,
            "key": dropped.key,
            "etag": dropped.etag,
            "size": dropped.size,
            "status": "received",
            "created_at": now,
        }
        is_new = self.store.register_import(key.tenant_id, import_id, record)
        return {"key": dropped.key, "status": "received" if is_new else "duplicate", "import_id": import_id}

    def _reject(self, dropped: imports.DroppedFile, reason: str, now: str) -> None:
        report = {"status": "rejected", "file": dropped.key, "reason": reason, "rejected_at": now}
        self.files.put_json(dropped.bucket, imports.report_key(dropped.key), report)
        self.files.move(dropped.bucket, dropped.key, imports.rejected_key(dropped.key))
