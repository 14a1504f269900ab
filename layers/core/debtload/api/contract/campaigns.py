"""The contract of the campaigns routes (filled in by issue 16)."""

from __future__ import annotations

from debtload.api.contract.operation import Operation

TAG = "campaigns"
TAG_DESCRIPTION = "campaigns"

OPERATIONS: dict[tuple[str, str], Operation] = {}
