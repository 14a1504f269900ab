"""GET /me: the calling key, its tenant and its scopes, so a client (the console) offers only what
the key may do."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()

    @router.get("/me", tags=["system"], summary="The calling API key: tenant and scopes")
    def me() -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        tenant = deps.tenants.get_tenant(principal.tenant_id)
        return {
            "tenant_id": principal.tenant_id,
            "tenant_name": tenant.name if tenant is not None else None,
            "key_id": principal.key_id,
            "scopes": sorted(principal.scopes),
        }

    return router
