"""Webhooks function: signed deliveries from WebhookQueue. Wiring only; see debtload.tasks.webhooks."""

from typing import Any

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
task = WebhookDeliveryTask(
    store=DynamoWebhookStore(DynamoTable(config.table_name)),
    sender=PinnedHttpSender(allow_private=config.webhook_allow_private_targets),
    first_retry_seconds=config.webhook_first_retry_seconds,
    queue_url=config.webhook_queue_url,
    max_attempts=config.webhook_max_attempts,
    dead_letter_queue_name=config.webhook_dead_letter_queue_url.rstrip("/").rsplit("/", 1)[-1],
)


@logger.inject_lambda_context
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The batch is the task's (a pool, grouped by tenant, stopping before this invocation's deadline),
    # so powertools' sequential BatchProcessor is not used here.
    return task.handle_batch(event.get("Records", []), context.get_remaining_time_in_millis)
