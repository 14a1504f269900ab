"""GET /credits: the tenant's balance and its most recent ledger entries."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()

    @router.get("/credits", tags=["credits"], summary="Credit balance and recent ledger")
    def get_credits(limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
        # Any valid key may read its own tenant's balance: knowing it is needed before every paid call.
        principal = principal_from_event(router.current_event.raw_event)
        view = deps.tenants.view(principal.tenant_id, limit)
        return {
            "balance": view.balance,
            "ledger": [
                {"id": e.entry_id, "amount": e.amount, "reason": e.reason, "created_at": e.created_at}
                for e in view.ledger
            ],
        }

    return router
