"""GET /console and GET /console/{proxy+}: the operator console, a static page that needs no key;
every call it makes carries the key its user signs in with (issue 18, decision 93).

The page is at /console, without a trailing slash, and names everything relatively: its files as
`console/<name>`, the API as `<route>` (`jobs`, `me`). Behind API Gateway's own domain the page is
/v1/console, so those resolve to /v1/console/<name> and /v1/jobs; behind a custom domain's base
path, under it; locally, at the root. /console/ (a trailing slash would shift every relative URL
one level down) redirects to the page.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.console_assets import ASSET_CACHE, INDEX, PAGE_CACHE, Asset, security_headers
from debtload.api.dependencies import ApiDependencies
from debtload.api.responses import error_response


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()

    def serve(asset: Asset | None, cache: str) -> Response[Any]:
        headers = security_headers(deps.config.upload_origin)
        if asset is None:
            missing = error_response(404, "not_found", "No such console file")
            missing.headers.update(headers)
            return missing
        headers["Cache-Control"] = cache
        if asset.is_text:
            return Response(200, asset.content_type, asset.body.decode("utf-8"), headers)
        # A binary file goes base64-encoded (isBase64Encoded), as the proxy integration wants; encoded
        # here, since the response validation would read bytes as text.
        binary = Response(200, asset.content_type, base64.b64encode(asset.body).decode("ascii"), headers)
        binary.base64_encoded = True
        return binary

    @router.get("/console", tags=["console"], summary="The operator console")
    def console() -> Response[Any]:
        if router.current_event.path.endswith("/"):
            return Response(308, "text/plain", "", {"Location": "../console", "Cache-Control": PAGE_CACHE})
        return serve(deps.console_assets.get(INDEX), PAGE_CACHE)

    @router.get("/console/<name>", tags=["console"], summary="A console file")
    def console_file(name: Annotated[str, Path(max_length=200)]) -> Response[Any]:
        return serve(deps.console_assets.get(name), ASSET_CACHE)

    # {proxy+} takes one folder level too (console/i18n/fr.json); still only names of the listing.
    @router.get(
        "/console/<folder>/<name>", tags=["console"], summary="A console file", include_in_schema=False
    )
    def console_nested_file(
        folder: Annotated[str, Path(max_length=100)], name: Annotated[str, Path(max_length=200)]
    ) -> Response[Any]:
        return serve(deps.console_assets.get(f"{folder}/{name}"), ASSET_CACHE)

    return router
