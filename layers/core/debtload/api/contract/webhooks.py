"""PUT /webhooks, GET /webhooks, GET /webhooks/events, POST /webhooks/events/{id}/replay."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, Field

from debtload.api.contract.operation import Operation, Reply
from debtload.api.contract.validated_bodies import WebhookEndpointRequest

TAG = "webhooks"
TAG_DESCRIPTION = (
    "The tenant's webhook endpoint, signed deliveries (`Debtload-Signature`) of its events with retries, "
    "and the events' delivery state and replay."
)

EVENTS: Final = (
    "`job.completed`, `job.failed`, `job.canceled`, `collections.bulk.completed` (also `bulk_collections_completed`), "
    "`collections.bulk.approved`, `collections.bulk.rejected`, `import.completed`, `call_run.completed`"
)
DeliveryStatus = Literal["pending", "retrying", "delivered", "skipped", "disabled", "failed"]


class WebhookEndpointCreated(BaseModel):
    """The endpoint just set, with its signing secret: the only time the secret is shown."""

    url: str = Field(description="Where events are POSTed.")
    events: list[str] = Field(description="The event types it receives, without repeats.")
    secret: str = Field(
        description="The signing secret (`whsec_...`) of `Debtload-Signature`; shown only here, keep it."
    )


class WebhookEndpoint(BaseModel):
    """The endpoint, its secret masked."""

    url: str = Field(description="Where events are POSTed.")
    events: list[str] = Field(description="The event types it receives.")
    secret: str = Field(description="The signing secret, masked (its first 10 and last 4 characters).")
    enabled: bool = Field(description="False once disabled (the endpoint answered 410 Gone); PUT enables it.")
    disabled_reason: str | None = Field(None, description="Why it was disabled; null while enabled.")


class WebhookEvent(BaseModel):
    """An event and how its delivery went."""

    id: str = Field(description="The event's id, sent as `Debtload-Event-Id`: dedupe on it.")
    type: str = Field(description=f"The event type: {EVENTS}.")
    created_at: str | None = Field(None, description="When the event happened, ISO 8601.")
    delivery_status: DeliveryStatus = Field(
        description="`pending` (not yet tried), `retrying`, `delivered`, `skipped` (no endpoint subscribed), "
        "`disabled` (the endpoint is disabled) or `failed` (out of attempts: replay it)."
    )
    attempts: int = Field(description="Delivery attempts so far (reset by a replay).")
    last_attempt: str | None = Field(
        None, description="The last attempt's outcome, e.g. `HTTP 503`; null before the first."
    )
    last_attempt_at: str | None = Field(None, description="When the last attempt was made, ISO 8601 in UTC.")
    failed_at: str | None = Field(None, description="When the event was settled as failed, ISO 8601 in UTC.")
    next_attempt_at: str | None = Field(
        None,
        description="While `retrying`: when the next attempt is due, ISO 8601 in UTC (a few seconds late at most).",
    )
    job_id: str | None = Field(None, description="The job the event is about, when it is about one.")
    import_id: str | None = Field(
        None, description="The file import the event is about, when it is about one."
    )


class WebhookEventsPage(BaseModel):
    """A page of the tenant's events, in event id order."""

    results: list[WebhookEvent] = Field(description="The events of this page.")
    next_cursor: str | None = Field(None, description="`cursor` of the next page; null on the last.")


class WebhookReplay(BaseModel):
    """The event queued for delivery again."""

    id: str = Field(description="The event's id.")
    type: str = Field(description="The event type.")
    status: Literal["queued"] = Field(description="Always `queued`: it is delivered again shortly.")


WHSEC_EXAMPLE: Final = "whsec_Vq3JtX0c7bPzK2mR8sYwA1dE4fG6hL9nQ5uT0iO3pW"
ENDPOINT_EXAMPLE: Final = {
    "url": "https://hooks.example.com/debtload",
    "events": ["job.completed", "job.failed"],
}
EVENT_EXAMPLE: Final = {
    "id": "evt_5d41402abc4b2a76b9719d911017c592",
    "type": "job.completed",
    "created_at": "2026-11-30T09:15:00.000+00:00",
    "delivery_status": "failed",
    "attempts": 8,
    "last_attempt": "HTTP 503; gave up after 8 attempts",
    "last_attempt_at": "2026-11-30T10:45:12+00:00",
    "failed_at": "2026-11-30T10:45:12+00:00",
    "job_id": "789e4567-e89b-42d3-a456-426614174000",
}

OPERATIONS = {
    ("PUT", "/webhooks"): Operation(
        operation_id="putWebhookEndpoint",
        tag=TAG,
        summary="Set the webhook endpoint; returns its signing secret once",
        description="Sets the tenant's one endpoint (replacing any, and enabling it) and the event types it "
        f"receives ({EVENTS}), with a new signing secret shown only in this answer. A deployed stack "
        "needs an https URL that resolves to public addresses only (no private or loopback targets); a "
        "redirect is never followed. Not idempotent by key: each call makes a new secret.",
        request=WebhookEndpointRequest,
        request_example={"url": "https://crm.example.com/hooks/debtload", "events": ["job.completed"]},
        responses={
            200: Reply(
                "The endpoint and its signing secret.",
                WebhookEndpointCreated,
                example={**ENDPOINT_EXAMPLE, "secret": WHSEC_EXAMPLE},
            )
        },
    ),
    ("GET", "/webhooks"): Operation(
        operation_id="getWebhookEndpoint",
        tag=TAG,
        summary="The webhook endpoint, secret masked",
        description="The tenant's endpoint, its secret masked, and whether it is enabled; 404 when none "
        "is set.",
        responses={
            200: Reply(
                "The endpoint.",
                WebhookEndpoint,
                example={
                    **ENDPOINT_EXAMPLE,
                    "secret": WHSEC_EXAMPLE[:10] + "…" + WHSEC_EXAMPLE[-4:],
                    "enabled": True,
                    "disabled_reason": None,
                },
            )
        },
        errors=(404,),
    ),
    ("GET", "/webhooks/events"): Operation(
        operation_id="listWebhookEvents",
        tag=TAG,
        summary="The events sent to the endpoint and how their delivery went",
        description="The tenant's events and their delivery state, `limit` a page (1 to 100, default 20), "
        "optionally of one `status` (`pending`, `retrying`, `delivered`, `skipped`, `disabled`, `failed`: "
        "`?status=failed` lists what to replay); page with `cursor`.",
        responses={
            200: Reply(
                "A page of events.",
                WebhookEventsPage,
                example={"results": [EVENT_EXAMPLE], "next_cursor": None},
            )
        },
        errors=(400,),
    ),
    ("POST", "/webhooks/events/{event_id}/replay"): Operation(
        operation_id="replayWebhookEvent",
        tag=TAG,
        summary="Send an event again",
        description="Resets the event's delivery (attempts to 0, `pending`) and queues it again, whatever "
        "its state; deliveries are at least once, so receivers dedupe on `Debtload-Event-Id`. No body.",
        responses={
            200: Reply(
                "The event, queued.",
                WebhookReplay,
                example={"id": EVENT_EXAMPLE["id"], "type": "job.completed", "status": "queued"},
            )
        },
        errors=(400, 404),
    ),
}
