"""Every credit price of the Batch Create Debts API, in one place.

Prices are business terms, not code: they live here as data so a change is one edit, and no other
module hard-codes a number of credits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal

__all__ = [
    "DEFAULT_PRICES",
    "DOM_TOM",
    "EU_MEMBERS",
    "MAGHREB",
    "Destination",
    "PriceTable",
    "Zone",
    "civility_credits",
    "destination_for",
    "email_validation_credits",
    "price_table",
]

Zone = Literal["france", "eu", "dom_tom", "maghreb", "international"]

# The 27 EU member states (ISO 3166-1 alpha-2; Greece is GR, as phonenumbers reports it).
# Source: europa.eu "EU countries"; no maintained Python list of EU membership is in our deps.
EU_MEMBERS: Final = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }
)  # fmt: skip
# French overseas departments, collectivities and Pacific territories: the seed's "DOM-TOM".
DOM_TOM: Final = frozenset({"RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF", "NC", "PF", "WF"})
MAGHREB: Final = frozenset({"MA", "DZ", "TN"})
_CIVILITY_DEBTS_PER_CREDIT: Final = 100
_EMAIL_RESULTS_PER_CREDIT: Final = 5


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a call goes and what it costs; `expensive` destinations need the caller's opt-in."""

    country: str
    zone: Zone
    credits_per_call: int
    expensive: bool
    multiplier: float


@dataclass(frozen=True, slots=True)
class PriceTable:
    """Credits per call by zone. Countries outside the named zones cost `default_other`, unless
    `other_countries` prices them individually (e.g. a tenant's negotiated rate)."""

    france: int = 25
    eu: int = 30
    dom_tom: int = 100
    maghreb: int = 125
    default_other: int = 60
    other_countries: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))


DEFAULT_PRICES: Final = PriceTable()


def price_table(default_other: int, per_country: str = "") -> PriceTable:
    """The operator's prices for countries outside the named zones: `per_country` is "US=40,CH=35"
    (the template's CallCreditsPerCountry). The four zones of the seed keep the seed's prices."""
    countries: dict[str, int] = {}
    for entry in filter(None, (part.strip() for part in per_country.split(","))):
        country, sep, credits = entry.partition("=")
        if not sep or len(country.strip()) != 2 or not credits.strip().isdigit():
            raise ValueError(f"Invalid per-country price {entry!r}: use CC=credits, e.g. US=40")
        countries[country.strip().upper()] = int(credits)
    return PriceTable(default_other=default_other, other_countries=MappingProxyType(countries))


def destination_for(region: str, table: PriceTable = DEFAULT_PRICES) -> Destination:
    """Price a call to `region` (ISO 3166 alpha-2, as `phone.normalize_phone` returns it).

    Unknown or non-geographic regions ("001", "ZZ") fall into the international zone rather than
    failing: a valid number must always be priceable.
    """
    country = region.strip().upper()
    zone, credits = _zone_and_credits(country, table)
    return Destination(
        country=country,
        zone=zone,
        credits_per_call=credits,
        expensive=zone in ("dom_tom", "maghreb"),
        multiplier=credits / table.france,  # the seed quotes prices as multiples of mainland France
    )


def civility_credits(n_debts_needing_detection: int) -> int:
    """1 credit per 100 debts needing civility detection, rounded up."""
    return _per_started_block(n_debts_needing_detection, _CIVILITY_DEBTS_PER_CREDIT)


def email_validation_credits(n_billable_results: int) -> int:
    """1 credit per 5 billable validation results (after de-duplication), rounded up."""
    return _per_started_block(n_billable_results, _EMAIL_RESULTS_PER_CREDIT)


def _zone_and_credits(country: str, table: PriceTable) -> tuple[Zone, int]:
    if country == "FR":
        return "france", table.france
    if country in EU_MEMBERS:
        return "eu", table.eu
    if country in DOM_TOM:
        return "dom_tom", table.dom_tom
    if country in MAGHREB:
        return "maghreb", table.maghreb
    return "international", table.other_countries.get(country, table.default_other)


def _per_started_block(count: int, block: int) -> int:
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    return -(-count // block)  # integer ceiling: exact for any count, unlike math.ceil(count / block)
