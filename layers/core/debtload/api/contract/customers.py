"""The contract of the customers routes (filled in by issue 16)."""

from __future__ import annotations

from debtload.api.contract.operation import Operation

TAG = "customers"
TAG_DESCRIPTION = "customers"

OPERATIONS: dict[tuple[str, str], Operation] = {}
