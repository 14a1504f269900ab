"""Pagination cursors: a DynamoDB LastEvaluatedKey (or a listing's own position) as an opaque,
URL-safe string handed to clients, and back. A cursor that does not decode to an object is
refused with ValueError, which the routes answer with a 400."""

from __future__ import annotations

import base64
import json
from typing import Any


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode() if key else None


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        raise ValueError("invalid cursor") from None
    if not isinstance(value, dict):
        raise ValueError("invalid cursor")
    return value
