"""POST /collections/exports and GET /collections/exports/{id}: pain.008 bank files (beyond the bank's bulk
collections API)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.creating import OperationResult, create
from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event
from debtload.domain.collections import bulks, exports
from debtload.domain.tenants import Principal


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()
    store = deps.collections
    files = deps.files
    bucket = deps.config.imports_bucket
    table = deps.config.table_name

    @router.post(
        "/collections/exports",
        tags=["collections"],
        summary="pain.008 files for the collections due by a date",
    )
    def create_export() -> Response[Any]:
        def operation(principal: Principal, body: Any, dry_run: bool) -> OperationResult:
            now = datetime.now(UTC)
            until = exports.export_date(body, bulks.today_cet(now))
            if dry_run:
                due = store.due_for_export(principal.tenant_id, until.isoformat())
                return OperationResult(
                    200,
                    {"id": None, "date": until.isoformat(), "collections": len(due)},
                )
            settings = deps.tenants.get_settings(principal.tenant_id)
            export = exports.create_export(
                store, files, bucket, principal.tenant_id, settings, until, now.isoformat()
            )
            return OperationResult(201, export)

        return create(router, table, operation)

    @router.get(
        "/collections/exports/<export_id>",
        tags=["collections"],
        summary="An export's files and download links",
    )
    def get_export(export_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        return exports.get_export(store, files, bucket, principal.tenant_id, export_id)

    return router
