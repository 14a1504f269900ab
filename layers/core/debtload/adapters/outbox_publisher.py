"""The publisher every function uses: the webhook queue, then the outbox entry marked sent."""

from __future__ import annotations

from debtload.adapters.dynamodb.outbox import DynamoOutbox
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.sqs_queues import SqsEventPublisher
from debtload.domain.jobs.outbox import SentMarkingPublisher


def outbox_publisher(table: DynamoTable, webhook_queue_url: str) -> SentMarkingPublisher:
    return SentMarkingPublisher(SqsEventPublisher(webhook_queue_url), DynamoOutbox(table))
