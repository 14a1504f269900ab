"""PUT /webhooks, GET /webhooks, GET /webhooks/events, POST /webhooks/events/{id}/replay."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.contract.validated_bodies import WebhookEndpointRequest
from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event
from debtload.domain import webhooks
from debtload.domain.jobs.model import OutboxEvent


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()

    @router.put(
        "/webhooks", tags=["webhooks"], summary="Set the webhook endpoint; returns its signing secret once"
    )
    def put_webhook(request: Annotated[WebhookEndpointRequest, Body()]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        return webhooks.set_endpoint(
            deps.webhooks,
            principal.tenant_id,
            request.url,
            request.events,
            allow_private=deps.config.webhook_allow_private_targets,
            resolver=deps.resolve_host,
        )

    @router.get("/webhooks", tags=["webhooks"], summary="The webhook endpoint, secret masked")
    def get_webhook() -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        return webhooks.show_endpoint(deps.webhooks, principal.tenant_id)

    @router.get(
        "/webhooks/events",
        tags=["webhooks"],
        summary="The events sent to the endpoint and how their delivery went; ?status=failed to replay",
    )
    def list_events(
        status: Annotated[str | None, Query(max_length=16)] = None,
        cursor: Annotated[str | None, Query(max_length=2048)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        return webhooks.list_events(deps.webhooks, principal.tenant_id, status, cursor, limit)

    @router.post("/webhooks/events/<event_id>/replay", tags=["webhooks"], summary="Send an event again")
    def replay(event_id: Annotated[str, Path(max_length=80)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        event = webhooks.replay(deps.webhooks, principal.tenant_id, event_id)
        deps.publisher.publish(
            OutboxEvent(event_id, principal.tenant_id, event["type"], event["data"], event["created_at"])
        )
        return {"id": event_id, "type": event["type"], "status": "queued"}

    return router
