"""FileImport function: a file dropped under imports/ becomes an import, and an import whose every
attempt failed (OnFailure destination, via FileImportFailuresQueue) ends failed. Wiring only; see
debtload.tasks.file_import and debtload.tasks.file_import_failures."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from debtload.config import Config
from debtload.log_masking import masked_logger
from debtload.observability import traced
from debtload.tasks.wiring import TaskDependencies

logger = masked_logger()
task = TaskDependencies.from_config(Config.from_env()).file_import_events()
# Leave time to write a report if the file cannot be read within the function's timeout.
LEASE_MARGIN_SECONDS = 5


@logger.inject_lambda_context
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> list[dict[str, Any]]:
    remaining = context.get_remaining_time_in_millis() / 1000 if context is not None else None
    results = task.handle(event, lease_seconds=remaining + LEASE_MARGIN_SECONDS if remaining else None)
    for result in results:
        logger.info("file import", extra=result)
    return results
