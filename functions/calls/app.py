"""Calls function: the InitiateCalls state machine's tasks. Wiring only; see debtload.domain.call_runs."""

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.eventbridge_dialer import EventBridgeDialer
from debtload.config import Config
from debtload.tasks.calls import CallTasks

logger = Logger()
tracer = Tracer()
config = Config.from_env()
tasks = CallTasks(
    store=DynamoCallRunStore(DynamoTable(config.table_name)),
    dialer=EventBridgeDialer(config.calls_event_bus),
    config=config,
)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return tasks.run(event)
