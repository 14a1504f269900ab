"""What the api routes need, built once per process by the handler and passed to every router."""

from __future__ import annotations

from dataclasses import dataclass

from debtload.adapters.dynamodb.jobs import DynamoJobStore
from debtload.adapters.dynamodb.rate_limits import DynamoRateLimitStore
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.dynamodb.tenants import DynamoTenantRepository
from debtload.adapters.dynamodb.webhooks import DynamoWebhookStore
from debtload.adapters.outbox_publisher import outbox_publisher
from debtload.adapters.s3_files import S3ClaimStore
from debtload.adapters.sqs_queues import SqsChunkQueue
from debtload.config import Config
from debtload.domain.jobs.outbox import SentMarkingPublisher
from debtload.domain.jobs.submit import JobSubmitter


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

    @classmethod
    def from_config(cls, config: Config) -> ApiDependencies:
        table = DynamoTable(config.table_name)
        jobs = DynamoJobStore(table)
        publisher = outbox_publisher(table, config.webhook_queue_url)
        return cls(
            config=config,
            table=table,
            tenants=DynamoTenantRepository(table),
            jobs=jobs,
            submitter=JobSubmitter(
                store=jobs,
                queue=SqsChunkQueue(config.job_queue_url),
                claims=S3ClaimStore(config.imports_bucket),
                publisher=publisher,
            ),
            webhooks=DynamoWebhookStore(table),
            publisher=publisher,
            rate_limits=DynamoRateLimitStore(table),
        )
