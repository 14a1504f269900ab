"""Header matching that ignores case, accents, spacing and punctuation: "Date d'échéance",
"date_echeance" and "DATE ECHEANCE" are the same column."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=4096)
def header_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALNUM.sub("", without_accents.replace("œ", "oe").replace("æ", "ae"))


def unique_headers(raw: list[str]) -> list[str]:
    """Header cells as column names: blanks get a name, repeats get a suffix, so no cell is lost."""
    names: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(raw, start=1):
        name = cell.strip() or f"column {index}"
        candidate, n = name, 2
        while candidate in seen:
            candidate = f"{name} ({n})"
            n += 1
        seen.add(candidate)
        names.append(candidate)
    return names
