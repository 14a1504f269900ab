"""normalize_phone: E.164 output, overseas routing, and the messages API users see."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from debtload.validation.phone import PhoneResult, normalize_phone, region_of

OVERSEAS_MOBILE = "French overseas mobile numbers in national format (069X/0639) are not supported"


@pytest.mark.parametrize(
    ("raw", "e164", "region"),
    [
        ("06 12 34 56 78", "+33612345678", "FR"),
        ("06.12.34.56.78", "+33612345678", "FR"),
        ("06-12-34-56-78", "+33612345678", "FR"),
        ("(06) 12 34 56 78", "+33612345678", "FR"),
        ("0033 6 12 34 56 78", "+33612345678", "FR"),
        ("+33 1 23 45 67 89", "+33123456789", "FR"),
        ("  0123456789  ", "+33123456789", "FR"),
        ("+32 470 12 34 56", "+32470123456", "BE"),
        ("0032470123456", "+32470123456", "BE"),
        ("+212 6 12 34 56 78", "+212612345678", "MA"),
        ("+1 650 253 0000", "+16502530000", "US"),
    ],
)
def test_valid_numbers_normalise_to_e164(raw: str, e164: str, region: str) -> None:
    assert normalize_phone(raw) == PhoneResult(e164, region)


@pytest.mark.parametrize(
    ("raw", "e164", "region"),
    [
        ("0262 16 12 34", "+262262161234", "RE"),
        ("02 62 16 12 34", "+262262161234", "RE"),
        ("0263 12 34 56", "+262263123456", "RE"),
        ("0269 60 12 34", "+262269601234", "YT"),
        ("0590 20 12 34", "+590590201234", "GP"),
        ("0594 10 12 34", "+594594101234", "GF"),
        ("0596 30 12 34", "+596596301234", "MQ"),
        ("0508 41 12 34", "+508411234", "PM"),
    ],
)
def test_overseas_fixed_lines_in_national_format_get_their_own_country_code(
    raw: str, e164: str, region: str
) -> None:
    assert normalize_phone(raw) == PhoneResult(e164, region)


@pytest.mark.parametrize("raw", ["0596301234", "+33596301234", "0033596301234", "+33 269 60 12 34"])
def test_overseas_prefixes_that_libphonenumber_calls_mainland_are_still_routed_overseas(raw: str) -> None:
    # libphonenumber accepts +33 596... as a mainland line: pricing it as France would undercharge.
    result = normalize_phone(raw)
    assert result.region in {"MQ", "YT"}
    assert result.e164 is not None
    assert not result.e164.startswith("+33")


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("0692 12 34 56", "+262692123456"),
        ("0693123456", "+262693123456"),
        ("0639 01 23 45", "+262639012345"),
        ("0690 00 12 34", "+590690001234"),
        ("0691281234", "+590691281234"),
        ("0694 20 12 34", "+594694201234"),
        ("0696201234", "+596696201234"),
        ("0697123456", "+596697123456"),
    ],
)
def test_overseas_mobiles_in_national_format_are_rejected_with_the_international_form(
    raw: str, hint: str
) -> None:
    result = normalize_phone(raw)
    assert result.e164 is None
    assert result.error is not None
    assert result.error.startswith(OVERSEAS_MOBILE)
    assert result.error.endswith(f"send the number in international format, e.g. {hint}")


def test_overseas_mobile_written_with_33_is_rejected_with_a_matching_explanation() -> None:
    result = normalize_phone("+33 6 92 12 34 56")
    assert result.error == (
        "French overseas mobile numbers with the +33 country code are not supported; "
        "send the number in international format, e.g. +262692123456"
    )


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("+262 692 12 34 56", "RE"),
        ("+262639012345", "YT"),
        ("+590 690 00 12 34", "GP"),
        ("+594694201234", "GF"),
        ("00596696201234", "MQ"),
    ],
)
def test_the_same_overseas_mobiles_in_international_format_are_accepted(raw: str, region: str) -> None:
    result = normalize_phone(raw)
    assert result.ok
    assert result.region == region


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", "Phone number is empty"),
        ("   ", "Phone number is empty"),
        ("abc", "Phone number contains no valid digits"),
        ("06 1", "Phone number is too short"),
        ("+33 6", "Phone number is too short"),
        ("0612345678901234", "Phone number is too long"),
        ("+999 123456", "Invalid country calling code"),
        ("+33 7 00 00 00 00 0", "Phone number is too long"),
        ("0512", "Phone number is too short"),
    ],
)
def test_invalid_numbers_get_a_specific_message(raw: str, error: str) -> None:
    assert normalize_phone(raw) == PhoneResult(None, None, error)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        # Right length, unallocated range: the reason lookup says "possible", so we name the country.
        ("04 00 00 00 00", "Phone number is not a valid number for FR"),
        ("+34 100 000 000", "Phone number is not a valid number for ES"),
        # +1 is shared by many regions: naming "US" would mislead a Canadian.
        ("+1 555 555 0000", "Phone number is not a valid number for country code +1"),
    ],
)
def test_a_possible_but_unallocated_number_names_where_it_is_invalid(raw: str, error: str) -> None:
    assert normalize_phone(raw) == PhoneResult(None, None, error)


def test_non_string_input_is_an_error_not_an_exception() -> None:
    assert normalize_phone(612345678).error == "Phone number must be a string"  # type: ignore[arg-type]


def test_default_region_applies_to_national_numbers() -> None:
    assert normalize_phone("0470 12 34 56", default_region="BE") == PhoneResult("+32470123456", "BE")


def test_overseas_routing_does_not_hijack_other_regions_national_numbers() -> None:
    result = normalize_phone("0262 12 34 56", default_region="BE")
    assert result.e164 is None or result.e164.startswith("+32")


def test_region_of() -> None:
    assert region_of("+262269601234") == "YT"
    assert region_of("+33612345678") == "FR"
    assert region_of("not a number") is None


# --- properties -------------------------------------------------------------------------------

_separators = st.sampled_from(["", " ", ".", "-"])
_french_like = st.builds(
    lambda prefix, groups, sep: prefix + sep + sep.join(groups),
    st.sampled_from(
        ["06", "07", "01", "09", "0262", "0692", "0590", "0596", "0508", "+33 6", "0033 7", "+262"]
    ),
    st.lists(st.text(alphabet="0123456789", min_size=2, max_size=2), min_size=1, max_size=5),
    _separators,
)


@given(st.one_of(st.text(max_size=40), _french_like))
@example("０５９６３０１２３４")
@example("+" + "9" * 300)
def test_never_raises_and_always_explains(raw: str) -> None:
    result = normalize_phone(raw)
    assert (result.e164 is None) == (result.error is not None)
    assert (result.region is None) == (result.e164 is None)


@given(st.one_of(st.text(max_size=40), _french_like))
@example("0262 16 12 34")
@example("０５９６３０１２３４")
def test_normalising_a_normalised_number_is_a_no_op(raw: str) -> None:
    first = normalize_phone(raw)
    if first.e164 is not None:
        assert normalize_phone(first.e164) == first
        assert first.e164 == phonenumbers.format_number(
            phonenumbers.parse(first.e164), phonenumbers.PhoneNumberFormat.E164
        )
