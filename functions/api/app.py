"""Api function: every HTTP route. Wiring only; the routes live in debtload.api."""

from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from debtload.api.app import make_handler
from debtload.api.dependencies import ApiDependencies
from debtload.config import Config
from debtload.log_masking import masked_logger
from debtload.observability import traced
from debtload.snapstart import reseed_after_restore

reseed_after_restore()
logger = masked_logger()
metrics = Metrics()
handle = make_handler(ApiDependencies.from_config(Config.from_env()), logger)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event, context)
