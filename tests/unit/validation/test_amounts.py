"""Amount parsing from JSON and from French spreadsheets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from debtload.validation.amounts import MAX_AMOUNT, AmountResult, parse_amount, parse_french_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234, "1234.00"),
        (0, "0.00"),
        (-5, "-5.00"),
        (12.5, "12.50"),
        (0.1, "0.10"),
        (1234.56, "1234.56"),
        ("1234.56", "1234.56"),
        ("  12 ", "12.00"),
        ("+7.1", "7.10"),
        ("12.500", "12.50"),
        (Decimal("3.3"), "3.30"),
        (999999999999.99, "999999999999.99"),
    ],
)
def test_accepted_amounts_have_two_places(value: object, expected: str) -> None:
    result = parse_amount(value)
    assert result == AmountResult(Decimal(expected))
    assert result.value is not None
    assert str(result.value) == expected


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (True, "Amount must be a number, got a boolean"),
        (False, "Amount must be a number, got a boolean"),
        (None, "Amount must be a number, got NoneType"),
        ([1], "Amount must be a number, got list"),
        ("", "Amount is empty"),
        ("   ", "Amount is empty"),
        ("NaN", "Amount must be a decimal number such as 1234.56, got 'NaN'"),
        ("Infinity", "Amount must be a decimal number such as 1234.56, got 'Infinity'"),
        ("1e3", "Amount must be a decimal number such as 1234.56, got '1e3'"),
        ("1_000", "Amount must be a decimal number such as 1234.56, got '1_000'"),
        ("12,50", "Amount must be a decimal number such as 1234.56, got '12,50'"),
        ("١٢", "Amount must be a decimal number such as 1234.56, got '١٢'"),
        (float("nan"), "Amount must be a finite number"),
        (float("inf"), "Amount must be a finite number"),
        (Decimal("NaN"), "Amount must be a finite number"),
        ("12.345", "Amount must have at most 2 decimal places"),
        (0.001, "Amount must have at most 2 decimal places"),
        (1e300, f"Amount must not exceed {MAX_AMOUNT}"),
        ("1000000000000", f"Amount must not exceed {MAX_AMOUNT}"),
    ],
)
def test_rejected_amounts_say_why(value: object, error: str) -> None:
    assert parse_amount(value) == AmountResult(None, error)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        ("12\u202f345\u202f678", "12345678"),
        ("1.234,56", "1234.56"),
        ("1.234.567", "1234567"),
        ("1.234.567,8", "1234567.8"),
        ("1234.56", "1234.56"),
        ("1.234", "1.234"),
        ("1234", "1234"),
        ("-12,5", "-12.5"),
        ("\u00a012,5\u00a0", "12.5"),
    ],
)
def test_french_numbers(raw: str, expected: str) -> None:
    assert parse_french_number(raw) == Decimal(expected)


@pytest.mark.parametrize(
    "raw",
    ["", "abc", "1 23,4", "12 3456", "1,234,567", "1.23,4", "1.2345,6", "1,2.3", "NaN", "1e3", "12,", ",5"],
)
def test_malformed_french_numbers(raw: str) -> None:
    assert parse_french_number(raw) is None


# --- properties -------------------------------------------------------------------------------

_json_values = st.one_of(
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=30),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.from_regex(r"\A\s*[+-]?[0-9]{1,14}(\.[0-9]{1,4})?\s*\Z"),
)


@given(_json_values)
def test_parse_amount_never_raises(value: object) -> None:
    result = parse_amount(value)
    assert (result.value is None) == (result.error is not None)
    if result.value is not None:
        assert result.value.as_tuple().exponent == -2
        assert abs(result.value) <= MAX_AMOUNT


@given(_json_values)
def test_parse_amount_is_idempotent(value: object) -> None:
    first = parse_amount(value).value
    if first is not None:
        assert parse_amount(first).value == first
        assert parse_amount(str(first)).value == first


@given(st.text(max_size=30))
def test_parse_french_number_never_raises(raw: str) -> None:
    parse_french_number(raw)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12))
def test_french_spelling_round_trips(value: Decimal) -> None:
    spelled = f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    assert parse_french_number(spelled) == value
    assert parse_french_number(str(value)) == value
