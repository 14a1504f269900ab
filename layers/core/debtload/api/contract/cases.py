"""The contract of the cases routes (filled in by issue 16)."""

from __future__ import annotations

from debtload.api.contract.operation import Operation

TAG = "cases"
TAG_DESCRIPTION = "cases"

OPERATIONS: dict[tuple[str, str], Operation] = {}
