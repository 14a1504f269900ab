"""Calls function: the InitiateCalls state machine's tasks. Wiring only; see debtload.domain.calls."""

import os
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from debtload.adapters.connect_dialer import ConnectDialer, ConnectSettings
from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.eventbridge_dialer import EventBridgeDialer
from debtload.adapters.outbox_publisher import outbox_publisher
from debtload.config import Config
from debtload.domain.calls.ports import Dialer
from debtload.log_masking import masked_logger
from debtload.observability import traced
from debtload.tasks.calls import CallTasks

logger = masked_logger()
config = Config.from_env()
table = DynamoTable(config.table_name)
connect = ConnectSettings.from_env(os.environ)
dialer: Dialer = ConnectDialer(connect) if connect.enabled else EventBridgeDialer(config.calls_event_bus)
tasks = CallTasks(
    store=DynamoCallRunStore(table),
    dialer=dialer,
    config=config,
    publisher=outbox_publisher(table, config.webhook_queue_url),
)


@logger.inject_lambda_context
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return tasks.run(event)
