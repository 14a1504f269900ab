"""A stored debt, and how it is shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class Debt:
    """`fields` holds the normalised debt (JSON-ready: dates and amounts as strings).

    `created_import_id` is the import that first created the debt: a retry of that same import
    finds the debt already there and must still report it as created, not updated.
    """

    debt_id: str
    import_id: str
    created_import_id: str
    fields: dict[str, Any]
    created_at: str
    updated_at: str
    # Set by a PATCH: the debt changed after the import that wrote it (an import's write clears it).
    patched_at: str | None = None
    # The version an import replaced (one level, so an item stays bounded): undo restores it.
    previous: DebtVersion | None = None
    # The stored form as read, opaque to the domain: a conditional write compares it (undo).
    stored: str | None = field(default=None, compare=False, repr=False)

    def version(self) -> DebtVersion:
        return DebtVersion(
            self.import_id,
            self.created_import_id,
            self.fields,
            self.created_at,
            self.updated_at,
            self.patched_at,
        )

    @property
    def internal_id(self) -> str | None:
        value = self.fields.get("internal_id")
        return value if isinstance(value, str) else None

    def to_json(self) -> dict[str, Any]:
        shown = dict(self.fields)
        if "amount" in shown:
            shown["amount"] = json_amount(shown["amount"])
        return {
            "id": self.debt_id,
            **shown,
            "import_id": self.import_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True, slots=True)
class DebtVersion:
    """A debt as one import (and maybe a PATCH after it) left it, kept when a later import replaces it."""

    import_id: str
    created_import_id: str
    fields: dict[str, Any]
    created_at: str
    updated_at: str
    patched_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "import_id": self.import_id,
            "created_import_id": self.created_import_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "fields": self.fields,
        }
        if self.patched_at is not None:
            document["patched_at"] = self.patched_at
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> DebtVersion:
        return cls(
            import_id=str(document["import_id"]),
            created_import_id=str(document["created_import_id"]),
            fields=document["fields"],
            created_at=str(document["created_at"]),
            updated_at=str(document["updated_at"]),
            patched_at=document.get("patched_at"),
        )

    def as_debt(self, debt_id: str) -> Debt:
        return Debt(
            debt_id,
            self.import_id,
            self.created_import_id,
            self.fields,
            self.created_at,
            self.updated_at,
            self.patched_at,
        )


# What an upsert reads first: the stored debt, whole (its creation, and its version to keep).
ExistingDebt = Debt


def json_amount(value: Any) -> int | float:
    """Amounts are stored as exact decimal strings and shown as JSON numbers (150 or 150.5)."""
    decimal = Decimal(str(value))
    return int(decimal) if decimal == decimal.to_integral_value() else float(decimal)


def stored_value(value: Any) -> Any:
    """A normalised field as it is stored: dates ISO, amounts as exact strings."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
