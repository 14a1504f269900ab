"""The contract of the webhooks routes (filled in by issue 16)."""

from __future__ import annotations

from debtload.api.contract.operation import Operation

TAG = "webhooks"
TAG_DESCRIPTION = "webhooks"

OPERATIONS: dict[tuple[str, str], Operation] = {}
