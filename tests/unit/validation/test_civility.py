"""Civility normalisation and inference from first names."""

from __future__ import annotations

import pytest

from debtload.validation.civility import CivilityResult, infer_civility, normalize_civility


@pytest.mark.parametrize("raw", ["M", "M.", "m", "Mr", "MR.", "Monsieur", " monsieur "])
def test_male_spellings(raw: str) -> None:
    assert normalize_civility(raw) == CivilityResult("M.")


@pytest.mark.parametrize("raw", ["Mme", "MME.", "Ms", "Mrs", "mrs.", "Madame", "Mlle", "Mademoiselle"])
def test_female_spellings(raw: str) -> None:
    assert normalize_civility(raw) == CivilityResult("Mme")


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_blank_is_not_given_rather_than_an_error(raw: str | None) -> None:
    assert normalize_civility(raw) == CivilityResult(None)


@pytest.mark.parametrize("raw", ["Dr", "Mx", "Sir", "Messieurs", 1])
def test_unknown_values_are_errors_naming_the_value(raw: object) -> None:
    result = normalize_civility(raw)
    assert result.value is None
    assert result.error == f"Civility must be 'M.' or 'Mme', got {raw!r}"


@pytest.mark.parametrize(
    ("firstname", "civility"),
    [
        ("François", "M."),
        ("Jean", "M."),
        ("paul", "M."),
        ("LUC", "M."),
        ("Marie", "Mme"),  # mostly_female counts as female
        ("Hélène", "Mme"),
        ("Dominique", None),  # andy
        ("Xzqwy", None),  # unknown
        ("", None),
        (None, None),
        ("   ", None),
    ],
)
def test_infer_civility(firstname: str | None, civility: str | None) -> None:
    assert infer_civility(firstname) == civility


@pytest.mark.parametrize(
    ("firstname", "civility"),
    [("Jean-Pierre", "M."), ("Marie-Claire", "Mme"), ("Marie Claire", "Mme"), ("Jean Xzqwy", "M.")],
)
def test_compound_names_fall_back_to_the_first_part(firstname: str, civility: str) -> None:
    assert infer_civility(firstname) == civility


def test_decomposed_accents_are_recomposed_before_lookup() -> None:
    assert infer_civility("Franc\u0327ois") == "M."


def test_a_unisex_whole_name_is_not_overridden_by_its_first_part() -> None:
    # "Dominique" is andy, so the whole stays unknown rather than guessing from a part.
    assert infer_civility("Dominique") is None
