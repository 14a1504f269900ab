"""Money amounts from JSON bodies and from spreadsheets.

Amounts become Decimal with exactly two places. More precision than a cent is refused rather than
rounded: silently changing what a creditor claims is worse than asking them to fix the row. Floats
go through `repr`, so a JSON 0.1 means 0.10, not 0.1000000000000000055...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

__all__ = ["MAX_AMOUNT", "AmountResult", "parse_amount", "parse_french_number"]

CENT: Final = Decimal("0.01")
# Twelve integer digits: far above any real debt, and small enough that quantising never overflows
# the default decimal context (28 digits).
MAX_AMOUNT: Final = Decimal("999999999999.99")

_PLAIN: Final = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
# French spreadsheet spellings. Thousands: space, no-break space (U+00A0) or narrow no-break space
# (U+202F), or dots when a decimal comma or a second dot group makes them unambiguous.
_SPACED: Final = re.compile(r"[+-]?[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?:,[0-9]+)?")
_DOTTED: Final = re.compile(r"[+-]?[0-9]{1,3}(?:(?:\.[0-9]{3}){2,}(?:,[0-9]+)?|\.[0-9]{3},[0-9]+)")
_COMMA: Final = re.compile(r"[+-]?[0-9]+,[0-9]+")
_GROUPING: Final = str.maketrans({" ": None, "\u00a0": None, "\u202f": None, ".": None, ",": "."})


@dataclass(frozen=True, slots=True)
class AmountResult:
    value: Decimal | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def parse_amount(value: object) -> AmountResult:
    """A JSON number or decimal string as a 2-place Decimal. Sign is kept: "> 0" is the caller's rule."""
    decimal, error = _to_decimal(value)
    if decimal is None:
        return AmountResult(None, error)
    return _checked(decimal)


def parse_french_number(raw: str) -> Decimal | None:
    """Read "1 234,56", "1.234,56", "1234,56" or "1234.56" as exact Decimals; None otherwise.

    "1.234" is read as 1.234: a lone dot group is a decimal point, because exports from software
    write plain decimals with a dot, while French spreadsheets group thousands with spaces.
    """
    if not isinstance(raw, str):
        return None
    text = raw.strip(" \t\u00a0\u202f")
    if _PLAIN.fullmatch(text):
        return Decimal(text)
    if _SPACED.fullmatch(text) or _DOTTED.fullmatch(text) or _COMMA.fullmatch(text):
        return Decimal(text.translate(_GROUPING))
    return None


def _to_decimal(value: object) -> tuple[Decimal | None, str | None]:
    if isinstance(value, bool):
        return None, "Amount must be a number, got a boolean"
    if isinstance(value, int):
        return Decimal(value), None
    if isinstance(value, float):
        return Decimal(repr(value)), None
    if isinstance(value, Decimal):
        return value, None
    if isinstance(value, str):
        return _from_string(value)
    return None, f"Amount must be a number, got {type(value).__name__}"


def _from_string(value: str) -> tuple[Decimal | None, str | None]:
    """Strict decimal notation: Decimal() alone would also take 'NaN', '1e5' and '1_000'."""
    text = value.strip()
    if not text:
        return None, "Amount is empty"
    if not _PLAIN.fullmatch(text):
        return None, f"Amount must be a decimal number such as 1234.56, got {value!r}"
    return Decimal(text), None


def _checked(decimal: Decimal) -> AmountResult:
    if not decimal.is_finite():
        return AmountResult(None, "Amount must be a finite number")
    if abs(decimal) > MAX_AMOUNT:
        return AmountResult(None, f"Amount must not exceed {MAX_AMOUNT}")
    cents = decimal.quantize(CENT)
    if cents != decimal:
        return AmountResult(None, "Amount must have at most 2 decimal places")
    return AmountResult(cents)
