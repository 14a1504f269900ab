"""How a chunk's row outcomes are packed into few items (one per chunk, decision 15): a succeeded row
as [row, 1, ref], a failed one as [row, 0, error, data(, truncated)], cut into parts under DynamoDB's
item limit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from debtload.domain.jobs.model import RowOutcome

_MAX_PACKED_BYTES = 300_000  # DynamoDB items stop at 400 KB


def _packed(outcome: RowOutcome) -> list[Any]:
    if outcome.ok:
        return [outcome.row, 1, outcome.ref]
    packed = [outcome.row, 0, outcome.error, dict(outcome.data)]
    return [*packed, 1] if outcome.truncated else packed


def pack_outcomes(outcomes: Sequence[RowOutcome]) -> list[list[list[Any]]]:
    parts: list[list[list[Any]]] = [[]]
    size = 0
    for outcome in outcomes:
        packed = _packed(outcome)
        weight = len(json.dumps(packed, default=str)) + 8
        if parts[-1] and size + weight > _MAX_PACKED_BYTES:
            parts.append([])
            size = 0
        parts[-1].append(packed)
        size += weight
    return parts


def unpack_outcome(packed: list[Any]) -> dict[str, Any]:
    if packed[1] == 1:
        return {
            "row": int(packed[0]),
            "status": "succeeded",
            "error": None,
            "ref": packed[2],
            "data": None,
            "truncated": False,
        }
    return {
        "row": int(packed[0]),
        "status": "failed",
        "error": packed[2],
        "ref": None,
        "data": packed[3],
        # The stored data was cut to fit DynamoDB's item limit (domain/jobs/row_data.py).
        "truncated": len(packed) > 4 and bool(packed[4]),
    }
