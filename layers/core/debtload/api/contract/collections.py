"""The contract of the collections routes (filled in by issue 16)."""

from __future__ import annotations

from debtload.api.contract.operation import Operation

TAG = "collections"
TAG_DESCRIPTION = "collections"

OPERATIONS: dict[tuple[str, str], Operation] = {}
