"""The SEPA Latin character set, which every free-text field of a SEPA message must respect.

Banks reject a whole file for one bad character, so we refuse the row up front and name the
character.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["MANDATE_REFERENCE_RE", "SEPA_CHARACTERS", "is_sepa_text", "sepa_text_error"]

# EPC217-08 "SEPA Requirements for an Extended Character Set": the basic Latin set.
SEPA_CHARACTERS: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ "
)
# Unique Mandate Reference (SDD rulebook AT-01): 1 to 35 SEPA characters.
MANDATE_REFERENCE_RE: Final = re.compile(r"^[A-Za-z0-9+?/\-:().,' ]{1,35}$")


def is_sepa_text(s: str, max_len: int) -> bool:
    """True when `s` fits in `max_len` characters of the SEPA set (empty counts: callers decide
    whether a field is required)."""
    return sepa_text_error(s, max_len) is None


def sepa_text_error(s: str, max_len: int, field: str = "Text") -> str | None:
    """A message naming the first offending character, or None when the text is acceptable."""
    if len(s) > max_len:
        return f"{field} is too long: {len(s)} characters, at most {max_len} allowed"
    for position, char in enumerate(s, start=1):
        if char not in SEPA_CHARACTERS:
            return f"{field} contains {char!r} at position {position}, which is not a SEPA character"
    return None
