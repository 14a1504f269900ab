"""Webhooks function: signed deliveries from WebhookQueue. Wiring only; see debtload.tasks.webhooks."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from debtload.config import Config
from debtload.log_masking import masked_logger
from debtload.observability import traced
from debtload.tasks.wiring import TaskDependencies

logger = masked_logger()
task = TaskDependencies.from_config(Config.from_env()).webhook_delivery_task()


@logger.inject_lambda_context
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The batch is the task's (a pool, grouped by tenant, stopping before this invocation's deadline),
    # so powertools' sequential BatchProcessor is not used here.
    return task.handle_batch(event.get("Records", []), context.get_remaining_time_in_millis)
