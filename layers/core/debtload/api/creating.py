"""What every creating POST shares: `?dry_run=true` and `Idempotency-Key`. Its scope is the route
table's (api/route_scopes.py), checked before routing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.idempotency import HEADER, REPLAYED_HEADER, run_idempotently
from debtload.api.principal import principal_from_event
from debtload.api.responses import json_response
from debtload.domain.tenants import Principal


@dataclass(frozen=True, slots=True)
class OperationResult:
    """What a creating operation answers. An idempotency record keeps it as `to_record()` gives it,
    and a replay answers it again."""

    status: int
    body: Mapping[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"status": self.status, "body": dict(self.body)}
        if self.headers:
            record["headers"] = dict(self.headers)
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> OperationResult:
        return cls(int(record["status"]), record["body"], dict(record.get("headers") or {}))


# (principal, body, dry_run) -> the answer
Operation = Callable[[Principal, Any, bool], OperationResult]


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
        replayed = False
    else:
        key = idempotency_key(router)
        record = run_idempotently(
            table_name=table_name,
            tenant_id=principal.tenant_id,
            key=key,
            # The resolved path, not the resource template: /cases/A/notes and /cases/B/notes are
            # different requests even with the same key and body (issue 13, defect 10).
            route=f"{event.http_method} {event.path}",
            body=body,
            context=router.lambda_context,
            operation=lambda: operation(principal, body, False).to_record(),
        )
        result = OperationResult.from_record(record)
        replayed = bool(record.get("replayed"))
    headers = dict(result.headers)
    if replayed:
        headers[REPLAYED_HEADER] = "true"
    if dry_run:
        headers["Dry-Run"] = "true"
    return json_response(result.status, result.body, headers)
