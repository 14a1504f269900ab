"""Tracing that costs nothing when it is off.

Creating powertools' Tracer imports the X-Ray SDK (about a quarter of a second) even when tracing is
disabled, so handlers decorate with `traced`, which builds a Tracer only when tracing is on: in
Lambda (AWS_LAMBDA_FUNCTION_NAME set), not under `sam local`, and not switched off by
POWERTOOLS_TRACE_DISABLED. The decision is taken once, when the handler module is imported.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, cast


def tracing_enabled(env: dict[str, str] | None = None) -> bool:
    environ = dict(os.environ) if env is None else env
    disabled = environ.get("POWERTOOLS_TRACE_DISABLED", "").strip().lower() in ("1", "true", "yes")
    in_lambda = bool(environ.get("AWS_LAMBDA_FUNCTION_NAME")) and not environ.get("AWS_SAM_LOCAL")
    return in_lambda and not disabled


def traced[Handler: Callable[..., Any]](handler: Handler) -> Handler:
    if not tracing_enabled():
        return handler
    from aws_lambda_powertools import Tracer

    return cast(Handler, Tracer().capture_lambda_handler(handler))
