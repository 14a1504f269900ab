"""The contract of the call_runs routes (filled in by issue 16)."""

from __future__ import annotations

from debtload.api.contract.operation import Operation

TAG = "call-runs"
TAG_DESCRIPTION = "call-runs"

OPERATIONS: dict[tuple[str, str], Operation] = {}
