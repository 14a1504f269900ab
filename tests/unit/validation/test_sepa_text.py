"""SEPA Latin character set and mandate references."""

from __future__ import annotations

import pytest

from debtload.validation.sepa_text import MANDATE_REFERENCE_RE, is_sepa_text, sepa_text_error


@pytest.mark.parametrize(
    "text", ["", "Jean Dupont", "Facture 2025/01-A (acompte)", "O'Neil + Co: ref?", "abc.,"]
)
def test_sepa_characters_are_accepted(text: str) -> None:
    assert is_sepa_text(text, 70)


@pytest.mark.parametrize(
    "text", ["François", "Zoë", "a&b", "x_y", "50%", "tab\there", "€", 'say "hi"', "a@b"]
)
def test_other_characters_are_rejected(text: str) -> None:
    assert not is_sepa_text(text, 70)


def test_length_limit_is_inclusive() -> None:
    assert is_sepa_text("a" * 35, 35)
    assert not is_sepa_text("a" * 36, 35)


def test_error_names_the_character_and_position() -> None:
    assert sepa_text_error("Fran\u00e7ois", 70, "Debtor name") == (
        "Debtor name contains 'ç' at position 5, which is not a SEPA character"
    )
    assert sepa_text_error("abcd", 3) == "Text is too long: 4 characters, at most 3 allowed"
    assert sepa_text_error("abc", 3) is None


@pytest.mark.parametrize("ref", ["MANDAT-2025-0001", "a", "A" * 35, "REF/01:(x),'y'+?. z"])
def test_valid_mandate_references(ref: str) -> None:
    assert MANDATE_REFERENCE_RE.match(ref)


@pytest.mark.parametrize("ref", ["", "A" * 36, "MANDAT_01", "MANDAT#1", "réf"])
def test_invalid_mandate_references(ref: str) -> None:
    assert MANDATE_REFERENCE_RE.match(ref) is None
