"""ISO 4217 currency codes, checked against pycountry's maintained list (iso-codes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pycountry

__all__ = ["CurrencyResult", "check_currency", "normalize_currency"]

# XXX ("no currency") and XTS ("for testing") are ISO 4217 codes but meaningless for a debt.
_NOT_A_DEBT_CURRENCY: Final = frozenset({"XXX", "XTS"})
# Built once at import: the lookup then costs one set membership per row.
_CODES: Final = frozenset(c.alpha_3 for c in pycountry.currencies) - _NOT_A_DEBT_CURRENCY
_CODE_LENGTH: Final = 3


@dataclass(frozen=True, slots=True)
class CurrencyResult:
    code: str | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def check_currency(raw: object) -> CurrencyResult:
    """Upper-case ISO 4217 code, or a message that quotes what the user sent."""
    if not isinstance(raw, str) or not raw.strip():
        return CurrencyResult(None, "Currency is required (an ISO 4217 code such as 'EUR')")
    code = raw.strip().upper()
    if len(code) == _CODE_LENGTH and code in _CODES:
        return CurrencyResult(code)
    return CurrencyResult(None, f"Currency must be an ISO 4217 code, got {raw.strip()!r}")


def normalize_currency(raw: object) -> str | None:
    """The code or None, for callers that only need a yes/no."""
    return check_currency(raw).code
