"""Rows that are not data (as the Batch Create Debts API skips them): empty rows and the instruction rows of
import templates.

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
# "( Obligatoires )" and the like: a longer cell cannot be just an instruction word.
_LONGEST_INSTRUCTION_CELL: Final = 24
_INSTRUCTION_ROOTS: Final = ("oblig", "requir", "facult", "option")


def skip_reason(cells: Iterable[Any]) -> str | None:
    """Why a row is not data: 'empty row', 'instruction row', or None for a data row.

    An instruction row starts with "*" or carries "champs obligatoires" / "required fields"; a cell
    that is just "obligatoire" (or "(Obligatoire)", "required") marks one too. The word alone inside
    longer text does not: a note saying "paiement obligatoire" is data (decision 32).
    """
    first: Any = None
    texts: list[str] = []
    for cell in cells:
        value = cell
        if isinstance(cell, str):
            value = cell.strip()
            if not value:
                continue
            texts.append(value)
        elif _is_blank(cell):
            continue
        if first is None:
            first = value
    if first is None:
        return EMPTY_ROW
    if isinstance(first, str) and first.startswith("*"):
        return INSTRUCTION_ROW
    # Every row of every batch comes through here: one lowered text and short cells only keep it cheap.
    joined = "\n".join(texts).lower()
    if any(phrase in joined for phrase in _INSTRUCTION_PHRASES):
        return INSTRUCTION_ROW
    if not any(root in joined for root in _INSTRUCTION_ROOTS):
        return None
    if any(
        len(text) <= _LONGEST_INSTRUCTION_CELL and header_key(text) in _INSTRUCTION_CELLS for text in texts
    ):
        return INSTRUCTION_ROW
    return None


def _is_blank(value: Any) -> bool:
    # An API row may carry `"metadata": {}` or `[]` next to empty strings: still an empty row.
    return value is None or value == "" or (isinstance(value, dict | list) and not value)
