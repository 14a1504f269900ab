"""Cases and the synchronous note endpoint, with the Ingestion Jobs API's note fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.contract.validated_bodies import NoteRequest
from debtload.api.creating import OperationResult, create
from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event
from debtload.domain import cases, notes, request_ids
from debtload.domain.errors import BadRequest, ValidationFailed
from debtload.domain.tenants import Principal


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()
    store = deps.cases
    table = deps.config.table_name

    @router.post("/cases", tags=["cases"], summary="Create a case that notes attach to")
    def create_case(request: Annotated[cases.CaseRequest, Body()]) -> Response[Any]:
        def operation(principal: Principal, body: Any, dry_run: bool) -> OperationResult:
            case = cases.create_case(store, principal.tenant_id, request, dry_run=dry_run)
            return OperationResult(201, case.to_json())

        return create(router, table, operation)

    @router.get("/cases/<case_id>", tags=["cases"], summary="Read a case")
    def get_case(case_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        return cases.get_case(store, principal.tenant_id, case_id).to_json()

    @router.post("/cases/<case_id>/notes", tags=["cases"], summary="Add one note to a case, synchronously")
    def add_note(
        case_id: Annotated[str, Path(max_length=64)], request: Annotated[NoteRequest, Body()]
    ) -> Response[Any]:
        def operation(principal: Principal, body: Any, dry_run: bool) -> OperationResult:
            cases.get_case(store, principal.tenant_id, case_id)  # 404 before any field error
            now = datetime.now(UTC)
            (result,) = notes.write_notes(
                store,
                principal.tenant_id,
                [notes.NoteInput(case_id, request.description, request.eventDate, request.externalRef)],
                fallback_ids=[request_ids.note_fallback_id()],
                submitted_at=now,
                source="api",
                dry_run=dry_run,
                now=now,
            )
            if result.note is None:
                raise ValidationFailed("The note is invalid", {"note": result.error or "invalid"})
            # A note already there under this externalRef is the same note: 200, not a second 201.
            return OperationResult(
                200 if result.duplicate else 201,
                {**result.note.to_json(), "duplicate": result.duplicate},
            )

        return create(router, table, operation)

    @router.get("/cases/<case_id>/notes", tags=["cases"], summary="Notes of a case, newest first")
    def list_notes(
        case_id: Annotated[str, Path(max_length=64)],
        cursor: Annotated[str | None, Query(max_length=2048)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        cases.get_case(store, principal.tenant_id, case_id)
        try:
            page, next_cursor = store.list_notes(principal.tenant_id, case_id, cursor, limit)
        except ValueError as error:
            raise BadRequest("Invalid cursor", {"cursor": str(error)}) from error
        return {"results": [n.to_json() for n in page], "next_cursor": next_cursor}

    return router
