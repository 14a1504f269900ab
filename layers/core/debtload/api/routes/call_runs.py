"""GET /call-runs/{id} and GET /call-runs/{id}/calls: progress and outcome of the calls that
`initiateCall` started, and the calls themselves, one batch a page."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event
from debtload.domain.calls import views
from debtload.domain.errors import BadRequest

CallStatus = Literal["requested", "failed", "skipped", "pending"]


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()
    store = deps.call_runs

    @router.get("/call-runs/<run_id>", tags=["campaigns"], summary="Progress and outcome of a call run")
    def get_run(run_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        return views.view_run(store, principal.tenant_id, run_id)

    @router.get("/call-runs/<run_id>/calls", tags=["campaigns"], summary="The calls of a run, a batch a page")
    def list_calls(
        run_id: Annotated[str, Path(max_length=64)],
        cursor: Annotated[str | None, Query(max_length=12)] = None,
        status: Annotated[CallStatus | None, Query()] = None,
    ) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        if cursor is not None and not cursor.isdigit():
            raise BadRequest("Invalid cursor", {"cursor": "must be the next_cursor of a previous page"})
        calls, next_batch = views.list_calls(store, principal.tenant_id, run_id, int(cursor or 0), status)
        return {"results": calls, "next_cursor": None if next_batch is None else str(next_batch)}

    return router
