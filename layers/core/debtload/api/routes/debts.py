"""Debts (the Batch Create Debts API): POST /debts/batch, single-debt CRUD, and the timelines
debts attach to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.creating import OperationResult, create, idempotency_key
from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event
from debtload.api.responses import json_response
from debtload.domain import request_ids
from debtload.domain.debts import batch, single, timelines
from debtload.domain.errors import BadRequest
from debtload.domain.tenants import Principal


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()
    timeline_store = deps.timelines
    services = deps.batch_services
    table = deps.config.table_name

    @router.post("/debts/batch", tags=["debts"], summary="Create up to 1,000 debts, validated row by row")
    def create_batch() -> Response[Any]:
        def operation(principal: Principal, body: Any, dry_run: bool) -> OperationResult:
            request = batch.parse_batch_request(body)
            now = datetime.now(UTC)
            outcome = batch.run_batch(
                services,
                principal.tenant_id,
                request,
                import_id=request_ids.debts_batch_import_id(
                    principal.tenant_id, idempotency_key(router), dry_run=dry_run
                ),
                now=now,
                dry_run=dry_run,
            )
            if not dry_run:
                deps.activity.record_debt_batch(principal.tenant_id, outcome.activity_record(now))
            return OperationResult(200, outcome.to_json())

        return create(router, table, operation)

    @router.post("/debts", tags=["debts"], summary="Create one debt (the batch rules): 201 or 422")
    def create_debt() -> Response[Any]:
        def operation(principal: Principal, body: Any, dry_run: bool) -> OperationResult:
            debt, updated = single.create_debt(
                services,
                principal.tenant_id,
                body,
                import_id=request_ids.single_debt_import_id(
                    principal.tenant_id, idempotency_key(router), dry_run=dry_run
                ),
                now=datetime.now(UTC),
                dry_run=dry_run,
            )
            return OperationResult(201, {**debt.to_json(), "updated": updated})

        return create(router, table, operation)

    @router.get("/debts", tags=["debts"], summary="List debts, newest import filterable by import_id")
    def list_debts(
        import_id: Annotated[str | None, Query(max_length=64)] = None,
        cursor: Annotated[str | None, Query(max_length=2048)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 50,
    ) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        try:
            page, next_cursor = services.debts.list_debts(principal.tenant_id, import_id, cursor, limit)
        except ValueError as error:
            raise BadRequest("Invalid cursor", {"cursor": str(error)}) from error
        return {"results": [d.to_json() for d in page], "next_cursor": next_cursor}

    @router.get("/debts/<debt_id>", tags=["debts"], summary="Read one debt")
    def get_debt(debt_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        return single.get_debt(services, principal.tenant_id, debt_id).to_json()

    @router.patch("/debts/<debt_id>", tags=["debts"], summary="Change a debt; every rule is checked again")
    def patch_debt(debt_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        body = router.current_event.json_body
        return single.patch_debt(services, principal.tenant_id, debt_id, body, datetime.now(UTC)).to_json()

    @router.post("/timelines", tags=["debts"], summary="Create a timeline that debts can start")
    def create_timeline() -> Response[Any]:
        def operation(principal: Principal, body: Any, dry_run: bool) -> OperationResult:
            timeline = timelines.create_timeline(
                timeline_store,
                principal.tenant_id,
                body,
                request_ids.timeline_id(),
                datetime.now(UTC).isoformat(),
                dry_run=dry_run,
            )
            return OperationResult(201, timeline.to_json())

        return create(router, table, operation)

    @router.get("/timelines", tags=["debts"], summary="The tenant's timelines")
    def list_timelines() -> Response[Any]:
        principal = principal_from_event(router.current_event.raw_event)
        found = timelines.list_timelines(timeline_store, principal.tenant_id)
        return json_response(200, {"results": [t.to_json() for t in found]})

    return router
