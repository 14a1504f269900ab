"""The api function's composition root: every adapter and service the routes use is built here,
once per process, and handed to the routers, which never import an adapter (an import-linter
contract in pyproject.toml) nor build a service. The task functions' root is tasks/wiring.py, the
authorizer's is api/authorizer.tenant_keys; what two roots build alike is in service_builders.py.

Only the table and the rate-limit store, which every metered request uses, are built at init. Each
other store or service is built, with its modules imported, the first time a route asks for it, so a
resource's first request pays for what it uses and no other (docs/performance.md, "Cold start"). Two
threads of the local stack asking at once may build one twice; both are alike and stateless.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from debtload.adapters.dynamodb.rate_limits import DynamoRateLimitStore
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.config import Config

if TYPE_CHECKING:
    from debtload.adapters.dynamodb.activity import DynamoActivityStore
    from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
    from debtload.adapters.dynamodb.campaigns import DynamoCampaignStore
    from debtload.adapters.dynamodb.cases import DynamoCaseStore
    from debtload.adapters.dynamodb.collections import DynamoCollectionStore
    from debtload.adapters.dynamodb.debts import DynamoDebtStore, DynamoTimelineStore
    from debtload.adapters.dynamodb.import_mappings import DynamoMappingStore
    from debtload.adapters.dynamodb.imports import DynamoImportStore
    from debtload.adapters.dynamodb.jobs import DynamoJobStore
    from debtload.adapters.dynamodb.tenants import DynamoTenantRepository
    from debtload.adapters.dynamodb.webhooks import DynamoWebhookStore
    from debtload.adapters.s3_files import S3FileStore
    from debtload.adapters.s3_uploads import S3Presigner
    from debtload.adapters.stepfunctions_starter import StepFunctionsCallRunStarter
    from debtload.api.console_assets import ConsoleAssets
    from debtload.domain.debts.batch import BatchServices
    from debtload.domain.file_import.report import ImportReporter
    from debtload.domain.jobs.cancel import JobCanceler
    from debtload.domain.jobs.outbox import SentMarkingPublisher
    from debtload.domain.jobs.submit import JobSubmitter
    from debtload.domain.webhooks import Resolver


class ApiDependencies:
    def __init__(self, config: Config, table: DynamoTable) -> None:
        self.config = config
        self.table = table
        self.rate_limits = DynamoRateLimitStore(table)

    @classmethod
    def from_config(cls, config: Config) -> ApiDependencies:
        return cls(
            config, DynamoTable(config.table_name, batch_concurrency=config.dynamodb_batch_concurrency)
        )

    @cached_property
    def tenants(self) -> DynamoTenantRepository:
        from debtload.adapters.dynamodb.tenants import DynamoTenantRepository

        return DynamoTenantRepository(self.table)

    @cached_property
    def jobs(self) -> DynamoJobStore:
        from debtload.adapters.dynamodb.jobs import DynamoJobStore

        return DynamoJobStore(self.table)

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
        """A canceled file import's reports (the worker writes them when an import ends)."""
        from debtload.domain.file_import.report import ImportReporter

        return ImportReporter(self.imports, self.jobs, self.files, self.publisher)

    @cached_property
    def job_canceler(self) -> JobCanceler:
        from debtload.domain.jobs.cancel import JobCanceler
        from debtload.service_builders import cancel_hooks

        return JobCanceler(
            self.jobs, self.publisher, cancel_hooks(self.reporter, lambda: self.call_runs, self.publisher)
        )

    @cached_property
    def console_assets(self) -> ConsoleAssets:
        from debtload.api.console_assets import ConsoleAssets

        return ConsoleAssets(self.config.console_static_dir or None)

    @cached_property
    def activity(self) -> DynamoActivityStore:
        from debtload.adapters.dynamodb.activity import DynamoActivityStore

        return DynamoActivityStore(self.table)

    @cached_property
    def webhooks(self) -> DynamoWebhookStore:
        from debtload.adapters.dynamodb.webhooks import DynamoWebhookStore

        return DynamoWebhookStore(self.table)

    @cached_property
    def call_runs(self) -> DynamoCallRunStore:
        from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore

        return DynamoCallRunStore(self.table)

    @cached_property
    def call_run_starter(self) -> StepFunctionsCallRunStarter:
        from debtload.adapters.stepfunctions_starter import StepFunctionsCallRunStarter

        return StepFunctionsCallRunStarter(self.config.initiate_calls_state_machine_arn)

    @cached_property
    def campaigns(self) -> DynamoCampaignStore:
        from debtload.adapters.dynamodb.campaigns import DynamoCampaignStore

        return DynamoCampaignStore(self.table)

    @cached_property
    def cases(self) -> DynamoCaseStore:
        from debtload.adapters.dynamodb.cases import DynamoCaseStore

        return DynamoCaseStore(self.table)

    @cached_property
    def collections(self) -> DynamoCollectionStore:
        from debtload.adapters.dynamodb.collections import DynamoCollectionStore

        return DynamoCollectionStore(self.table)

    @cached_property
    def debts(self) -> DynamoDebtStore:
        from debtload.adapters.dynamodb.debts import DynamoDebtStore

        return DynamoDebtStore(self.table)

    @cached_property
    def timelines(self) -> DynamoTimelineStore:
        from debtload.adapters.dynamodb.debts import DynamoTimelineStore

        return DynamoTimelineStore(self.table)

    @cached_property
    def batch_services(self) -> BatchServices:
        from debtload.service_builders import batch_services

        return batch_services(self.config, self.debts, self.timelines, self.tenants)

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
    def presigner(self) -> S3Presigner:
        from debtload.adapters.s3_uploads import S3Presigner

        return S3Presigner()

    @cached_property
    def resolve_host(self) -> Resolver:
        from debtload.adapters.http_sender import resolve_host

        return resolve_host
