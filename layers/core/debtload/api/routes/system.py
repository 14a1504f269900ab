"""Liveness and the API's own description; these routes need no key."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.responses import JSON


def make_router(openapi_json: Any) -> APIGatewayRouter:
    router = APIGatewayRouter()

    @router.get("/health", tags=["system"], summary="Liveness")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/openapi.json", tags=["system"], summary="This API's OpenAPI 3 document", include_in_schema=False
    )
    def openapi() -> Response[str]:
        return Response(status_code=200, content_type=JSON, body=openapi_json())

    return router
