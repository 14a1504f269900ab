"""A stored collection and the statuses it goes through."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Final

PENDING: Final = "pending"
CONFIRMED: Final = "confirmed"  # valid, scheduled on a TARGET2 day, ready for the bank file
CANCELED: Final = "canceled"
FAILED: Final = "failed"
EXPORTED: Final = "exported"  # in a pain.008 file handed to the creditor's bank
STATUSES: Final = (PENDING, "scheduled", CONFIRMED, CANCELED, FAILED, EXPORTED)
CANCELABLE: Final = (PENDING, "scheduled", CONFIRMED)
# What a collection confirmed when it was written can have become: a bulk counts it confirmed (its
# canceled ones are subtracted from the bulk's own counter), however often its chunk is delivered.
WAS_CONFIRMED: Final = (CONFIRMED, EXPORTED, CANCELED)
# The keys a collection's view owns; a sent field of the same name is not shown.
_OURS: Final = frozenset(
    {"id", "status", "failure_code", "failure_message", "requested_scheduled_date", "bulk_id", "export_id"}
    | {"created_at", "updated_at"}
)


@dataclass(frozen=True, slots=True)
class Collection:
    """`fields` is the seed's shape: as normalised when valid, as sent when the collection failed."""

    collection_id: str
    status: str
    fields: dict[str, Any]
    created_at: str
    updated_at: str
    bulk_id: str | None = None
    row: int | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    requested_date: str | None = None
    export_id: str | None = None

    def failed(self, code: str, message: str, updated_at: str) -> Collection:
        return replace(self, status=FAILED, failure_code=code, failure_message=message, updated_at=updated_at)

    def to_json(self) -> dict[str, Any]:
        # A failed collection's fields are what the client sent: none may stand for one of ours.
        sent = {k: v for k, v in self.fields.items() if k not in _OURS}
        shown: dict[str, Any] = {"id": self.collection_id, **sent, "status": self.status}
        if self.failure_code:
            shown["failure_code"] = self.failure_code
            shown["failure_message"] = self.failure_message
        if self.requested_date and self.requested_date != self.fields.get("scheduled_date"):
            shown["requested_scheduled_date"] = self.requested_date
        if self.bulk_id:
            shown["bulk_id"] = self.bulk_id
        if self.export_id:
            shown["export_id"] = self.export_id
        shown["created_at"] = self.created_at
        shown["updated_at"] = self.updated_at
        return shown
