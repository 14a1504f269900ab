"""The contract of the settings routes (filled in by issue 16)."""

from __future__ import annotations

from debtload.api.contract.operation import Operation

TAG = "settings"
TAG_DESCRIPTION = "settings"

OPERATIONS: dict[tuple[str, str], Operation] = {}
