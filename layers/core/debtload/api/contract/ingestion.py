"""The contract of the ingestion routes (filled in by issue 16)."""

from __future__ import annotations

from debtload.api.contract.operation import Operation

TAG = "ingestion"
TAG_DESCRIPTION = "ingestion"

OPERATIONS: dict[tuple[str, str], Operation] = {}
