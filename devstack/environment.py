"""Process-wide environment for functions run locally: what every function shares."""

from __future__ import annotations

import math
import os

SHARED_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
}


def seconds_or_scale(name: str, default: str, *, allow_zero: bool) -> float | None:
    """A numeric knob from the environment (DEBTLOAD_LOCAL_...); None when it is not a finite number
    in range, so the caller says what the knob means in its own error."""
    raw = os.environ.get(name, default)
    try:
        value = float(raw)
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        return None
    return value
