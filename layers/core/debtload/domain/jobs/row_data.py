"""What a failed row keeps of what was sent: bounded per value and per row, and saying when it was cut.

A failed row's data is stored so that the client can see and fix it (GET /jobs/{id}/rows, the
import's errors.csv). Stored whole, a 500 KB note or a 1 MB CSV cell makes its outcome item larger
than DynamoDB's 400 KB item limit: the write is refused on every retry, on the dead-letter path too,
and the job never ends. So a value over MAX_VALUE_BYTES is cut with a marker that gives its original
size, a row is held under MAX_ROW_BYTES, and the outcome says `truncated`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from debtload.domain.jobs.model import RowOutcome

# Above every field limit a row processor accepts (a note's 10,000 characters are up to 40 KB), so
# a row that failed for another reason is kept whole and can be sent again as it is.
MAX_VALUE_BYTES = 16_384
MAX_KEY_BYTES = 256
# Outcomes are packed up to 300 KB an item (adapters/dynamodb/jobs.py): a row never fills one alone.
MAX_ROW_BYTES = 65_536
MAX_ERROR_BYTES = 2_000
MIN_VALUE_BYTES = 64


def _size(value: Any) -> int:
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return len(text.encode())


def cut(text: str, limit: int, original_bytes: int | None = None) -> str:
    """The text cut to about `limit` UTF-8 bytes, with a marker giving its original size."""
    size = len(text.encode()) if original_bytes is None else original_bytes
    marker = f"… [truncated: {size:,} bytes, at most {limit:,} are kept]"
    room = max(limit - len(marker.encode()), 0)
    return text.encode()[:room].decode(errors="ignore") + marker


def _bounded_value(value: Any, limit: int) -> tuple[Any, bool]:
    size = _size(value)
    if size <= limit:
        return value, False
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return cut(text, limit, size), True


def bounded_data(data: Any) -> tuple[dict[str, Any], bool]:
    """(data to store, whether anything was cut): keys stay, so a file's columns stay in its report.
    A row that is not an object (an API bulk's `5`) is kept as sent, under `value`."""
    if not isinstance(data, Mapping):
        data = {"value": data}
    truncated = False
    kept: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key)
        if len(name.encode()) > MAX_KEY_BYTES:
            name, truncated = cut(name, MAX_KEY_BYTES), True
        stored, cut_here = _bounded_value(value, MAX_VALUE_BYTES)
        kept[name] = stored
        truncated = truncated or cut_here
    total = sum(len(k.encode()) + _size(v) for k, v in kept.items())
    if total <= MAX_ROW_BYTES:
        return kept, truncated
    # Too many large values: every value gets an equal share of what is left after the keys.
    keys = sum(len(k.encode()) for k in kept)
    share = max((MAX_ROW_BYTES - keys) // max(len(kept), 1), MIN_VALUE_BYTES)
    shared = {k: _bounded_value(v, share)[0] for k, v in kept.items()}
    if sum(len(k.encode()) + _size(v) for k, v in shared.items()) <= MAX_ROW_BYTES:
        return shared, True
    # Thousands of columns: only the first ones are kept, and the row says so.
    result: dict[str, Any] = {}
    used = 0
    for name, value in shared.items():
        used += len(name.encode()) + _size(value)
        if used > MAX_ROW_BYTES - 200:
            result["_truncated"] = f"{len(shared) - len(result):,} more of {len(shared):,} values not kept"
            break
        result[name] = value
    return result, True


def bounded_outcome(outcome: RowOutcome) -> RowOutcome:
    """The outcome as it can be stored: a succeeded row keeps only its reference anyway."""
    if outcome.ok:
        return outcome
    data, truncated = bounded_data(outcome.data)
    error = outcome.error
    if error is not None and len(error.encode()) > MAX_ERROR_BYTES:
        error = cut(error, MAX_ERROR_BYTES)
    if not truncated and error == outcome.error and isinstance(outcome.data, Mapping):
        return outcome
    return replace(outcome, data=data, error=error, truncated=outcome.truncated or truncated)


def minimal_outcome(outcome: RowOutcome) -> RowOutcome:
    """The last resort when even the bounded outcome cannot be written: the row, its error, no data."""
    error = outcome.error
    if error is not None and len(error.encode()) > 500:
        error = cut(error, 500)
    return replace(outcome, data={}, error=error, truncated=True)
