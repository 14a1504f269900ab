"""Civility (title): normalise what users type, and infer it from a first name when missing.

Inference uses gender-guesser's French dictionary. Its answers depend on accents ("François" is
male, "Francois" unknown; "Hélène" female, "Helene" andy), so names are looked up as given, only
NFC-normalised, never stripped of accents.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from gender_guesser.detector import Detector

__all__ = ["CIVILITIES", "CivilityResult", "infer_civility", "normalize_civility"]

MALE: Final = "M."
FEMALE: Final = "Mme"
CIVILITIES: Final = (MALE, FEMALE)

_ALIASES: Final = MappingProxyType(
    {
        **dict.fromkeys(("m", "m.", "mr", "mr.", "monsieur"), MALE),
        **dict.fromkeys(
            ("mme", "mme.", "ms", "ms.", "mrs", "mrs.", "madame", "mlle", "mlle.", "mademoiselle"), FEMALE
        ),
    }
)
_GENDERS: Final = MappingProxyType(
    {"male": MALE, "mostly_male": MALE, "female": FEMALE, "mostly_female": FEMALE}
)
_NAME_PARTS: Final = re.compile(r"[\s\-]+")


@dataclass(frozen=True, slots=True)
class CivilityResult:
    """`value` is "M.", "Mme" or None (not given); `error` is set for a value we cannot read."""

    value: str | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def normalize_civility(raw: object) -> CivilityResult:
    """Map the usual French and English spellings to "M." or "Mme"; blank means not given."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return CivilityResult(None)
    if isinstance(raw, str):
        value = _ALIASES.get(raw.strip().lower())
        if value is not None:
            return CivilityResult(value)
    return CivilityResult(None, f"Civility must be 'M.' or 'Mme', got {raw!r}")


def infer_civility(firstname: str | None) -> str | None:
    """Guess "M." or "Mme" from a first name; None when the name is unknown or unisex.

    Compound names ("Jean-Pierre", "Marie Claire") are tried whole first, since the dictionary
    knows many of them, then by their first part, but only when the whole is unknown: a name the
    dictionary calls unisex stays unisex.
    """
    if not firstname or not firstname.strip():
        return None
    name = unicodedata.normalize("NFC", firstname.strip())
    gender = _gender(name)
    if gender == "unknown":
        first = _NAME_PARTS.split(name, maxsplit=1)[0]
        if first and first != name:
            gender = _gender(first)
    return _GENDERS.get(gender)


def _gender(name: str) -> str:
    gender: str = _detector().get_gender(name, "france")
    return gender


@cache
def _detector() -> Detector:
    """Built on first use, once per process: it parses a large name file (~0.3 s)."""
    from gender_guesser.detector import Detector

    return Detector(case_sensitive=False)
