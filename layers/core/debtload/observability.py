"""Tracing that costs nothing when it is off.

Creating powertools' Tracer imports the X-Ray SDK even when tracing is disabled (outside Lambda its
recorder also builds two X-Ray clients for sampling, ~100 ms), so handlers decorate with `traced`,
which builds a Tracer only when tracing is on: in Lambda (AWS_LAMBDA_FUNCTION_NAME set), not under
`sam local`, and not switched off by POWERTOOLS_TRACE_DISABLED. The decision is taken once, when the handler module is imported.

The Tracer patches only the libraries the functions call out through: botocore (every AWS call) and
http.client (webhook deliveries; the X-Ray SDK leaves botocore's own connections to its botocore
patch). Its default patches every library the SDK supports that is importable, so a cold start would
import requests, sqlite3 and the rest only to patch them (~35 ms, docs/performance.md "Cold start").
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Final, cast

TRACED_LIBRARIES: Final = ("botocore", "httplib")


def tracing_enabled(env: dict[str, str] | None = None) -> bool:
    environ = dict(os.environ) if env is None else env
    disabled = environ.get("POWERTOOLS_TRACE_DISABLED", "").strip().lower() in ("1", "true", "yes")
    in_lambda = bool(environ.get("AWS_LAMBDA_FUNCTION_NAME")) and not environ.get("AWS_SAM_LOCAL")
    return in_lambda and not disabled


def traced[Handler: Callable[..., Any]](handler: Handler) -> Handler:
    if not tracing_enabled():
        return handler
    from aws_lambda_powertools import Tracer

    return cast(Handler, Tracer(patch_modules=TRACED_LIBRARIES).capture_lambda_handler(handler))
