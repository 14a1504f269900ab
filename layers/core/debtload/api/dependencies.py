"""The api function's composition root: every adapter and service the routes use is built here,
once per process, and handed to the routers, which never import an adapter (an import-linter
contract in pyproject.toml) nor build a service. The task functions' root is tasks/wiring.py, the
authorizer's is api/authorizer.tenant_keys; what two roots build alike is in service_builders.py."""

from __future__ import annotations

from dataclasses import dataclass

from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
from debtload.adapters.dynamodb.campaigns import DynamoCampaignStore
from debtload.adapters.dynamodb.cases import DynamoCaseStore
from debtload.adapters.dynamodb.collections import DynamoCollectionStore
from debtload.adapters.dynamodb.debts import DynamoDebtStore, DynamoTimelineStore
from debtload.adapters.dynamodb.imports import DynamoImportStore
from debtload.adapters.dynamodb.jobs import DynamoJobStore
from debtload.adapters.dynamodb.rate_limits import DynamoRateLimitStore
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.dynamodb.tenants import DynamoTenantRepository
from debtload.adapters.dynamodb.webhooks import DynamoWebhookStore
from debtload.adapters.http_sender import resolve_host
from debtload.adapters.outbox_publisher import outbox_publisher
from debtload.adapters.s3_files import S3FileStore
from debtload.adapters.stepfunctions_starter import StepFunctionsCallRunStarter
from debtload.config import Config
from debtload.domain.debts.batch import BatchServices
from debtload.domain.jobs.outbox import SentMarkingPublisher
from debtload.domain.jobs.submit import JobSubmitter
from debtload.domain.webhooks import Resolver
from debtload.service_builders import batch_services, job_submitter


@dataclass(frozen=True, slots=True)
class ApiDependencies:
    config: Config
    table: DynamoTable
    tenants: DynamoTenantRepository
    jobs: DynamoJobStore
    submitter: JobSubmitter
    webhooks: DynamoWebhookStore
    publisher: SentMarkingPublisher
    rate_limits: DynamoRateLimitStore
    call_runs: DynamoCallRunStore
    call_run_starter: StepFunctionsCallRunStarter
    campaigns: DynamoCampaignStore
    cases: DynamoCaseStore
    collections: DynamoCollectionStore
    debts: DynamoDebtStore
    timelines: DynamoTimelineStore
    batch_services: BatchServices
    imports: DynamoImportStore
    files: S3FileStore
    resolve_host: Resolver

    @classmethod
    def from_config(cls, config: Config) -> ApiDependencies:
        table = DynamoTable(config.table_name, batch_concurrency=config.dynamodb_batch_concurrency)
        tenants = DynamoTenantRepository(table)
        jobs = DynamoJobStore(table)
        publisher = outbox_publisher(table, config.webhook_queue_url)
        debts = DynamoDebtStore(table)
        timelines = DynamoTimelineStore(table)
        return cls(
            config=config,
            table=table,
            tenants=tenants,
            jobs=jobs,
            submitter=job_submitter(config, jobs, publisher),
            webhooks=DynamoWebhookStore(table),
            publisher=publisher,
            rate_limits=DynamoRateLimitStore(table),
            call_runs=DynamoCallRunStore(table),
            call_run_starter=StepFunctionsCallRunStarter(config.initiate_calls_state_machine_arn),
            campaigns=DynamoCampaignStore(table),
            cases=DynamoCaseStore(table),
            collections=DynamoCollectionStore(table),
            debts=debts,
            timelines=timelines,
            batch_services=batch_services(config, debts, timelines, tenants),
            imports=DynamoImportStore(table),
            files=S3FileStore(),
            resolve_host=resolve_host,
        )
