"""Builds the FileImport task from a function's configuration (the adapters it talks to)."""

from __future__ import annotations

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
from debtload.tasks.job_kinds import IMPORTABLE_KINDS


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
