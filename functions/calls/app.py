"""Calls function: the InitiateCalls state machine's tasks. Wiring only; see debtload.tasks.calls."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from debtload.config import Config
from debtload.log_masking import masked_logger
from debtload.observability import traced
from debtload.tasks.wiring import TaskDependencies

logger = masked_logger()
tasks = TaskDependencies.from_config(Config.from_env()).call_tasks()


@logger.inject_lambda_context
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return tasks.run(event)
