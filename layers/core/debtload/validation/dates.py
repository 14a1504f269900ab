"""Dates: strict API parsing, lenient file parsing, and business-day arithmetic.

Two calendars matter and they differ: a debtor is called on French working days (public holidays
of their département included, e.g. 20 December in Réunion), while SEPA settles on TARGET2 days,
on which French holidays such as 14 July are ordinary business days.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache, lru_cache
from types import MappingProxyType, ModuleType
from typing import Final

__all__ = [
    "add_target2_business_days",
    "holiday_subdivision",
    "next_business_day",
    "parse_flexible_date",
    "parse_iso_date",
    "target2_roll_forward",
]

_ISO: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_FRENCH: Final = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_SATURDAY: Final = 5
_ONE_DAY: Final = timedelta(days=1)


@cache
def _holidays() -> ModuleType:
    """holidays takes 40 to 120 ms to import, and a file import that only parses dates never needs it."""
    import holidays

    return holidays


# holidays names overseas departments by INSEE code and aliases; French Guiana's alias is "GY",
# not its ISO code "GF", so we map ISO 3166 codes (what phonenumbers returns) ourselves.
_SUBDIVISIONS: Final = MappingProxyType(
    {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}
    | {code: code for code in ("BL", "MF", "NC", "PF", "PM", "TF", "WF")}
)
_WEEKDAYS: Final = frozenset(range(_SATURDAY))


def parse_iso_date(raw: object) -> date | None:
    """YYYY-MM-DD only, as the seed requires on the API; no times, no other separators."""
    if not isinstance(raw, str):
        return None
    match = _ISO.fullmatch(raw.strip())
    return _make_date(match.group(1), match.group(2), match.group(3)) if match else None


def parse_flexible_date(raw: object) -> date | None:
    """YYYY-MM-DD or the French DD/MM/YYYY that spreadsheets produce."""
    iso = parse_iso_date(raw)
    if iso is not None or not isinstance(raw, str):
        return iso
    match = _FRENCH.fullmatch(raw.strip())
    return _make_date(match.group(3), match.group(2), match.group(1)) if match else None


def holiday_subdivision(region: str | None) -> str | None:
    """The holidays.France subdivision for a debtor's ISO region; None for mainland France.

    Raises ValueError for a region holidays.France does not know, rather than silently using the
    mainland calendar.
    """
    if region is None or region.upper() == "FR":
        return None
    code = _SUBDIVISIONS.get(region.upper(), region)
    france = _holidays().France
    if code not in france.subdivisions and code not in france.subdivisions_aliases:
        raise ValueError(f"Unknown French subdivision {region!r}")
    return code


def next_business_day(
    d: date,
    *,
    subdiv: str | None = None,
    excluded_weekdays: frozenset[int] = frozenset(),
    excluded_dates: frozenset[date] = frozenset(),
) -> date:
    """The first day strictly after `d` that is a weekday, not a French public holiday (of
    `subdiv`, an ISO region like "RE" or a holidays subdivision code) and not excluded.

    `excluded_weekdays` uses date.weekday() numbering (0 = Monday).
    """
    if excluded_weekdays >= _WEEKDAYS:
        raise ValueError("Every weekday is excluded: there is no business day")
    code = holiday_subdivision(subdiv)
    day = d + _ONE_DAY
    while (
        day.weekday() >= _SATURDAY
        or day.weekday() in excluded_weekdays
        or day in excluded_dates
        or day in _french_holidays(code, day.year)
    ):
        day += _ONE_DAY
    return day


def target2_roll_forward(d: date) -> date:
    """`d` if TARGET2 settles that day, else the next day it does."""
    while not _is_target2_day(d):
        d += _ONE_DAY
    return d


def add_target2_business_days(d: date, n: int) -> date:
    """Move `n` TARGET2 business days from `d` (backwards when n < 0); n == 0 rolls forward.

    Counting starts from `d` itself, so `d` need not be a business day: Saturday + 1 is Monday.
    """
    if n == 0:
        return target2_roll_forward(d)
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        d += step
        if _is_target2_day(d):
            remaining -= 1
    return d


def _is_target2_day(d: date) -> bool:
    return d.weekday() < _SATURDAY and d not in _target2_closing_days(d.year)


def _make_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


@lru_cache(maxsize=64)
def _french_holidays(subdiv: str | None, year: int) -> frozenset[date]:
    """Building a holidays calendar costs ~1 ms; a batch asks for the same few years many times."""
    return frozenset(_holidays().France(subdiv=subdiv, years=year))


@lru_cache(maxsize=16)
def _target2_closing_days(year: int) -> frozenset[date]:
    return frozenset(_holidays().financial_holidays("XECB", years=year))
