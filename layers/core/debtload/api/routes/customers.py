"""POST /customers/add/bulk (the Bulk Add Customers API): up to 10,000 records into a campaign, 201/207/400,
and with initiateCall a call run whose calls the InitiateCalls workflow starts in batches of 500."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.creating import OperationResult, create, idempotency_key
from debtload.api.dependencies import ApiDependencies
from debtload.domain.calls import customer_calls
from debtload.domain.campaigns import campaign as campaigns
from debtload.domain.campaigns import customers
from debtload.domain.tenants import Principal


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()
    store = deps.campaigns
    runs = deps.call_runs
    starter = deps.call_run_starter
    batch_size = deps.config.call_batch_size

    @router.post(
        "/customers/add/bulk",
        tags=["customers"],
        summary="Add up to 10,000 customers to a campaign; optionally start their calls",
    )
    def add_bulk() -> Response[Any]:
        def operation(principal: Principal, body: Any, dry_run: bool) -> OperationResult:
            request = customers.parse_bulk_request(body)
            campaign = campaigns.get_campaign(store, principal.tenant_id, request.campaign_id)
            outcome = customers.add_customers(
                store,
                principal.tenant_id,
                campaign,
                request.records,
                datetime.now(UTC).isoformat(),
                dry_run=dry_run,
            )
            response = outcome.to_json()
            if request.initiate_call:
                response["callResults"] = customer_calls.call_results(
                    runs,
                    starter,
                    principal.tenant_id,
                    request,
                    campaign,
                    outcome,
                    batch_size,
                    datetime.now(UTC).isoformat(),
                    dry_run=dry_run,
                    idempotency_key=idempotency_key(router),
                    request_id=router.current_event.request_context.request_id,
                ).to_json()
            return OperationResult(outcome.status, response)

        return create(router, deps.config.table_name, operation)

    return router
