"""FileImport function: a file dropped under imports/ becomes an import. Wiring only."""

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from debtload.adapters.dynamodb.imports import DynamoImportStore
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.s3_files import S3FileStore
from debtload.config import Config
from debtload.tasks.file_import import FileImportTask

logger = Logger()
tracer = Tracer()
task = FileImportTask(store=DynamoImportStore(DynamoTable(Config.from_env().table_name)), files=S3FileStore())


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> list[dict[str, Any]]:
    results = task.handle(event)
    for result in results:
        logger.info("file import", extra=result)
    return results
