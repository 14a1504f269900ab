"""GET /imports and GET /imports/{id}: the files a tenant dropped, their status and their reports;
POST /imports/{id}/undo: remove what an import (a file, or a POST /debts/batch) wrote; POST
/imports/uploads: a presigned POST for a browser's upload; GET /imports/{id}/files/{name}: a link
to one of its reports (domain/uploads.py, decision 94)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.creating import OperationResult, create
from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event
from debtload.domain import undo, uploads
from debtload.domain.errors import BadRequest, NotFound
from debtload.domain.tenants import Principal


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()
    store = deps.imports
    runs = deps.call_runs

    @router.get("/imports", tags=["imports"], summary="Files dropped in the imports bucket, newest first")
    def list_imports(
        cursor: Annotated[str | None, Query(max_length=2048)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        try:
            page, next_cursor = store.list_imports(principal.tenant_id, cursor, limit)
        except ValueError as error:
            raise BadRequest("Invalid cursor", {"cursor": str(error)}) from error
        return {"results": page, "next_cursor": next_cursor}

    @router.get("/imports/<import_id>", tags=["imports"], summary="One import: status, counts, reports")
    def get_import(import_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        public = store.get_public_import(principal.tenant_id, import_id)
        if public is None:
            raise NotFound("Import not found")
        if public.get("kind") == "customers" and public.get("job_id"):
            public["call_runs"] = runs.runs_of_job(principal.tenant_id, str(public["job_id"]))
        return public

    @router.post("/imports/<import_id>/undo", tags=["imports"], summary="Undo what an import wrote")
    def undo_import(import_id: Annotated[str, Path(max_length=64)]) -> Response[Any]:
        def operation(principal: Principal, body: Any, dry_run: bool) -> OperationResult:
            answer = undo.undo_import(
                deps.debts,
                store,
                principal.tenant_id,
                import_id,
                now=datetime.now(UTC).isoformat(),
                dry_run=dry_run,
                collections=deps.collections,
                notes=deps.cases,
                customers=deps.campaigns,
            )
            return OperationResult(200, answer)

        return create(router, deps.config.table_name, operation)

    @router.post("/imports/uploads", tags=["imports"], summary="A presigned POST to upload one file")
    def create_upload() -> Response[Any]:
        def operation(principal: Principal, body: Any, dry_run: bool) -> OperationResult:
            answer = uploads.create_upload(
                deps.presigner,
                store,
                deps.config.imports_bucket,
                principal.tenant_id,
                body,
                deps.config.upload_max_bytes,
                now=datetime.now(UTC),
            )
            return OperationResult(201, answer)

        return create(router, deps.config.table_name, operation)

    @router.get("/imports/<import_id>/files/<name>", tags=["imports"], summary="A link to a report")
    def report_file(
        import_id: Annotated[str, Path(max_length=64)],
        name: Annotated[Literal["report.json", "errors.csv"], Path()],
    ) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        return uploads.report_link(
            deps.presigner, store, principal.tenant_id, import_id, name, now=datetime.now(UTC)
        )

    return router
