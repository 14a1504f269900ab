"""GET /credits: the tenant's balance and its ledger, newest first, a page at a time."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event
from debtload.domain.errors import BadRequest


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()

    @router.get("/credits", tags=["credits"], summary="Credit balance and recent ledger")
    def get_credits(
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, Query(max_length=2048)] = None,
    ) -> dict[str, Any]:
        # Any valid key may read its own tenant's balance: knowing it is needed before every paid call.
        principal = principal_from_event(router.current_event.raw_event)
        try:
            view = deps.tenants.view(principal.tenant_id, limit, cursor)
        except ValueError as error:
            raise BadRequest("Invalid cursor", {"cursor": str(error)}) from error
        return {
            "balance": view.balance,
            "ledger": [
                {"id": e.entry_id, "amount": e.amount, "reason": e.reason, "created_at": e.created_at}
                for e in view.ledger
            ],
            "next_cursor": view.next_cursor,
        }

    return router
