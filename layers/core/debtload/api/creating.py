"""What every creating POST shares: `?dry_run=true` and `Idempotency-Key`. Its scope is the route
table's (api/route_scopes.py), checked before routing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.idempotency import HEADER, REPLAYED_HEADER, run_idempotently
from debtload.api.principal import principal_from_event
from debtload.api.responses import json_response
from debtload.domain.tenants import Principal

# (principal, body, dry_run) -> {"status": int, "body": ..., "headers": {...}?}
Operation = Callable[[Principal, Any, bool], dict[str, Any]]


def is_dry_run(router: APIGatewayRouter) -> bool:
    value = (router.current_event.query_string_parameters or {}).get("dry_run", "")
    return value.lower() in ("true", "1", "yes")


def idempotency_key(router: APIGatewayRouter) -> str | None:
    """The request's Idempotency-Key header, whatever its case."""
    headers = router.current_event.headers or {}
    key = headers.get(HEADER)
    if key is None:
        key = next((v for k, v in headers.items() if k.lower() == HEADER), None)
    return key


def create(router: APIGatewayRouter, table_name: str, operation: Operation) -> Response[Any]:
    event = router.current_event
    principal = principal_from_event(event.raw_event)
    body = event.json_body
    dry_run = is_dry_run(router)
    if dry_run:
        # A dry run writes nothing, not even an idempotency record.
        result = operation(principal, body, True)
    else:
        key = idempotency_key(router)
        result = run_idempotently(
            table_name=table_name,
            tenant_id=principal.tenant_id,
            key=key,
            # The resolved path, not the resource template: /cases/A/notes and /cases/B/notes are
            # different requests even with the same key and body (issue 13, defect 10).
            route=f"{event.http_method} {event.path}",
            body=body,
            context=router.lambda_context,
            operation=lambda: operation(principal, body, False),
        )
    headers = dict(result.get("headers") or {})
    if result.get("replayed"):
        headers[REPLAYED_HEADER] = "true"
    if dry_run:
        headers["Dry-Run"] = "true"
    return json_response(int(result["status"]), result["body"], headers)
