"""The caller, as the authorizer described it, and the scope check every protected route makes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from debtload.domain.errors import Forbidden, Unauthorized
from debtload.domain.tenants import Principal


def principal_to_context(principal: Principal) -> dict[str, str]:
    """API Gateway passes only flat string/number/bool context values to the integration."""
    return {
        "tenant_id": principal.tenant_id,
        "key_id": principal.key_id,
        "scopes": " ".join(sorted(principal.scopes)),
    }


def principal_from_event(event: Mapping[str, Any]) -> Principal:
    context = (event.get("requestContext") or {}).get("authorizer") or {}
    tenant_id = context.get("tenant_id")
    if not tenant_id:
        raise Unauthorized("Missing or invalid API key")
    scopes = frozenset(str(context.get("scopes", "")).split())
    return Principal(tenant_id=str(tenant_id), key_id=str(context.get("key_id", "")), scopes=scopes)


def require_scope(event: Mapping[str, Any], scope: str | None) -> Principal:
    principal = principal_from_event(event)
    if scope is not None and not principal.has_scope(scope):
        raise Forbidden(f"This API key lacks the scope {scope}", {"required_scope": scope})
    return principal
