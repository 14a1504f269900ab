"""A corrected errors.csv dropped back into imports/<tenant>/<kind>/ (decision 89).

The rule: a file whose last two header cells are `line` (or `row`, as GET /jobs/{id}/rows names it
for a job that was not a file) then `error`, compared as headers are (case, accents, spacing
ignored), with at least one column before them, is a resubmission. Those two columns are the
previous import's bookkeeping, not data: they are dropped from the header and from every row, so
they fill no field, go to no `metadata` and are not listed as ignored columns; the report names them
under `resubmission`. Cells errors.csv neutralised against formulas (`'=...`, `'+336...`) get their
quote back off, so a phone `+33612345678` is read as it was sent.

The rows then import as any drop of their kind does, and their natural keys make that an update
rather than a copy: debts by internal_id, customers by loan_id / lead_id, collections by
end_to_end_id (one already stored fails `duplicate_end_to_end_id`), notes by externalRef on their
case. A row without its key (a debt without internal_id) has nothing to update by: it creates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from debtload.domain.file_import.headers import header_key

POSITION_COLUMNS = frozenset({"line", "row"})
ERROR_COLUMN = "error"
_NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


@dataclass(frozen=True, slots=True)
class Resubmission:
    width: int  # the data columns: the first `width` header cells
    ignored: tuple[str, str]  # the position and error columns, as the file names them

    def header(self, header: Sequence[str]) -> list[str]:
        return [str(restore(h)) for h in header[: self.width]]

    def cells(self, cells: Sequence[Any]) -> list[Any]:
        """A row without its position and error cells; cells past them (a row wider than the header)
        stay, so the row still fails as too wide."""
        return [*(restore(c) for c in cells[: self.width]), *cells[self.width + 2 :]]

    def to_report(self) -> dict[str, Any]:
        return {"ignored_columns": list(self.ignored)}


def detect(header: Sequence[str]) -> Resubmission | None:
    if len(header) < 3:
        return None
    position, error = header[-2], header[-1]
    if header_key(position) in POSITION_COLUMNS and header_key(error) == ERROR_COLUMN:
        return Resubmission(len(header) - 2, (position, error))
    return None


def restore(value: Any) -> Any:
    """The cell as it was before errors.csv neutralised it (spreadsheet_csv.neutralise)."""
    if isinstance(value, str) and value.startswith(_NEUTRALISED):
        return value[1:]
    return value
