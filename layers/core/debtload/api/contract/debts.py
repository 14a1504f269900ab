"""The contract of the debts routes (filled in by issue 16)."""

from __future__ import annotations

from debtload.api.contract.operation import Operation

TAG = "debts"
TAG_DESCRIPTION = "debts"

OPERATIONS: dict[tuple[str, str], Operation] = {}
