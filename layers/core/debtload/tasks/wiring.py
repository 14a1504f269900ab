"""The task functions' composition root, as `api/dependencies.py` is the api's: every adapter and
service the tasks use is built here, and each function's handler asks it for its task, once per
process (`functions/<name>/app.py`).

Each function loads only what its task uses, which keeps cold starts short (docs/performance.md,
"Cold start"): `TaskDependencies.from_config` builds the table alone, and the pieces the tasks share
(job and import stores, S3 files and claims, the outbox publisher, the job submitter, the import
reporter) are built, with their modules imported, the first time a task asks for them; the webhooks
function, for one, submits no job and writes no report. Each entry point's task is assembled by its
own method, which imports that task's modules when it is called (phonenumbers for the calls, the
file reader for the file imports). The worker's row processors are built per kind, on the first
chunk of that kind (`RowProcessors`): a chunk of notes does not load the debts' and collections'
validation (phonenumbers, schwifty, holidays). boto3 clients are made once per process, on first
use (adapters/aws.py).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from debtload.adapters.dynamodb.table import DynamoTable
from debtload.config import Config

if TYPE_CHECKING:
    from debtload.adapters.dynamodb.import_mappings import DynamoMappingStore
    from debtload.adapters.dynamodb.imports import DynamoImportStore
    from debtload.adapters.dynamodb.jobs import DynamoJobStore
    from debtload.adapters.dynamodb.tenants import DynamoTenantRepository
    from debtload.adapters.s3_files import S3ClaimStore, S3FileStore
    from debtload.domain.calls.ports import CallRunStore
    from debtload.domain.file_import.report import ImportReporter
    from debtload.domain.jobs.outbox import SentMarkingPublisher
    from debtload.domain.jobs.ports import RowProcessor
    from debtload.domain.jobs.submit import JobSubmitter
    from debtload.tasks.calls import CallTasks
    from debtload.tasks.file_import_events import FileImportEvents
    from debtload.tasks.webhooks import WebhookDeliveryTask
    from debtload.tasks.worker import WorkerTask


def queue_name(queue_url: str) -> str:
    """The name an SQS record's eventSourceARN ends with."""
    return queue_url.rstrip("/").rsplit("/", 1)[-1]


class RowProcessors(Mapping[str, "RowProcessor"]):
    """Each job kind's row processor, built (and its modules imported) on the first chunk of that kind,
    then kept for the process; a kind that takes rows from files is wrapped for them. The local stack
    runs one worker on many threads, so a kind is built once, under a lock."""

    def __init__(self, factories: Mapping[str, Callable[[], RowProcessor]]) -> None:
        self._factories = dict(factories)
        self._built: dict[str, RowProcessor] = {}
        self._lock = threading.Lock()

    def __getitem__(self, kind: str) -> RowProcessor:
        built = self._built.get(kind)
        if built is not None:
            return built
        factory = self._factories[kind]
        with self._lock:
            if kind not in self._built:
                from debtload.domain.file_import.processing import with_file_rows

                self._built[kind] = with_file_rows({kind: factory()})[kind]
            return self._built[kind]

    def get(self, kind: str, default: RowProcessor | None = None) -> RowProcessor | None:  # type: ignore[override]
        # Mapping.get would read a KeyError raised while building a processor as "no such kind".
        return self[kind] if kind in self._factories else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._factories)

    def __len__(self) -> int:
        return len(self._factories)


