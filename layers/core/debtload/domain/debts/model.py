"""A stored debt, and how it is shown."""

from __future__ import annotations

from dataclasses import dataclass
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
class ExistingDebt:
    debt_id: str
    created_import_id: str
    created_at: str


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
