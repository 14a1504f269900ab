"""PATCH /settings: tenant settings such as the SEPA creditor identifier."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event
from debtload.domain.tenant_settings import TenantSettingsPatch, update_settings


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()

    @router.patch("/settings", tags=["settings"], summary="Update tenant settings")
    def patch_settings(patch: Annotated[TenantSettingsPatch, Body()]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        return update_settings(deps.tenants, principal.tenant_id, patch)

    return router
