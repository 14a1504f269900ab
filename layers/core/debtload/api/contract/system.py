"""GET /health: liveness, with no key."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from debtload.api.contract.operation import Operation, Reply

TAG = "system"
TAG_DESCRIPTION = "The API itself: liveness, and this document (/openapi.json, Swagger UI at /docs)."


class Health(BaseModel):
    status: Literal["ok"] = Field(description="Always `ok` while the API answers.")


OPERATIONS = {
    ("GET", "/health"): Operation(
        operation_id="getHealth",
        tag=TAG,
        summary="Liveness",
        description="Answers while the API function runs; it needs no key, is not rate limited and "
        "touches no storage.",
        responses={200: Reply("The API is up.", Health, {"status": "ok"})},
        public=True,
    ),
}
