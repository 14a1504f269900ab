"""Authorizer function: API key -> tenant and scopes. Wiring only; see debtload.api.authorizer."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from debtload.api.authorizer import authorize, tenant_keys
from debtload.config import Config
from debtload.log_masking import masked_logger

logger = masked_logger()
repository = tenant_keys(Config.from_env())


@logger.inject_lambda_context(log_event=False)  # the event carries the API key
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return authorize(event, repository)
