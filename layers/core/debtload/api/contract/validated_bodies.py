"""The bodies powertools validates itself before a route runs (a note, the webhook endpoint): one
definition, which the route takes as its `Body()` and the contract documents, so the two never
differ. Every other body is read by its route and decided row by row in the domain."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from debtload.domain import notes, webhooks


class NoteRequest(BaseModel):
    """One note, with the Ingestion Jobs API's field names. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(
        max_length=notes.MAX_DESCRIPTION,
        description=f"The note's text, not blank, at most {notes.MAX_DESCRIPTION:,} characters.",
    )
    eventDate: str | None = Field(
        default=None,
        description="When the event occurred, ISO 8601 (UTC when no offset is given); not in the future. "
        "Defaults to now.",
    )
    externalRef: str | None = Field(
        default=None,
        max_length=notes.MAX_EXTERNAL_REF,
        description="Your reference for the note (CRM id...): a note already stored under this case and "
        "externalRef is answered again (200, `duplicate` true), never created twice.",
    )


class WebhookEndpointRequest(BaseModel):
    """The tenant's one webhook endpoint. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        min_length=8,
        max_length=2048,
        description="Where events are POSTed, signed with the secret this call returns. A deployed stack "
        "needs https and a public address.",
    )
    events: list[str] = Field(
        min_length=1,
        max_length=len(webhooks.EVENT_TYPES),
        description=f"The event types to receive, among {', '.join(sorted(webhooks.EVENT_TYPES))}.",
    )
