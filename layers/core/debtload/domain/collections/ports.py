"""What the collections use cases need from storage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from debtload.domain.collections.model import Collection
from debtload.domain.collections.rules import Failure


@dataclass(slots=True)
class Saved:
    """What a save left out: `refused` by a claim (by id, with the failure), and `kept`, already
    stored in a state a write may not leave (confirmed, exported, canceled), as stored."""

    refused: dict[str, Failure] = field(default_factory=dict)
    kept: dict[str, Collection] = field(default_factory=dict)


class CollectionStore(Protocol):
    def save(self, tenant_id: str, collections: Sequence[Collection]) -> Saved:
        """Write every collection where none is stored or the stored one failed. A confirmed one
        claims its mandate reference (for its debtor IBAN) and its end_to_end_id in the same write;
        those a claim refuses are left out (`mandate_iban_mismatch`, `duplicate_end_to_end_id`).
        One already stored otherwise is the same collection written before (ids are derived): it
        is left as it is, and never queued for export again."""
        ...

    def get(self, tenant_id: str, collection_id: str) -> Collection | None: ...

    def cancel(self, tenant_id: str, collection_id: str, now: str) -> Collection:
        """Cancel unless exported, failed or canceled (Conflict), or unknown (NotFound)."""
        ...

    def list_bulk(
        self, tenant_id: str, bulk_id: str, status: str | None, page_token: str | None, size: int
    ) -> tuple[list[Collection], str | None, str | None]: ...

    def bulk_canceled(self, tenant_id: str, bulk_id: str) -> int: ...

    def due_for_export(self, tenant_id: str, until: str) -> list[Collection]: ...

    def mark_exported(
        self, tenant_id: str, export_id: str, collections: Sequence[Collection], now: str
    ) -> list[str]:
        """Move confirmed collections to exported; returns the ids that were (a canceled one is not)."""
        ...

    def put_export(self, tenant_id: str, export: Mapping[str, Any]) -> None: ...

    def get_export(self, tenant_id: str, export_id: str) -> dict[str, Any] | None: ...
