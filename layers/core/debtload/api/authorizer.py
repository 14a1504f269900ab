"""The REST API's Lambda REQUEST authorizer: API key -> tenant and scopes.

Scopes are checked by the api function, which knows each route's scope and can answer 403 naming
it; the authorizer only tells who is calling, so its policy allows every route of the stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponse,
)

from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.dynamodb.tenants import DynamoTenantRepository
from debtload.api.principal import principal_to_context
from debtload.config import Config
from debtload.domain.tenants import TenantRepository, authenticate, extract_api_key


def tenant_keys(config: Config) -> TenantRepository:
    """The authorizer function's composition root. It needs only the tenants' keys, so it builds only
    their store: the api's root (api/dependencies.py) would load every route's adapters on a cold
    start that runs before each first request."""
    return DynamoTenantRepository(DynamoTable(config.table_name))


class Unauthorized(Exception):
    def __init__(self) -> None:
        super().__init__("Unauthorized")


def authorize(event: Mapping[str, Any], repo: TenantRepository) -> dict[str, Any]:
    request = APIGatewayAuthorizerRequestEvent(dict(event))
    principal = authenticate(repo, extract_api_key(request.headers))
    if principal is None:
        raise Unauthorized
    arn = request.parsed_arn
    response = APIGatewayAuthorizerResponse(
        principal_id=principal.key_id,
        region=arn.region,
        aws_account_id=arn.aws_account_id,
        api_id=arn.api_id,
        stage=arn.stage,
        context=principal_to_context(principal),
    )
    response.allow_all_routes()
    return response.asdict()
