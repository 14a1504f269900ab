"""Routes SQS records to the job engine: JobQueue records are chunks, JobDeadLetterQueue records are
chunks that exhausted their retries. The scheduled event (every 5 minutes) sweeps the outbox."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from debtload.adapters.dynamodb.imports import DynamoImportStore
from debtload.adapters.dynamodb.jobs import DynamoJobStore
from debtload.adapters.dynamodb.outbox import DynamoOutbox
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.s3_files import S3ClaimStore, S3FileStore
from debtload.adapters.sqs_queues import SqsEventPublisher
from debtload.config import Config
from debtload.domain.file_import.processing import with_file_rows
from debtload.domain.file_import.report import ImportReporter
from debtload.domain.jobs.outbox import SentMarkingPublisher, sweep_outbox
from debtload.domain.jobs.ports import EventPublisher
from debtload.domain.jobs.worker import JobWorker
from debtload.tasks.job_kinds import build_row_processors

DEAD_CHUNK_REASON = (
    "Not processed: this row's chunk failed on every retry and was moved to the dead-letter queue"
)


def is_scheduled_event(event: Mapping[str, Any]) -> bool:
    """An EventBridge scheduled event, as opposed to a batch of SQS records."""
    return event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event"


@dataclass(frozen=True, slots=True)
class WorkerTask:
    worker: JobWorker
    job_queue_name: str
    outbox: DynamoOutbox
    sender: EventPublisher  # the queue itself: the sweep marks what it sends

    @classmethod
    def from_config(cls, config: Config) -> WorkerTask:
        table = DynamoTable(config.table_name)
        jobs = DynamoJobStore(table)
        outbox = DynamoOutbox(table)
        sender = SqsEventPublisher(config.webhook_queue_url)
        publisher = SentMarkingPublisher(sender, outbox)
        # File imports: rows arrive as the file's cells, and the reports are written when the job ends.
        reporter = ImportReporter(DynamoImportStore(table), jobs, S3FileStore(), publisher)
        worker = JobWorker(
            store=jobs,
            claims=S3ClaimStore(config.imports_bucket),
            publisher=publisher,
            processors=with_file_rows(build_row_processors(config, table)),
            on_terminal=reporter.on_terminal,
        )
        return cls(
            worker=worker,
            job_queue_name=config.job_queue_url.rstrip("/").rsplit("/", 1)[-1],
            outbox=outbox,
            sender=sender,
        )

    def sweep_outbox(self) -> dict[str, int]:
        """Publishes the outbox entries that were never sent (failure paths, crashes, SQS down)."""
        return sweep_outbox(self.outbox, self.sender, datetime.now(UTC))

    def handle_record(self, record: Mapping[str, Any]) -> None:
        body = json.loads(record["body"])
        source_queue = str(record.get("eventSourceARN", "")).rsplit(":", 1)[-1]
        if source_queue == self.job_queue_name:
            self.worker.handle_chunk(body)
        else:
            self.worker.handle_dead_chunk(body, DEAD_CHUNK_REASON)
