"""CSV that Excel opens as people expect: UTF-8 with a BOM, and no cell that Excel would run as a
formula (OWASP's CSV injection guidance: prefix such cells with a quote)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

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


def row_outcomes_csv(outcomes: Sequence[Mapping[str, Any]], delimiter: str = ",") -> str:
    """The original columns of each row (in first-seen order), then `row` and `error`."""
    columns: dict[str, None] = {}
    for outcome in outcomes:
        for name in outcome.get("data") or {}:
            columns.setdefault(str(name), None)
    extra = [c for c in ("row", "error") if c not in columns]
    flat = [{**(o.get("data") or {}), "row": o.get("row"), "error": o.get("error") or ""} for o in outcomes]
    return render([*columns, *extra], flat, delimiter)
