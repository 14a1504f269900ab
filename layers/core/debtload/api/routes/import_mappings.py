"""PUT, GET and DELETE /import-mappings/{kind}: the tenant's saved column mapping for a file kind."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event
from debtload.domain.file_import import mappings
from debtload.domain.file_import.report import now_iso


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()

    @router.put("/import-mappings/<kind>", tags=["imports"], summary="Save the column mapping of a file kind")
    def put_mapping(kind: Annotated[str, Path(max_length=32)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        body = router.current_event.json_body
        return mappings.save_mapping(deps.import_mappings, principal.tenant_id, kind, body, now_iso())

    @router.get(
        "/import-mappings/<kind>", tags=["imports"], summary="The saved column mapping of a file kind"
    )
    def get_mapping(kind: Annotated[str, Path(max_length=32)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        return mappings.show_mapping(deps.import_mappings, principal.tenant_id, kind)

    @router.delete(
        "/import-mappings/<kind>", tags=["imports"], summary="Remove the column mapping of a file kind"
    )
    def delete_mapping(kind: Annotated[str, Path(max_length=32)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        return mappings.remove_mapping(deps.import_mappings, principal.tenant_id, kind)

    return router
