"""Every 5 minutes (a Schedule event of FileImportFunction): imports whose reader's lease expired
with nobody reading them, for example when the S3 event never reached a retry or its OnFailure
record was lost, are resumed, or failed once they have had their attempts.

One import is resumed per run (a resume may take the whole function timeout); the others wait for
the next run, and failing one is quick, so every expired import past its attempts is failed at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote_plus

from debtload.domain import imports
from debtload.domain.file_import.report import FINISHED, PROCESSING, now_iso
from debtload.tasks.file_import import FileImportTask
from debtload.tasks.file_import_failures import ImportFailures

# The first run and Lambda's two retries; the sweeper resumes only imports below this.
MAX_ATTEMPTS = 3


class LeaseIndex(Protocol):
    def expired_leases(self, now: str) -> list[tuple[str, str]]: ...


def is_scheduled(event: dict[str, Any]) -> bool:
    return event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event"


def s3_record(record: dict[str, Any]) -> dict[str, Any]:
    """The S3 notification record an import came from, as S3 would send it again."""
    dropped_by = record.get("dropped_by") or {}
    return {
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": dropped_by.get("principal_id")},
        "requestParameters": {"sourceIPAddress": dropped_by.get("source_ip")},
        "s3": {
            "bucket": {"name": record["bucket"]},
            "object": {"key": quote_plus(str(record["key"]), safe="/"), "eTag": record.get("etag", ""),
                       "size": int(record.get("size") or 0)},
        },
    }  # fmt: skip


@dataclass(frozen=True, slots=True)
class LeaseSweeper:
    leases: LeaseIndex
    task: FileImportTask
    failures: ImportFailures

    def sweep(self, lease_seconds: float | None = None) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        resumed = False
        for tenant_id, import_id in self.leases.expired_leases(now_iso()):
            record = self.task.store.get_import(tenant_id, import_id)
            if record is None:
                continue
            if record.get("status") in (*FINISHED, PROCESSING):
                self.task.store.update_import(tenant_id, import_id, {"lease_until": None})
                continue
            attempts = int(record.get("attempt", 1))
            if attempts >= MAX_ATTEMPTS:
                (dropped,) = imports.dropped_files({"Records": [s3_record(record)]})
                reason = (
                    f"The file import stopped on each of its {attempts} attempts (the function was "
                    "interrupted, e.g. by its timeout, before the file was read through)"
                )
                results.append(self.failures.fail(dropped, reason))
            elif not resumed:
                resumed = True
                results.extend(self.task.handle({"Records": [s3_record(record)]}, lease_seconds))
        return results
