"""The task functions' composition root, as `api/dependencies.py` is the api's: every adapter and
service the tasks use is built here, and each function's handler asks it for its task, once per
process (`functions/<name>/app.py`).

`TaskDependencies.from_config` builds what the tasks share; the objects are cheap (boto3 clients are
made lazily, adapters/aws.py). Each entry point's task is assembled by its own method, which imports
that task's modules when it is called, not when this module is: a function then loads only what its
task needs (phonenumbers for the calls, holidays for the file imports, every resource's validation
for the worker's row processors), which keeps the other functions' cold starts short.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from debtload.adapters.dynamodb.imports import DynamoImportStore
from debtload.adapters.dynamodb.jobs import DynamoJobStore
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.outbox_publisher import outbox_publisher
from debtload.adapters.s3_files import S3ClaimStore, S3FileStore
from debtload.config import Config
from debtload.domain.file_import.report import ImportReporter
from debtload.domain.jobs.outbox import SentMarkingPublisher
from debtload.domain.jobs.submit import JobSubmitter
from debtload.service_builders import job_submitter

if TYPE_CHECKING:
    from debtload.domain.jobs.ports import RowProcessor
    from debtload.tasks.calls import CallTasks
    from debtload.tasks.file_import_events import FileImportEvents
    from debtload.tasks.webhooks import WebhookDeliveryTask
    from debtload.tasks.worker import WorkerTask


def queue_name(queue_url: str) -> str:
    """The name an SQS record's eventSourceARN ends with."""
    return queue_url.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class TaskDependencies:
    config: Config
    table: DynamoTable
    jobs: DynamoJobStore
    imports: DynamoImportStore
    files: S3FileStore
    claims: S3ClaimStore
    publisher: SentMarkingPublisher
    submitter: JobSubmitter
    # File imports: the reports are written when the import's job ends (by the worker).
    reporter: ImportReporter

    @classmethod
    def from_config(cls, config: Config) -> TaskDependencies:
        table = DynamoTable(config.table_name, batch_concurrency=config.dynamodb_batch_concurrency)
        jobs = DynamoJobStore(table)
        imports = DynamoImportStore(table)
        files = S3FileStore()
        publisher = outbox_publisher(table, config.webhook_queue_url)
        return cls(
            config=config,
            table=table,
            jobs=jobs,
            imports=imports,
            files=files,
            claims=S3ClaimStore(config.imports_bucket),
            publisher=publisher,
            submitter=job_submitter(config, jobs, publisher),
            reporter=ImportReporter(imports, jobs, files, publisher),
        )

    def file_import_events(self) -> FileImportEvents:
        """FileImportFunction: S3 drops, their OnFailure records, and the lease sweeper."""
        from debtload.tasks.file_import import FileImportTask
        from debtload.tasks.file_import_events import FileImportEvents
        from debtload.tasks.file_import_failures import ImportFailures
        from debtload.tasks.file_import_sweeper import LeaseSweeper
        from debtload.tasks.job_kinds import IMPORTABLE_KINDS

        task = FileImportTask(
            store=self.imports,
            files=self.files,
            submitter=self.submitter,
            jobs=self.jobs,
            reporter=self.reporter,
            # A kind is importable once its row processor is registered (row_processors below).
            importable_kinds=IMPORTABLE_KINDS,
        )
        failures = ImportFailures(self.imports, self.files, self.jobs, self.reporter)
        return FileImportEvents(task, failures, LeaseSweeper(self.imports, task, failures))

    def worker_task(self) -> WorkerTask:
        """WorkerFunction: job chunks, dead chunks and the outbox sweep."""
        from debtload.domain.file_import.processing import with_file_rows
        from debtload.domain.jobs.worker import JobWorker
        from debtload.tasks.worker import WorkerTask

        worker = JobWorker(
            store=self.jobs,
            claims=self.claims,
            publisher=self.publisher,
            # File imports: rows arrive as the file's cells, and the reports are written when the job ends.
            processors=with_file_rows(self.row_processors()),
            on_terminal=self.reporter.on_terminal,
        )
        return WorkerTask(
            worker=worker,
            job_queue_name=queue_name(self.config.job_queue_url),
            outbox=self.publisher.outbox,
            sender=self.publisher.publisher,
        )

    def row_processors(self) -> dict[str, RowProcessor]:
        """The row processor of each job kind (tasks/job_kinds.py names them). A resource registers
        its kind's processor here."""
        from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
        from debtload.adapters.dynamodb.campaigns import DynamoCampaignStore
        from debtload.adapters.dynamodb.cases import DynamoCaseStore
        from debtload.adapters.dynamodb.collections import DynamoCollectionStore
        from debtload.adapters.dynamodb.debts import DynamoDebtStore, DynamoTimelineStore
        from debtload.adapters.dynamodb.tenants import DynamoTenantRepository
        from debtload.adapters.stepfunctions_starter import StepFunctionsCallRunStarter
        from debtload.domain import ingestion
        from debtload.domain.campaigns import customer_rows
        from debtload.domain.collections.bulks import CollectionsRowProcessor
        from debtload.domain.debts.job_rows import DebtsRowProcessor
        from debtload.service_builders import batch_services
        from debtload.tasks.job_kinds import COLLECTIONS, CUSTOMERS, DEBTS, NOTES

        table, config = self.table, self.config
        tenants = DynamoTenantRepository(table)
        debts = batch_services(config, DynamoDebtStore(table), DynamoTimelineStore(table), tenants)
        return {
            NOTES: ingestion.NotesRowProcessor(DynamoCaseStore(table)),
            DEBTS: DebtsRowProcessor(debts),
            CUSTOMERS: customer_rows.CustomersRowProcessor(
                DynamoCampaignStore(table),
                DynamoCallRunStore(table),
                StepFunctionsCallRunStarter(config.initiate_calls_state_machine_arn),
                config.call_batch_size,
            ),
            COLLECTIONS: CollectionsRowProcessor(DynamoCollectionStore(table), tenants),
        }

    def call_tasks(self, env: Mapping[str, str] | None = None) -> CallTasks:
        """CallsFunction: the InitiateCalls state machine's tasks. Amazon Connect dials when its
        settings are in the function's environment, else the calls go to the calls event bus."""
        from debtload.adapters.connect_dialer import ConnectDialer, ConnectSettings
        from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
        from debtload.adapters.eventbridge_dialer import EventBridgeDialer
        from debtload.tasks.calls import CallTasks

        connect = ConnectSettings.from_env(os.environ if env is None else env)
        dialer: ConnectDialer | EventBridgeDialer = (
            ConnectDialer(connect) if connect.enabled else EventBridgeDialer(self.config.calls_event_bus)
        )
        return CallTasks(
            store=DynamoCallRunStore(self.table),
            dialer=dialer,
            config=self.config,
            publisher=self.publisher,
        )

    def webhook_delivery_task(self) -> WebhookDeliveryTask:
        """WebhooksFunction: signed deliveries from WebhookQueue, and its dead letters."""
        from debtload.adapters.dynamodb.webhooks import DynamoWebhookStore
        from debtload.adapters.http_sender import PinnedHttpSender
        from debtload.tasks.webhooks import WebhookDeliveryTask

        config = self.config
        return WebhookDeliveryTask(
            store=DynamoWebhookStore(self.table),
            sender=PinnedHttpSender(allow_private=config.webhook_allow_private_targets),
            first_retry_seconds=config.webhook_first_retry_seconds,
            queue_url=config.webhook_queue_url,
            max_attempts=config.webhook_max_attempts,
            dead_letter_queue_name=queue_name(config.webhook_dead_letter_queue_url),
        )
