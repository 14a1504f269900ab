"""The Batch Create Debts API's per-debt rules, one by one, on check_debt alone."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from debtload.domain.debts.fields import check_debt
from debtload.domain.pricing import PriceTable


def row(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "firstname": "Jean",
        "lastname": "Dupont",
        "phone": "0612345678",
        "amount": "150.50",
        "currency": "eur",
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not ...}


def errors_of(**changes: Any) -> dict[str, list[str]]:
    return check_debt(row(**changes)).errors


def test_a_valid_debt_is_normalised() -> None:
    check = check_debt(row(civility="Mrs", email=" Jean@Example.COM ", birthdate="1980-02-29"))
    assert check.fields is not None
    values = check.fields.values
    assert values["phone"] == "+33612345678" and values["currency"] == "EUR"
    assert values["amount"] == Decimal("150.50") and values["civility"] == "Mme"
    assert values["email"] == "Jean@example.com"
    assert check.fields.destination is not None and check.fields.destination.credits_per_call == 25


@pytest.mark.parametrize("name", ["firstname", "lastname"])
def test_names_are_required(name: str) -> None:
    assert name in errors_of(**{name: ...})
    assert name in errors_of(**{name: "   "})


@pytest.mark.parametrize(
    ("amount", "fragment"), [(0, "greater than 0"), (-5, "greater than 0"), ("abc", ""), (..., "required")]
)
def test_amount_must_be_positive(amount: Any, fragment: str) -> None:
    assert fragment in errors_of(amount=amount)["amount"][0]


def test_amount_may_be_a_number_or_a_decimal_string() -> None:
    for amount in (12, 12.5, "12.50"):
        assert check_debt(row(amount=amount)).fields is not None


@pytest.mark.parametrize("currency", ["EURO", "XXX", "", "ZZZ", ...])
def test_currency_must_be_iso_4217(currency: Any) -> None:
    assert "currency" in errors_of(currency=currency)


def test_phone_or_email_is_required() -> None:
    errors = errors_of(phone=...)
    assert errors["phone"] == ["A valid phone number or email address is required"]
    only_email = check_debt(row(phone=..., email="a@example.com"))
    assert only_email.fields is not None and only_email.fields.destination is None


def test_an_invalid_email_fails_even_with_a_valid_phone() -> None:
    assert "email" in errors_of(email="not-an-address")


@pytest.mark.parametrize(
    ("phone", "fragment"),
    [
        ("0612", "too short"),
        ("+336123456789012345", "too long"),
        ("+999123456789", "Invalid country calling code"),
        ("0690123456", "French overseas mobile numbers in national format (069X/0639) are not supported"),
        ("0639123456", "international format"),
        ("0112345678901", "too long"),
    ],
)
def test_phone_errors_are_specific(phone: str, fragment: str) -> None:
    assert fragment in errors_of(phone=phone)["phone"][0]


def test_overseas_fixed_lines_resolve_to_their_own_country_code_and_are_expensive() -> None:
    check = check_debt(row(phone="0262123456"))
    assert check.fields is None and check.destination is not None
    assert (check.destination.country, check.destination.zone, check.destination.credits_per_call) == (
        "RE", "dom_tom", 100,
    )  # fmt: skip
    accepted = check_debt(row(phone="0262123456"), accept_expensive_destination=True)
    assert accepted.fields is not None and accepted.fields.values["phone"] == "+262262123456"


@pytest.mark.parametrize(
    ("phone", "country", "credits"), [("+212612345678", "MA", 125), ("+590590123456", "GP", 100)]
)
def test_expensive_destinations_fail_with_their_price_unless_accepted(
    phone: str, country: str, credits: int
) -> None:
    check = check_debt(row(phone=phone))
    assert check.destination is not None and check.destination.country == country
    assert f"{credits} credits per call" in check.errors["phone"][0]
    assert check_debt(row(phone=phone, accept_expensive_destination=True)).fields is not None


def test_eu_and_other_countries_are_priced_from_the_table() -> None:
    german = check_debt(row(phone="+4915123456789"))
    assert german.fields is not None and german.fields.destination is not None
    assert german.fields.destination.credits_per_call == 30
    table = PriceTable(default_other=70, other_countries={"US": 40})
    us = check_debt(row(phone="+12025550123"), prices=table)
    assert us.fields is not None and us.fields.destination is not None
    assert us.fields.destination.credits_per_call == 40


@pytest.mark.parametrize("name", ["birthdate", "invoice_date", "due_date"])
def test_dates_are_yyyy_mm_dd(name: str) -> None:
    assert "YYYY-MM-DD" in errors_of(**{name: "31/12/2026"})[name][0]
    assert name in errors_of(**{name: "2026-02-30"})


def test_due_date_may_not_precede_invoice_date() -> None:
    assert (
        "before the invoice date"
        in errors_of(invoice_date="2026-03-01", due_date="2026-02-28")["due_date"][0]
    )
    assert check_debt(row(invoice_date="2026-03-01", due_date="2026-03-01")).fields is not None


def test_iban_must_be_valid_and_is_compacted() -> None:
    assert "iban" in errors_of(iban="FR76 3000 6000 0112 3456 7890 188")
    good = check_debt(row(iban="fr76 3000 6000 0112 3456 7890 189"))
    assert good.fields is not None and good.fields.values["iban"] == "FR7630006000011234567890189"


def test_other_fields() -> None:
    errors = errors_of(
        civility="Dr",
        timeline_start_mode="later",
        payment_link="ftp://x",
        metadata=[1],
        accept_expensive_destination="yes",
    )
    assert set(errors) == {
        "civility",
        "timeline_start_mode",
        "payment_link",
        "metadata",
        "accept_expensive_destination",
    }


def test_every_failing_field_is_reported_at_once() -> None:
    assert set(errors_of(firstname=..., amount=-1, currency="??")) == {"firstname", "amount", "currency"}
