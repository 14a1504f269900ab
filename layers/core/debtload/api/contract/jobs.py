"""The contract of the jobs routes (filled in by issue 16)."""

from __future__ import annotations

from debtload.api.contract.operation import Operation

TAG = "jobs"
TAG_DESCRIPTION = "jobs"

OPERATIONS: dict[tuple[str, str], Operation] = {}