class TaskDependencies:
    def __init__(self, config: Config, table: DynamoTable) -> None:
        self.config = config
        self.table = table

    @classmethod
    def from_config(cls, config: Config) -> TaskDependencies:
        return cls(
            config, DynamoTable(config.table_name, batch_concurrency=config.dynamodb_batch_concurrency)
        )

    @cached_property
    def jobs(self) -> DynamoJobStore:
        from debtload.adapters.dynamodb.jobs import DynamoJobStore

        return DynamoJobStore(self.table)

    @cached_property
    def imports(self) -> DynamoImportStore:
        from debtload.adapters.dynamodb.imports import DynamoImportStore

        return DynamoImportStore(self.table)

    @cached_property
    def import_mappings(self) -> DynamoMappingStore:
        from debtload.adapters.dynamodb.import_mappings import DynamoMappingStore

        return DynamoMappingStore(self.table)

    @cached_property
    def files(self) -> S3FileStore:
        from debtload.adapters.s3_files import S3FileStore

        return S3FileStore()

    @cached_property
    def claims(self) -> S3ClaimStore:
        from debtload.adapters.s3_files import S3ClaimStore

        return S3ClaimStore(self.config.imports_bucket)

    @cached_property
    def tenants(self) -> DynamoTenantRepository:
        from debtload.adapters.dynamodb.tenants import DynamoTenantRepository

        return DynamoTenantRepository(self.table)

    @cached_property
    def publisher(self) -> SentMarkingPublisher:
        from debtload.adapters.outbox_publisher import outbox_publisher

        return outbox_publisher(self.table, self.config.webhook_queue_url)

    @cached_property
    def submitter(self) -> JobSubmitter:
        from debtload.service_builders import job_submitter

        return job_submitter(self.config, self.jobs, self.publisher)

    @cached_property
    def reporter(self) -> ImportReporter:
        """File imports: the reports are written when the import's job ends (by the worker)."""
        from debtload.domain.file_import.report import ImportReporter

        return ImportReporter(self.imports, self.jobs, self.files, self.publisher)

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
            mappings=self.import_mappings,
        )
        failures = ImportFailures(self.imports, self.files, self.jobs, self.reporter)
        return FileImportEvents(task, failures, LeaseSweeper(self.imports, task, failures))

    def worker_task(self) -> WorkerTask:
        """WorkerFunction: job chunks, dead chunks and the outbox sweep."""
        from debtload.domain.jobs.worker import JobWorker
        from debtload.service_builders import cancel_hooks
        from debtload.tasks.worker import WorkerTask

        worker = JobWorker(
            store=self.jobs,
            claims=self.claims,
            publisher=self.publisher,
            # File imports: rows arrive as the file's cells, and the reports are written when the job ends.
            processors=RowProcessors(self.row_processor_factories()),
            on_terminal=self.reporter.on_terminal,
            cancel_hooks=cancel_hooks(self.reporter, self._call_runs, self.publisher),
        )
        return WorkerTask(
            worker=worker,
            job_queue_name=queue_name(self.config.job_queue_url),
            outbox=self.publisher.outbox,
            sender=self.publisher.publisher,
        )

    def row_processors(self) -> dict[str, RowProcessor]:
        """Every kind's row processor, built now (the worker builds each on its first chunk)."""
        return {kind: build() for kind, build in self.row_processor_factories().items()}

    def row_processor_factories(self) -> dict[str, Callable[[], RowProcessor]]:
        """How each job kind's row processor is built (tasks/job_kinds.py names the kinds). A resource
        registers its kind here; each builder imports only its own kind's modules."""
        from debtload.tasks.job_kinds import COLLECTIONS, CUSTOMERS, DEBTS, NOTES

        return {
            NOTES: self._notes_processor,
            DEBTS: self._debts_processor,
            CUSTOMERS: self._customers_processor,
            COLLECTIONS: self._collections_processor,
        }

    def _call_runs(self) -> CallRunStore:
        """Built on a cancel's first need (a customers file), not at the worker's init."""
        from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore

        return DynamoCallRunStore(self.table)

    def _notes_processor(self) -> RowProcessor:
        from debtload.adapters.dynamodb.cases import DynamoCaseStore
        from debtload.domain import ingestion

        return ingestion.NotesRowProcessor(DynamoCaseStore(self.table))

    def _debts_processor(self) -> RowProcessor:
        from debtload.adapters.dynamodb.debts import DynamoDebtStore, DynamoTimelineStore
        from debtload.domain.debts.job_rows import DebtsRowProcessor
        from debtload.service_builders import batch_services

        table = self.table
        return DebtsRowProcessor(
            batch_services(self.config, DynamoDebtStore(table), DynamoTimelineStore(table), self.tenants)
        )

    def _customers_processor(self) -> RowProcessor:
        from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
        from debtload.adapters.dynamodb.campaigns import DynamoCampaignStore
        from debtload.adapters.stepfunctions_starter import StepFunctionsCallRunStarter
        from debtload.domain.campaigns import customer_rows

        config = self.config
        return customer_rows.CustomersRowProcessor(
            DynamoCampaignStore(self.table),
            DynamoCallRunStore(self.table),
            StepFunctionsCallRunStarter(config.initiate_calls_state_machine_arn),
            config.call_batch_size,
        )

    def _collections_processor(self) -> RowProcessor:
        from debtload.adapters.dynamodb.collections import DynamoCollectionStore
        from debtload.domain.collections.bulks import CollectionsRowProcessor

        return CollectionsRowProcessor(DynamoCollectionStore(self.table), self.tenants)

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
