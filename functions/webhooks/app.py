"""Webhooks function: signed deliveries from WebhookQueue. Wiring only; see debtload.tasks.webhooks."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.dynamodb.webhooks import DynamoWebhookStore
from debtload.adapters.http_sender import PinnedHttpSender
from debtload.config import Config
from debtload.log_masking import masked_logger
from debtload.observability import traced
from debtload.tasks.webhooks import WebhookDeliveryTask

logger = masked_logger()
config = Config.from_env()
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
task = WebhookDeliveryTask(
    store=DynamoWebhookStore(DynamoTable(config.table_name)),
    sender=PinnedHttpSender(allow_private=config.webhook_allow_private_targets),
    first_retry_seconds=config.webhook_first_retry_seconds,
    queue_url=config.webhook_queue_url,
    max_attempts=config.webhook_max_attempts,
    dead_letter_queue_name=config.webhook_dead_letter_queue_url.rstrip("/").rsplit("/", 1)[-1],
)


def record_handler(record: SQSRecord) -> str:
    return task.handle_record(record.raw_event)


@logger.inject_lambda_context
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
