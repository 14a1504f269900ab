"""Checks every request body before routing, so no malformed request ever reaches a 500.

powertools runs its request validation before any user middleware, so these checks sit in front of
`resolve()`: a body that is too large (413), not JSON by content type (415), nested too deeply to parse safely
or not parseable (400).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from debtload.api.json_nesting import deepest_nesting
from debtload.api.responses import proxy_error

# No request shape needs more, and DynamoDB refuses documents nested deeper than 32 levels anyway;
# the json parser would recurse (RecursionError) at about a thousand.
MAX_JSON_NESTING = 32

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _header(headers: Mapping[str, Any] | None, name: str) -> str:
    for key, value in (headers or {}).items():
        if key.lower() == name and isinstance(value, str):
            return value
    return ""


def check_request(event: Mapping[str, Any], max_body_bytes: int) -> dict[str, Any] | None:
    """None when the request may be routed, else the error response to send back."""
    method = str(event.get("httpMethod", "")).upper()
    body = event.get("body")
    if method not in _BODY_METHODS or body in (None, ""):
        return None
    raw: bytes
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            return proxy_error(400, "malformed_body", "The request body is not valid base64")
    else:
        raw = str(body).encode("utf-8")
    if len(raw) > max_body_bytes:
        return proxy_error(
            413, "payload_too_large", f"Request body is {len(raw)} bytes; the limit is {max_body_bytes} bytes"
        )
    content_type = _header(event.get("headers"), "content-type").split(";", 1)[0].strip().lower()
    if content_type != "application/json" and not content_type.endswith("+json"):
        return proxy_error(
            415,
            "unsupported_media_type",
            f"Content-Type must be application/json, got {content_type or 'nothing'}",
        )
    depth = deepest_nesting(raw)
    if depth > MAX_JSON_NESTING:
        return proxy_error(
            400,
            "invalid_json",
            f"JSON nesting deeper than {MAX_JSON_NESTING} levels is refused",
            {"body": f"nests {depth} levels deep; the limit is {MAX_JSON_NESTING}"},
        )
    try:
        json.loads(raw)
    except UnicodeDecodeError:
        return proxy_error(400, "malformed_json", "The request body is not UTF-8 encoded")
    except json.JSONDecodeError as error:
        return proxy_error(
            400,
            "malformed_json",
            f"Malformed JSON: {error.msg} at line {error.lineno} column {error.colno}",
            {"body": f"char {error.pos}"},
        )
    return None
