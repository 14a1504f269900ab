"""What the collections use cases need from storage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from debtload.domain.collections.model import Collection


@dataclass(frozen=True, slots=True)
class MandateTaken:
    """The mandate reference is stored with another debtor IBAN."""

    reference: str


@dataclass(frozen=True, slots=True)
class EndToEndTaken:
    """The end_to_end_id is stored for another collection."""

    end_to_end_id: str


Refusal = MandateTaken | EndToEndTaken


@dataclass(slots=True)
class Saved:
    """What a save left out: `refused` by a claim (by id, with what the store holds that refused
    it), and `kept`, already stored in a state a write may not leave (confirmed, exported,
    canceled), as stored."""

    refused: dict[str, Refusal] = field(default_factory=dict)
    kept: dict[str, Collection] = field(default_factory=dict)


class CollectionStore(Protocol):
    def save(self, tenant_id: str, collections: Sequence[Collection]) -> Saved:
        """Write every collection where none is stored or the stored one failed. A confirmed one
        claims its mandate reference (for its debtor IBAN) and its end_to_end_id in the same write;
        those a claim refuses are left out, with the claim that refused them.
        One already stored otherwise is the same collection written before (ids are derived): it
        is left as it is, and never queued for export again."""
        ...

    def get(self, tenant_id: str, collection_id: str) -> Collection | None: ...

    def save_canceled(self, tenant_id: str, current: Collection, canceled: Collection) -> bool:
        """Store `canceled` (out of the export queue, counted on its bulk) in place of `current`, if
        the stored status is still `current`'s; False when it changed since it was read."""
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
