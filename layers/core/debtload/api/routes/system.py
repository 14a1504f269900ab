"""Liveness and the API's own description, as JSON and as Swagger UI; these routes need no key."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.responses import JSON

# (server url) -> the OpenAPI document, as JSON text
Document = Callable[[str], str]


def server_url(event: Any) -> str:
    """Where the caller reached the API: API Gateway's own domain puts the stage before the path
    (`/v1/debts`), a custom domain its base path, the local stack nothing. The request context's
    path is what the client asked for; the event's path is the resource's, so the difference is
    the prefix "Try it out" must call."""
    requested = str((event.get("requestContext") or {}).get("path") or "")
    path = str(event.get("path") or "")
    if path and requested.endswith(path) and len(requested) > len(path):
        return requested[: -len(path)]
    return "/"


@cache
def _swagger_assets() -> tuple[str, str]:
    # powertools ships Swagger UI's bundle: /docs works offline and fetches nothing from a CDN.
    from aws_lambda_powertools.event_handler.openapi import swagger_ui

    folder = Path(swagger_ui.__file__).parent
    return (
        (folder / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        (folder / "swagger-ui.min.css").read_text(encoding="utf-8"),
    )


def make_router(document: Document) -> APIGatewayRouter:
    router = APIGatewayRouter()

    @router.get("/health", tags=["system"], summary="Liveness")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/openapi.json", tags=["system"], summary="This API's OpenAPI 3 document", include_in_schema=False
    )
    def openapi() -> Response[str]:
        return Response(
            status_code=200, content_type=JSON, body=document(server_url(router.current_event.raw_event))
        )

    @router.get("/docs", tags=["system"], summary="Swagger UI", include_in_schema=False)
    def docs() -> Response[str]:
        from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

        spec = document(server_url(router.current_event.raw_event))
        query = router.current_event.query_string_parameters or {}
        if query.get("format") == "json":
            return Response(status_code=200, content_type=JSON, body=spec)
        script, style = _swagger_assets()
        # The document goes inside a <script>: "</" would end it early.
        html = generate_swagger_html(
            spec.replace("</", "<\\/"), script, style, "", None, persist_authorization=True
        )
        return Response(status_code=200, content_type="text/html", body=html)

    return router
