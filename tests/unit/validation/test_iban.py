"""IBAN, SEPA membership and creditor identifiers."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from debtload.validation.iban import (
    CreditorIdResult,
    IbanResult,
    check_creditor_identifier,
    check_iban,
    is_sepa_country,
    requires_debtor_address,
)

FR = "FR7630006000011234567890189"


@pytest.mark.parametrize(
    ("raw", "normalized", "country"),
    [
        (FR, FR, "FR"),
        ("fr76 3000 6000 0112 3456 7890 189", FR, "FR"),
        ("FR76-3000-6000-0112-3456-7890-189", FR, "FR"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "DE"),
        ("GB29NWBK60161331926819", "GB29NWBK60161331926819", "GB"),
        ("MC58 1122 2000 0101 2345 6789 030", "MC5811222000010123456789030", "MC"),
    ],
)
def test_valid_ibans_are_compacted(raw: str, normalized: str, country: str) -> None:
    assert check_iban(raw) == IbanResult(normalized, country)


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("FR7630006000011234567890188", "invalid_iban_checksum", "IBAN check digits are wrong (typo?)"),
        ("FR763000600001123456789018", "invalid_iban_length", "IBAN has 26 characters; FR IBANs have 27"),
        (
            "XX7630006000011234567890189",
            "invalid_iban_country",
            "IBAN country code 'XX' does not issue IBANs",
        ),
        ("FR76300060000112345678901!9", "invalid_iban_format", "IBAN may only contain letters and digits"),
        ("FR76ABCD6000011234567890189", "invalid_iban_format", "IBAN does not match the FR IBAN format"),
        ("FRXX30006000011234567890189", "invalid_iban_format", "IBAN does not match the FR IBAN format"),
        ("", "invalid_iban_format", "IBAN is empty"),
    ],
)
def test_invalid_ibans_have_distinct_codes(raw: str, code: str, message: str) -> None:
    result = check_iban(raw)
    assert (result.normalized, result.error_code, result.message) == (None, code, message)


def test_non_string_iban() -> None:
    assert check_iban(None).error_code == "invalid_iban_format"


@pytest.mark.parametrize(
    "cc", ["FR", "DE", "RE", "GP", "YT", "PM", "BL", "CH", "GB", "MC", "SM", "VA", "AD", "NO", "fr"]
)
def test_sepa_countries(cc: str) -> None:
    assert is_sepa_country(cc)


@pytest.mark.parametrize("cc", ["US", "MA", "TR", "XX", "", "FRA"])
def test_non_sepa_countries(cc: str) -> None:
    assert not is_sepa_country(cc)


@pytest.mark.parametrize("cc", ["CH", "GB", "MC", "SM", "VA", "AD", "GI", "JE", "GG", "IM"])
def test_non_eea_sepa_countries_need_the_debtor_address(cc: str) -> None:
    assert requires_debtor_address(cc)


@pytest.mark.parametrize("cc", ["FR", "DE", "RE", "GP", "MQ", "GF", "YT", "NO", "IS", "LI", "US"])
def test_eea_and_non_sepa_countries_do_not(cc: str) -> None:
    # Outside SEPA there is no SEPA debit at all, so no address rule either.
    assert not requires_debtor_address(cc)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("FR72ZZZ123456", "FR72ZZZ123456"),
        ("fr72 zzz 123456", "FR72ZZZ123456"),
        ("DE98ZZZ09999999999", "DE98ZZZ09999999999"),
        ("ES23ZZZ47690558N", "ES23ZZZ47690558N"),
        ("BE69ZZZ050D000000008", "BE69ZZZ050D000000008"),
        # The business code is excluded from the check digits, so it may change freely.
        ("FR72ABC123456", "FR72ABC123456"),
    ],
)
def test_valid_creditor_identifiers(raw: str, normalized: str) -> None:
    assert check_creditor_identifier(raw) == CreditorIdResult(normalized, normalized[:2])


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("FR73ZZZ123456", "Creditor identifier check digits are wrong (typo?)"),
        ("FR72ZZZ123457", "Creditor identifier check digits are wrong (typo?)"),
        ("US72ZZZ123456", "Creditor identifier country US is not in SEPA"),
        ("FR72ZZZ", "Creditor identifier must look like FR72ZZZ123456 (country, check digits, code, id)"),
        (
            "FR7ZZZ123456",
            "Creditor identifier must look like FR72ZZZ123456 (country, check digits, code, id)",
        ),
        ("", "Creditor identifier is empty"),
    ],
)
def test_invalid_creditor_identifiers(raw: str, error: str) -> None:
    assert check_creditor_identifier(raw).error == error


_iban_like = st.builds(
    lambda cc, digits, sep: sep.join([cc, *digits]),
    st.sampled_from(["FR", "DE", "GB", "fr", "XX", "MC", "RE"]),
    st.lists(st.text(alphabet="0123456789ABCZ", min_size=1, max_size=4), max_size=8),
    st.sampled_from(["", " ", "-"]),
)


@given(st.one_of(st.text(max_size=40), _iban_like))
@example(FR)
@example("fr76 3000 6000 0112 3456 7890 189")
def test_check_iban_never_raises_and_is_idempotent(raw: str) -> None:
    result = check_iban(raw)
    assert (result.normalized is None) == (result.error_code is not None)
    if result.normalized is not None:
        assert check_iban(result.normalized) == result


@given(st.text(max_size=40))
def test_check_creditor_identifier_never_raises(raw: str) -> None:
    check_creditor_identifier(raw)
