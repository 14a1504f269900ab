"""One operation of the contract: its name, its tag, what it says, its body, and its answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

JSON = "application/json"


class ErrorEnvelope(BaseModel):
    """Every error the API answers, from the gateway's 401 to a route's 409."""

    error: Literal[True] = Field(description="Always true on an error.")
    code: str = Field(description="A stable, machine-readable code, e.g. `validation_failed`.")
    message: str = Field(description="What went wrong, for a person.")
    details: dict[str, Any] = Field(
        default_factory=dict, description="Which field or row, and why; keys depend on the code."
    )


@dataclass(frozen=True, slots=True)
class Reply:
    """A 2xx answer: its model (None: no body), or a media type other than JSON."""

    description: str
    model: type[BaseModel] | None = None
    example: Any = None
    media_type: str = JSON
    schema: Mapping[str, Any] | None = None  # a non-JSON body's schema, e.g. {"type": "string"}
    # Other media types the same status may answer, by `Accept`: {"text/csv": {"type": "string"}}
    alternatives: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


# What each error status means wherever it is declared; an operation may say more.
ERROR_MEANINGS: Mapping[int, str] = {
    400: "The request is invalid: a parameter, the JSON, or the envelope (not a row: rows fail one by one).",
    401: "No API key, or an unknown or revoked one.",
    402: "The credit balance does not cover what the request costs; nothing was written or charged.",
    403: "The key lacks the scope this operation needs.",
    404: "No such resource for this tenant.",
    409: "The resource's state does not allow this (for example, already exported or terminal).",
    413: "The body is over the size or row limit.",
    415: "The body is not `application/json`.",
    422: "The body is well formed but cannot be processed (for example, an Idempotency-Key reused with another body).",
    429: "Rate limit reached; retry after the `Retry-After` header's seconds.",
}


@dataclass(frozen=True, slots=True)
class Operation:
    """What the contract says of one (method, path), the path as powertools writes it in the document
    (`/debts/{debt_id}`)."""

    operation_id: str
    tag: str
    summary: str
    description: str
    responses: Mapping[int, Reply]
    errors: tuple[int, ...] = ()
    request: type[BaseModel] | None = None
    request_example: Any = None
    request_examples: Mapping[str, Any] = field(default_factory=dict)  # several named examples
    request_required: bool = True  # False: the body may be omitted (its fields all have defaults)
    public: bool = False  # no key needed: no 401/403/429
