"""What can go wrong in a use case, independent of HTTP.

Each error carries the status the API answers with, a stable machine code, and `details` that map
field paths or row indexes to messages, so the api layer renders every one of them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


class ValidationFailed(DomainError):
    status = 400
    code = "validation_failed"


class Unprocessable(DomainError):
    status = 422
    code = "unprocessable"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class PaymentRequired(DomainError):
    status = 402
    code = "insufficient_credits"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"

    def __init__(
        self, message: str, retry_after_seconds: int, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message, details)
        self.retry_after_seconds = retry_after_seconds
