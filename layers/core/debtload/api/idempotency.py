"""`Idempotency-Key` on creating POSTs, built on powertools' idempotency utility.

Records live in the single table under the tenant's partition (static PK `TENANT#<id>`), so they
follow the tenant rule and expire through the table's TTL attribute. powertools gives the semantics
DESIGN §3 asks for: a stored response for a replay, IdempotencyValidationError when the body differs
(422 here), IdempotencyAlreadyInProgressError while the first call runs (409), and no record when the
call raises, so a field-level 400 is never stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from debtload.adapters import aws
from debtload.adapters.dynamodb import keys
from debtload.domain.errors import BadRequest, Conflict, Unprocessable

HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
EXPIRES_AFTER_SECONDS = 24 * 3600


def _mark_replayed(response: Any, idempotent_data: DataRecord) -> Any:
    return {**response, "replayed": True}


KEY_PREFIX = "debtload-api"  # stable across function names, so a record survives a redeploy


def persistence_for(table_name: str, tenant_id: str) -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(
        table_name=table_name,
        key_attr="PK",
        sort_key_attr="SK",
        static_pk_value=keys.tenant_pk(tenant_id),
        expiry_attr="expires_at",
        boto3_client=aws.client("dynamodb"),
    )


def config_for(context: LambdaContext | None) -> IdempotencyConfig:
    config = IdempotencyConfig(
        event_key_jmespath="[route, key]",
        payload_validation_jmespath="body",
        expires_after_seconds=EXPIRES_AFTER_SECONDS,
        response_hook=_mark_replayed,
    )
    if context is not None:
        config.register_lambda_context(context)  # an in-flight record expires with the invocation
    return config


def request_data(route: str, key: str, body: Any) -> dict[str, Any]:
    return {"route": route, "key": key, "body": body}


def run_idempotently(
    *,
    table_name: str,
    tenant_id: str,
    key: str | None,
    route: str,
    body: Any,
    context: LambdaContext | None,
    operation: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Run `operation` (which returns {"status", "body", "headers"?}) at most once per key and body.

    The result carries `"replayed": True` when it is the stored response of an earlier call."""
    if key is None:
        return operation()
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise BadRequest(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters", {"Idempotency-Key": "invalid length"}
        )

    @idempotent_function(
        data_keyword_argument="request",
        persistence_store=persistence_for(table_name, tenant_id),
        config=config_for(context),
        key_prefix=KEY_PREFIX,
    )
    def execute(request: dict[str, Any]) -> dict[str, Any]:
        return operation()

    try:
        result: dict[str, Any] = execute(request=request_data(route, key, body))
    except IdempotencyValidationError as error:
        raise Unprocessable(
            "This Idempotency-Key was already used with a different request body",
            {"Idempotency-Key": "reuse it only to retry the identical request"},
        ) from error
    except IdempotencyAlreadyInProgressError as error:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed; retry later",
            {"Idempotency-Key": "in flight"},
        ) from error
    return result
