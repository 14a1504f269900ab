"""ISO 4217 currency codes."""

from __future__ import annotations

import pytest

from debtload.validation.currency import CurrencyResult, check_currency, normalize_currency


@pytest.mark.parametrize(
    ("raw", "code"), [("EUR", "EUR"), ("eur", "EUR"), (" usd ", "USD"), ("Xpf", "XPF"), ("MAD", "MAD")]
)
def test_known_codes_are_upper_cased(raw: str, code: str) -> None:
    assert normalize_currency(raw) == code
    assert check_currency(raw) == CurrencyResult(code)


@pytest.mark.parametrize("raw", ["EURO", "€", "EU", "ABC", "FRF", "XXX", "XTS", "E U R"])
def test_unknown_or_meaningless_codes_are_rejected_with_the_value(raw: str) -> None:
    assert normalize_currency(raw) is None
    assert check_currency(raw).error == f"Currency must be an ISO 4217 code, got {raw!r}"


def test_message_quotes_the_user_value() -> None:
    assert check_currency("EURO").error == "Currency must be an ISO 4217 code, got 'EURO'"


@pytest.mark.parametrize("raw", [None, "", "   ", 978])
def test_missing_currency(raw: object) -> None:
    assert check_currency(raw) == CurrencyResult(
        None, "Currency is required (an ISO 4217 code such as 'EUR')"
    )
