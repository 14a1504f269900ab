"""CSV that Excel opens as people expect: UTF-8 with a BOM, and no cell that Excel would run as a
formula (OWASP's CSV injection guidance: prefix such cells with a quote)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

BOM = "\ufeff"
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


def render(columns: Sequence[str], rows: Iterable[Mapping[str, Any]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in columns])
    for row in rows:
        writer.writerow([neutralise(row.get(column)) for column in columns])
    return buffer.getvalue()


class RowsCsvWriter:
    """The failed-rows CSV, written one outcome at a time: the job's data columns, then the row's
    position (`line` for a file import, `row` for any other job) and `error`.

    One writer for both copies of a file import's failed rows, `<file>.errors.csv` (report.py) and
    `GET /jobs/{id}/rows` with `Accept: text/csv`, so the two are the same bytes for the same rows
    (decision 89). The file import reads such a file back by its last two columns (resubmit.py)."""

    def __init__(
        self, text: IO[str], columns: Sequence[str], *, delimiter: str = ",", position: str = "line"
    ) -> None:
        self._columns = list(columns)
        text.write(BOM)
        self._writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
        self._writer.writerow([neutralise(c) for c in [*self._columns, position, "error"]])

    def write(self, outcome: Mapping[str, Any]) -> None:
        data = outcome.get("data") or {}
        cells = [neutralise(data.get(c)) for c in self._columns]
        self._writer.writerow(
            [*cells, neutralise(outcome.get("row")), neutralise(outcome.get("error") or "")]
        )


def row_outcomes_csv(
    outcomes: Sequence[Mapping[str, Any]],
    delimiter: str = ",",
    columns: Sequence[str] | None = None,
    position: str = "row",
) -> str:
    """Row outcomes as CSV. `columns` are a file import's columns (as its errors.csv lists them);
    without them, the columns of the rows' data in first-seen order."""
    if columns is None:
        seen: dict[str, None] = {}
        for outcome in outcomes:
            for name in outcome.get("data") or {}:
                if str(name) not in (position, "error"):
                    seen.setdefault(str(name), None)
        columns = list(seen)
    buffer = io.StringIO()
    writer = RowsCsvWriter(buffer, columns, delimiter=delimiter, position=position)
    for outcome in outcomes:
        writer.write(outcome)
    return buffer.getvalue()
