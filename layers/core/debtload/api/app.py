"""The api function's resolver: routers, the error envelope, OpenAPI and Swagger UI."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn, HTTPBearer
from aws_lambda_powertools.utilities.typing import LambdaContext

from debtload.api.dependencies import ApiDependencies
from debtload.api.request_guard import check_request
from debtload.api.responses import error_response, proxy_error
from debtload.api.route_scopes import check_route_scope
from debtload.api.routes import call_runs as call_run_routes
from debtload.api.routes import campaigns as campaign_routes
from debtload.api.routes import (
    cases,
    collection_exports,
    credits,
    ingestion,
    jobs,
    settings,
    system,
    webhooks,
)
from debtload.api.routes import collections as collection_routes
from debtload.api.routes import customers as customer_routes
from debtload.api.routes import debts as debt_routes
from debtload.api.routes import imports as import_routes
from debtload.domain import rate_limits
from debtload.domain.errors import DomainError, RateLimited

TITLE = "debtload"
VERSION = "0.1.0"
DESCRIPTION = "Bulk import for debt collection: debts, SEPA collections, campaign customers, case notes."
SECURITY_SCHEMES: dict[str, Any] = {
    "bearer": HTTPBearer(description="Authorization: Bearer <api key>"),
    # "in" is a Python keyword: the model takes it by its alias.
    "apiKey": APIKey.model_validate({"name": "X-Api-Key", "in": APIKeyIn.header}),
    "xApiKey": APIKey.model_validate({"name": "XApiKey", "in": APIKeyIn.header}),
}


def _field_path(location: Any) -> str:
    parts = [str(part) for part in location if part != "body"]
    return ".".join(parts) or "body"


def build_resolver(deps: ApiDependencies, logger: Logger) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True)

    def openapi_json() -> str:
        return app.get_openapi_json_schema(
            title=TITLE,
            version=VERSION,
            description=DESCRIPTION,
            security_schemes=SECURITY_SCHEMES,
            security=[{"bearer": []}, {"apiKey": []}, {"xApiKey": []}],
        )

    app.include_router(system.make_router(openapi_json))
    app.include_router(credits.make_router(deps))
    app.include_router(settings.make_router(deps))
    app.include_router(jobs.make_router(deps))
    app.include_router(webhooks.make_router(deps))
    app.include_router(cases.make_router(deps))
    app.include_router(ingestion.make_router(deps))
    app.include_router(campaign_routes.make_router(deps))
    app.include_router(customer_routes.make_router(deps))
    app.include_router(call_run_routes.make_router(deps))
    app.include_router(import_routes.make_router(deps))
    app.include_router(debt_routes.make_router(deps))
    app.include_router(collection_exports.make_router(deps))
    app.include_router(collection_routes.make_router(deps))
    app.enable_swagger(path="/docs", title=TITLE, version=VERSION, security_schemes=SECURITY_SCHEMES)

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


def make_handler(
    deps: ApiDependencies, logger: Logger
) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    app = build_resolver(deps, logger)
    max_body = deps.config.max_request_body_bytes

    def handle(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            check_route_scope(event)
        except DomainError as error:
            return proxy_error(error.status, error.code, error.message, error.details)
        rejected = check_request(event, max_body)
        if rejected is not None:
            return rejected
        decision = _rate_limit(deps, event)
        if decision is not None and not decision.allowed:
            limited = proxy_error(
                429,
                "rate_limited",
                f"Rate limit of {decision.limit} requests reached; retry in {decision.reset_seconds} s",
                {"retry_after_seconds": decision.reset_seconds},
            )
            limited["headers"].update({**decision.headers(), "Retry-After": str(decision.reset_seconds)})
            return limited
        response = app.resolve(event, context)
        if decision is not None:
            _add_headers(response, decision.headers())
        return response

    return handle


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
