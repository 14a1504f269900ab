"""The api function's handler: the scope, size and rate checks, then the resolver of the resource
asked for, with the error envelope, OpenAPI and Swagger UI.

Each resource's routes are imported on its first request (api/route_registry.py), so a cold start
pays only for what it serves; where Lambda initializes ahead of traffic (SnapStart, provisioned
concurrency) they are all imported at init instead, so the snapshot or warm environment holds them.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.typing import LambdaContext

from debtload.api.dependencies import ApiDependencies
from debtload.api.request_guard import check_request
from debtload.api.responses import error_response, proxy_error
from debtload.api.route_registry import (
    DOCUMENT_SEGMENTS,
    MODULES_BY_SEGMENT,
    LazyByKey,
    first_segment,
    modules_for,
    route_module,
)
from debtload.api.route_scopes import check_route_scope
from debtload.config import Config
from debtload.domain import rate_limits
from debtload.domain.errors import DomainError, RateLimited

TITLE = "debtload"
VERSION = "0.1.0"
DESCRIPTION = "Bulk import for debt collection: debts, SEPA collections, campaign customers, case notes."
AHEAD_OF_TRAFFIC = frozenset({"snap-start", "provisioned-concurrency"})


def security_schemes() -> dict[str, Any]:
    from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn, HTTPBearer

    return {
        "bearer": HTTPBearer(description="Authorization: Bearer <api key>"),
        # "in" is a Python keyword: the model takes it by its alias.
        "apiKey": APIKey.model_validate({"name": "X-Api-Key", "in": APIKeyIn.header}),
        "xApiKey": APIKey.model_validate({"name": "XApiKey", "in": APIKeyIn.header}),
    }


def _field_path(location: Any) -> str:
    parts = [str(part) for part in location if part != "body"]
    return ".".join(parts) or "body"


def new_resolver(logger: Logger) -> APIGatewayRestResolver:
    """A resolver with no routes yet, answering errors in the API's envelope."""
    app = APIGatewayRestResolver(enable_validation=True)

    @app.exception_handler(DomainError)
    def domain_error(error: DomainError) -> Response:
        headers: dict[str, str] = {}
        if isinstance(error, RateLimited):
            headers["Retry-After"] = str(error.retry_after_seconds)
        return error_response(error.status, error.code, error.message, error.details, headers)

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response:
        details = {_field_path(item.get("loc", ())): item.get("msg", "invalid") for item in error.errors()}
        return error_response(400, "validation_failed", "The request is invalid", details)

    @app.not_found
    def not_found(_: NotFoundError) -> Response:
        return error_response(404, "not_found", "No such route")

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response:
        logger.exception("unhandled error")
        return error_response(500, "internal_error", "Internal error; it has been logged")

    return app


def openapi_document(app: APIGatewayRestResolver, server_url: str = "/") -> str:
    """The routes' document from powertools, with the typed contract merged in (api/contract)."""
    from debtload.api.contract.document import contract_document

    generated = json.loads(
        app.get_openapi_json_schema(
            title=TITLE,
            version=VERSION,
            description=DESCRIPTION,
            security_schemes=security_schemes(),
            security=[{"bearer": []}, {"apiKey": []}, {"xApiKey": []}],
        )
    )
    return json.dumps(contract_document(generated, server_url), indent=2, ensure_ascii=False) + "\n"


def _include(
    app: APIGatewayRestResolver,
    deps: ApiDependencies,
    modules: Iterable[str],
    document: Callable[[str], str],
) -> None:
    for name in modules:
        module = route_module(name)
        router = module.make_router(document) if name == "system" else module.make_router(deps)
        app.include_router(router)


class _Documents:
    """The document per server url, built once each: building it costs ~100 ms."""

    def __init__(self, app: Callable[[], APIGatewayRestResolver]) -> None:
        self._app = app
        self._by_server: LazyByKey[str] = LazyByKey(lambda server: openapi_document(self._app(), server))

    def __call__(self, server_url: str) -> str:
        return self._by_server.get(server_url)


def build_resolver(deps: ApiDependencies, logger: Logger) -> APIGatewayRestResolver:
    """Every route, with Swagger UI at /docs and the document at /openapi.json."""
    app = new_resolver(logger)
    _include(app, deps, modules_for("openapi.json"), _Documents(lambda: app))
    return app


