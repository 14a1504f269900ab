"""FileImportFunction's triggers, told apart by the event's shape."""

from __future__ import annotations

from typing import Any

from debtload.tasks.file_import import FileImportTask
from debtload.tasks.file_import_failures import ImportFailures
from debtload.tasks.file_import_sweeper import LeaseSweeper, is_scheduled


class FileImportEvents:
    """S3 drops, the records of Lambda's OnFailure destination (an SQS event of
    FileImportFailuresQueue), and the lease sweeper's schedule (an EventBridge Scheduled Event).

    A plain class, not a frozen dataclass: tests replace `handle` on the function's instance."""

    def __init__(self, task: FileImportTask, failures: ImportFailures, sweeper: LeaseSweeper) -> None:
        self.task = task
        self.failures = failures
        self.sweeper = sweeper

    def handle(self, event: dict[str, Any], lease_seconds: float | None = None) -> list[dict[str, Any]]:
        if is_scheduled(event):
            return self.sweeper.sweep(lease_seconds)
        records = event.get("Records") or []
        if records and all(r.get("eventSource") == "aws:sqs" for r in records):
            return self.failures.handle(event)
        return self.task.handle(event, lease_seconds=lease_seconds)
