"""POST /campaigns and GET /campaigns/{id} (as the Bulk Add Customers API has them): a campaign's service type
decides which fields its customer records need."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.creating import OperationResult, create
from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event
from debtload.domain.campaigns import campaign as campaigns
from debtload.domain.request_ids import new_campaign_id
from debtload.domain.tenants import Principal


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()
    store = deps.campaigns

    # The body is validated by the domain (every field error at once, in the error envelope), not by
    # a route model.
    @router.post("/campaigns", tags=["campaigns"], summary="Create a calling campaign")
    def create_campaign() -> Response[Any]:
        def operation(principal: Principal, body: Any, dry_run: bool) -> OperationResult:
            campaign = campaigns.create_campaign(
                store,
                principal.tenant_id,
                body,
                new_campaign_id(),
                datetime.now(UTC).isoformat(),
                dry_run=dry_run,
            )
            return OperationResult(201, campaign.to_json())

        return create(router, deps.config.table_name, operation)

    @router.get("/campaigns/<campaign_id>", tags=["campaigns"], summary="Read a campaign")
    def get_campaign(campaign_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        return campaigns.get_campaign(store, principal.tenant_id, campaign_id).to_json()

    return router
