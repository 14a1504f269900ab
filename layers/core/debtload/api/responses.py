"""The one error envelope, and JSON responses, for every route."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.event_handler import Response

JSON = "application/json"


def error_body(code: str, message: str, details: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {"error": True, "code": code, "message": message, "details": dict(details or {})}


def error_response(
    status: int,
    code: str,
    message: str,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    return Response(
        status_code=status,
        content_type=JSON,
        body=json.dumps(error_body(code, message, details), default=str),
        headers=dict(headers or {}),
    )


def proxy_error(
    status: int, code: str, message: str, details: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """An error as a raw API Gateway proxy response, for answers given before the router runs."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": JSON},
        "body": json.dumps(error_body(code, message, details)),
        "isBase64Encoded": False,
    }


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        status_code=status, content_type=JSON, body=json.dumps(body, default=str), headers=dict(headers or {})
    )
