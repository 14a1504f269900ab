"""The contract of the system routes (filled in by issue 16)."""

from __future__ import annotations

from debtload.api.contract.operation import Operation

TAG = "system"
TAG_DESCRIPTION = "system"

OPERATIONS: dict[tuple[str, str], Operation] = {}
