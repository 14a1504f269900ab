"""Rows that are not data (seed 000): empty rows and the instruction rows of import templates.

Shared by the API (a debt object's values) and file imports (a row's cells), so a row is skipped for
the same reason whichever way it arrives.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from debtload.domain.file_import.headers import header_key

EMPTY_ROW: Final = "empty row"
INSTRUCTION_ROW: Final = "instruction row"

_INSTRUCTION_PHRASES: Final = (
    "champs obligatoires",
    "champ obligatoire",
    "required fields",
    "required field",
)
_INSTRUCTION_CELLS: Final = frozenset({"obligatoire", "obligatoires", "required", "facultatif", "optional"})


def skip_reason(cells: Iterable[Any]) -> str | None:
    """Why a row is not data: 'empty row', 'instruction row', or None for a data row.

    An instruction row starts with "*" or carries "champs obligatoires" / "required fields"; a cell
    that is just "obligatoire" (or "(Obligatoire)", "required") marks one too. The word alone inside
    longer text does not: a note saying "paiement obligatoire" is data (decision 32).
    """
    texts = [c.strip() if isinstance(c, str) else c for c in cells]
    non_empty = [c for c in texts if not _is_blank(c)]
    if not non_empty:
        return EMPTY_ROW
    first = non_empty[0]
    if isinstance(first, str) and first.startswith("*"):
        return INSTRUCTION_ROW
    for cell in non_empty:
        if not isinstance(cell, str):
            continue
        lowered = cell.lower()
        if any(phrase in lowered for phrase in _INSTRUCTION_PHRASES):
            return INSTRUCTION_ROW
        if header_key(cell) in _INSTRUCTION_CELLS:
            return INSTRUCTION_ROW
    return None


def _is_blank(value: Any) -> bool:
    # An API row may carry `"metadata": {}` or `[]` next to empty strings: still an empty row.
    return value is None or value == "" or (isinstance(value, dict | list) and not value)
