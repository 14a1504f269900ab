"""Price tables of the Batch Create Debts API."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from debtload.domain.pricing import (
    DEFAULT_PRICES,
    DOM_TOM,
    EU_MEMBERS,
    MAGHREB,
    Destination,
    PriceTable,
    civility_credits,
    destination_for,
    email_validation_credits,
)


def test_mainland_france() -> None:
    assert destination_for("FR") == Destination("FR", "france", 25, expensive=False, multiplier=1.0)


@pytest.mark.parametrize("country", sorted(EU_MEMBERS - {"FR"}))
def test_every_other_eu_member_costs_30(country: str) -> None:
    destination = destination_for(country)
    assert (destination.zone, destination.credits_per_call, destination.expensive) == ("eu", 30, False)
    assert destination.multiplier == pytest.approx(1.2)


def test_there_are_26_other_eu_members() -> None:
    assert len(EU_MEMBERS - {"FR"}) == 26
    assert {"GB", "CH", "NO"}.isdisjoint(EU_MEMBERS)


@pytest.mark.parametrize("country", sorted(DOM_TOM))
def test_dom_tom_is_expensive_at_100(country: str) -> None:
    destination = destination_for(country)
    assert (destination.zone, destination.credits_per_call, destination.expensive) == ("dom_tom", 100, True)
    assert destination.multiplier == pytest.approx(4.0)


def test_dom_tom_covers_departments_collectivities_and_pacific() -> None:
    assert {"RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF", "NC", "PF", "WF"} == DOM_TOM


@pytest.mark.parametrize("country", sorted(MAGHREB))
def test_maghreb_is_expensive_at_125(country: str) -> None:
    destination = destination_for(country)
    assert (destination.zone, destination.credits_per_call, destination.expensive) == ("maghreb", 125, True)
    assert destination.multiplier == pytest.approx(5.0)


@pytest.mark.parametrize("country", ["US", "CH", "GB", "SN", "001", "ZZ"])
def test_other_countries_use_the_default_international_price(country: str) -> None:
    assert destination_for(country) == Destination(
        country, "international", 60, expensive=False, multiplier=2.4
    )


def test_region_is_case_and_space_insensitive() -> None:
    assert destination_for(" re ").zone == "dom_tom"


def test_table_overrides_other_countries_only() -> None:
    table = PriceTable(other_countries=MappingProxyType({"CH": 40}), default_other=80)
    assert destination_for("CH", table).credits_per_call == 40
    assert destination_for("US", table).credits_per_call == 80
    assert destination_for("DE", table).credits_per_call == 30


def test_zone_prices_are_configurable_too() -> None:
    assert destination_for("MA", PriceTable(maghreb=150)).credits_per_call == 150


def test_default_table_is_immutable() -> None:
    with pytest.raises(AttributeError):
        DEFAULT_PRICES.france = 1  # type: ignore[misc]


@pytest.mark.parametrize(("debts", "credits"), [(0, 0), (1, 1), (99, 1), (100, 1), (101, 2), (1000, 10)])
def test_civility_is_one_credit_per_started_hundred(debts: int, credits: int) -> None:
    assert civility_credits(debts) == credits


@pytest.mark.parametrize(("results", "credits"), [(0, 0), (1, 1), (5, 1), (6, 2), (1000, 200)])
def test_email_validation_is_one_credit_per_started_five(results: int, credits: int) -> None:
    assert email_validation_credits(results) == credits


def test_negative_counts_are_a_bug() -> None:
    with pytest.raises(ValueError, match="count must be >= 0"):
        civility_credits(-1)
