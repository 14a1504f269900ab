"""Builds the FileImport task from a function's configuration (the adapters it talks to)."""

from __future__ import annotations

from typing import Any

from debtload.adapters.dynamodb.imports import DynamoImportStore
from debtload.adapters.dynamodb.jobs import DynamoJobStore
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.outbox_publisher import outbox_publisher
from debtload.adapters.s3_files import S3ClaimStore, S3FileStore
from debtload.adapters.sqs_queues import SqsChunkQueue
from debtload.config import Config
from debtload.domain.file_import.report import ImportReporter
from debtload.domain.jobs.submit import JobSubmitter
from debtload.tasks.file_import import FileImportTask
from debtload.tasks.file_import_failures import ImportFailures
from debtload.tasks.file_import_sweeper import LeaseSweeper, is_scheduled
from debtload.tasks.job_kinds import IMPORTABLE_KINDS


class FileImportEvents:
    """FileImportFunction's triggers, told apart by the event's shape: S3 drops, and the records of
    Lambda's OnFailure destination (an SQS event of FileImportFailuresQueue), and the lease sweeper's
    schedule (an EventBridge Scheduled Event)."""

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


def build_file_import_events(config: Config) -> FileImportEvents:
    task = build_file_import_task(config)
    failures = ImportFailures(task.store, task.files, task.jobs, task.reporter)
    store = task.store
    assert isinstance(store, DynamoImportStore)
    return FileImportEvents(task, failures, LeaseSweeper(store, task, failures))


def build_file_import_task(config: Config) -> FileImportTask:
    table = DynamoTable(config.table_name)
    jobs = DynamoJobStore(table)
    store = DynamoImportStore(table)
    files = S3FileStore()
    publisher = outbox_publisher(table, config.webhook_queue_url)
    return FileImportTask(
        store=store,
        files=files,
        submitter=JobSubmitter(
            store=jobs,
            queue=SqsChunkQueue(config.job_queue_url),
            claims=S3ClaimStore(config.imports_bucket),
            publisher=publisher,
        ),
        jobs=jobs,
        reporter=ImportReporter(store, jobs, files, publisher),
        # A kind is importable once its row processor is registered (tasks/job_kinds.py).
        importable_kinds=IMPORTABLE_KINDS,
    )
