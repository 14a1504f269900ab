"""`Idempotency-Key` on creating POSTs, built on powertools' idempotency utility.

Records live in the single table under the tenant's partition (static PK `TENANT#<id>`), so they
follow the tenant rule and expire through the table's TTL attribute. powertools gives the semantics
docs/api.md promises: a stored response for a replay, IdempotencyValidationError when the body differs
(422 here), IdempotencyAlreadyInProgressError while the first call runs (409), and no record when the
call raises, so a field-level 400 is never stored.

Records expire after 24 h, but what a key made does not: ids are derived from the key. So the first
run of a key also writes a permanent claim (adapters/dynamodb/idempotency.py), and a key whose record
has expired is refused rather than run again over its first use's debts, collections or call runs:
409 `idempotency_key_expired` with the same body, 422 `idempotency_key_reused` with another.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
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
from debtload.adapters.dynamodb.idempotency import (
    CompactDynamoDBPersistenceLayer,
    IdempotencyKeyClaims,
    payload_hash,
)
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.domain.errors import BadRequest, Conflict, Unprocessable

HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
EXPIRES_AFTER_SECONDS = 24 * 3600


class KeyReused(Unprocessable):
    code = "idempotency_key_reused"


class KeyExpired(Conflict):
    code = "idempotency_key_expired"


def _mark_replayed(response: Any, idempotent_data: DataRecord) -> Any:
    return {**response, "replayed": True}


def _oversized(response: dict[str, Any], size: int) -> dict[str, Any]:
    """What a replay answers when the response could not be kept even compressed: the status, and
    no repeat of the work."""
    return {
        "status": response.get("status", 200),
        "headers": response.get("headers") or {},
        "body": {
            "message": "This request was completed; its response is too large to be replayed",
            "response_bytes": size,
        },
    }


KEY_PREFIX = "debtload-api"  # stable across function names, so a record survives a redeploy


def persistence_for(table_name: str, tenant_id: str) -> CompactDynamoDBPersistenceLayer:
    return CompactDynamoDBPersistenceLayer(
        table_name=table_name,
        key_attr="PK",
        sort_key_attr="SK",
        static_pk_value=keys.tenant_pk(tenant_id),
        expiry_attr="expires_at",
        boto3_client=aws.client("dynamodb"),
        oversized=_oversized,
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
        # powertools runs this only when no live record holds the key: a first use, a retry after a
        # failure, or a use after the record expired, which the claim tells apart.
        claims = IdempotencyKeyClaims(DynamoTable(table_name))
        made, held = claims.claim(tenant_id, route, key, body_hash, _now())
        if held is not None:
            _refuse(held.payload_hash == body_hash, held.first_used_at)
        try:
            result = operation()
        except Exception:
            if made:
                claims.release(tenant_id, route, key)
            raise
        claims.complete(tenant_id, route, key, _now())
        return result

    body_hash = payload_hash(body)
    try:
        result: dict[str, Any] = execute(request=request_data(route, key, body))
    except IdempotencyValidationError as error:
        raise KeyReused(
            "This Idempotency-Key was already used with a different request body",
            {"Idempotency-Key": "reuse it only to retry the identical request"},
        ) from error
    except IdempotencyAlreadyInProgressError as error:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed; retry later",
            {"Idempotency-Key": "in flight"},
        ) from error
    return result


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _refuse(same_body: bool, first_used_at: str) -> None:
    if same_body:
        raise KeyExpired(
            f"This Idempotency-Key was used on {first_used_at} and its stored response has expired "
            f"({EXPIRES_AFTER_SECONDS // 3600} h); nothing was done again. Send a new key to repeat it.",
            {"Idempotency-Key": "expired", "first_used_at": first_used_at},
        )
    raise KeyReused(
        f"This Idempotency-Key was used on {first_used_at} with a different request body",
        {"Idempotency-Key": "reuse it only to retry the identical request", "first_used_at": first_used_at},
    )
