"""The contract of the imports routes (filled in by issue 16)."""

from __future__ import annotations

from debtload.api.contract.operation import Operation

TAG = "imports"
TAG_DESCRIPTION = "imports"

OPERATIONS: dict[tuple[str, str], Operation] = {}