def document_for(config: Config, server_url: str = "/") -> str:
    """The document the api serves, built without a request: `make openapi` writes it to
    docs/openapi.json, and the suites check every answer against it. Building the routers makes no
    AWS call."""
    app = build_resolver(ApiDependencies.from_config(config), Logger(service="openapi"))
    return openapi_document(app, server_url)


class ApiRoutes:
    """One resolver per first path segment, built on that segment's first request. The segment is
    read from the template's resource (API Gateway's `resource`), which a custom domain's base path
    does not change; a path that no segment serves gets the envelope's 404 and imports nothing."""

    def __init__(self, deps: ApiDependencies, logger: Logger) -> None:
        self._deps = deps
        self._logger = logger
        self._unrouted = new_resolver(logger)
        self._resolvers: LazyByKey[APIGatewayRestResolver] = LazyByKey(self._build)

    def resolver_for(self, event: Mapping[str, Any]) -> APIGatewayRestResolver:
        segment = first_segment(str(event.get("resource") or event.get("path") or "/"))
        if segment in DOCUMENT_SEGMENTS:
            return self._resolvers.get("openapi.json")
        if segment not in MODULES_BY_SEGMENT:
            return self._unrouted
        return self._resolvers.get(segment)

    def preload(self) -> None:
        for segment in (*MODULES_BY_SEGMENT, "openapi.json"):
            self._resolvers.get(segment)

    def loaded_segments(self) -> frozenset[str]:
        return self._resolvers.built_keys()

    def _build(self, segment: str) -> APIGatewayRestResolver:
        if segment in DOCUMENT_SEGMENTS:
            return build_resolver(self._deps, self._logger)
        app = new_resolver(self._logger)
        # /openapi.json lives with /health in the system module; its document is the full one.
        _include(
            app, self._deps, modules_for(segment), _Documents(lambda: self._resolvers.get("openapi.json"))
        )
        return app


def initialized_ahead_of_traffic() -> bool:
    return os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand") in AHEAD_OF_TRAFFIC


class ApiHandler:
    """The checks every request passes before its resolver: scope, then size, then the rate."""

    def __init__(self, deps: ApiDependencies, logger: Logger, preload: bool | None = None) -> None:
        self.deps = deps
        self.routes = ApiRoutes(deps, logger)
        if initialized_ahead_of_traffic() if preload is None else preload:
            self.routes.preload()

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            check_route_scope(event)
        except DomainError as error:
            return proxy_error(error.status, error.code, error.message, error.details)
        rejected = check_request(event, self.deps.config.max_request_body_bytes)
        if rejected is not None:
            return rejected
        decision = _rate_limit(self.deps, event)
        if decision is not None and not decision.allowed:
            limited = proxy_error(
                429,
                "rate_limited",
                f"Rate limit of {decision.limit} requests reached; retry in {decision.reset_seconds} s",
                {"retry_after_seconds": decision.reset_seconds},
            )
            limited["headers"].update({**decision.headers(), "Retry-After": str(decision.reset_seconds)})
            return limited
        response = self.routes.resolver_for(event).resolve(event, context)
        if decision is not None:
            _add_headers(response, decision.headers())
        return response


def make_handler(deps: ApiDependencies, logger: Logger, preload: bool | None = None) -> ApiHandler:
    return ApiHandler(deps, logger, preload)


def _rate_limit(deps: ApiDependencies, event: Mapping[str, Any]) -> rate_limits.RateDecision | None:
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    tenant_id = authorizer.get("tenant_id")
    if not tenant_id:
        return None  # public routes (health, docs) are not metered
    limit = rate_limits.limit_for(
        str(event.get("httpMethod", "")), str(event.get("resource", "")), deps.config
    )
    return rate_limits.check(deps.rate_limits, str(tenant_id), limit, time.time())


def _add_headers(response: dict[str, Any], headers: Mapping[str, str]) -> None:
    if "multiValueHeaders" in response:
        response["multiValueHeaders"].update({name: [value] for name, value in headers.items()})
    else:
        response.setdefault("headers", {}).update(headers)
