"""From a file's columns to what a row processor receives: headers matched to fields, unknown
columns kept in `metadata`, French numbers and dates rewritten in the API's formats.

A value that cannot be read (an amount of "abc", a date of 31/02/2026) is passed on unchanged, so
the kind's own validation, the same as the API's, rejects the row with its usual message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from debtload.domain.file_import.headers import header_key
from debtload.domain.file_import.kinds import FieldType, KindSpec
from debtload.validation.amounts import parse_french_number
from debtload.validation.dates import parse_flexible_date

ROW_ERROR = "__error__"  # a row the reader already failed (e.g. wider than the header)
METADATA = "metadata"


@dataclass(frozen=True, slots=True)
class ColumnMap:
    headers: tuple[str, ...]  # column names as in the file (made unique)
    fields: tuple[str | None, ...]  # the field each column fills; None: kept in metadata

    def mapped(self) -> dict[str, str]:
        return {h: f for h, f in zip(self.headers, self.fields, strict=True) if f is not None}

    def unmapped(self) -> list[str]:
        return [h for h, f in zip(self.headers, self.fields, strict=True) if f is None]

    def to_options(self) -> dict[str, Any]:
        return {"columns": list(self.headers), "fields": [f or "" for f in self.fields]}

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> ColumnMap:
        return cls(tuple(options["columns"]), tuple(f or None for f in options["fields"]))


def map_columns(spec: KindSpec, headers: Sequence[str], saved: Mapping[str, str] | None = None) -> ColumnMap:
    """Each column's field: the tenant's saved mapping first (header_key -> field, mappings.py),
    then the aliases; a field the saved mapping fills from the file is not filled by an alias too."""
    saved = saved or {}
    claimed = {saved[header_key(h)] for h in headers if header_key(h) in saved}
    index = {k: f for k, f in spec.alias_index().items() if f not in claimed}
    return ColumnMap(
        tuple(headers), tuple(saved.get(header_key(h)) or index.get(header_key(h)) for h in headers)
    )


def missing_columns(spec: KindSpec, columns: ColumnMap) -> list[str]:
    """Sentences naming each required column the file lacks, with the names it may go by."""
    present = set(columns.fields)
    problems = []
    for name in spec.required:
        if name not in present:
            problems.append(f"column {name!r} is missing (also accepted: {_aliases(spec, name)})")
    for group in spec.required_any:
        if not present.intersection(group):
            names = " or ".join(repr(n) for n in group)
            problems.append(f"one of the columns {names} is required")
    return problems


def _aliases(spec: KindSpec, name: str) -> str:
    return ", ".join(spec.fields[name].aliases) or "no other name"


def to_record(spec: KindSpec, columns: ColumnMap, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The row as its processor takes it. Empty cells are absent fields, as in a JSON body."""
    record: dict[str, Any] = dict(spec.defaults)
    given: set[str] = set()
    metadata: dict[str, Any] = {}
    for header, name in zip(columns.headers, columns.fields, strict=True):
        value = raw.get(header)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if name is None or name in given:
            metadata[header] = value  # a second column for the same field is kept, not lost
            continue
        record[name] = normalise(spec.fields[name].type, value)
        given.add(name)
    if metadata:
        record[METADATA] = metadata
    return spec.shape(record) if spec.shape else record


_TRUE = frozenset({"true", "1", "yes", "y", "oui", "o", "vrai", "x"})
_FALSE = frozenset({"false", "0", "no", "n", "non", "faux"})


def normalise(kind: FieldType, value: Any) -> Any:
    if kind is FieldType.TEXT:
        if isinstance(value, bool):
            return value
        return value.strip() if isinstance(value, str) else str(value)
    if kind is FieldType.NUMBER:
        return _number(value)
    if kind is FieldType.INTEGER:
        number = _number(value)
        return int(number) if isinstance(number, float) and number.is_integer() else number
    if kind is FieldType.DATE:
        return _date(value)
    if kind is FieldType.DATETIME:
        return _datetime(value)
    if kind is FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else value
    return value


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return value
    if isinstance(value, int | float):
        return value
    parsed = parse_french_number(value.replace("€", "").strip())
    if parsed is None:
        return value.strip()
    return _json_number(parsed)


def _json_number(value: Decimal) -> int | float:
    # Amounts have at most 2 places; float(repr) round-trips them exactly up to 15 digits, and the
    # API's own parsing reads a float through repr.
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    head = text.split("T", 1)[0].split(" ", 1)[0]  # "15/02/2026 00:00" from a date-time column
    parsed = parse_flexible_date(head)
    return parsed.isoformat() if isinstance(parsed, date) else text


def _datetime(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    day, _, clock = text.replace("T", " ", 1).partition(" ")
    parsed = parse_flexible_date(day)
    if parsed is None:
        return text
    if not clock:
        return f"{parsed.isoformat()}T00:00:00"
    clock = clock.strip()
    for pattern in ("%H:%M:%S", "%H:%M", "%Hh%M", "%H:%M:%S%z", "%H:%M:%SZ"):
        try:
            moment = datetime.strptime(clock, pattern)
        except ValueError:
            continue
        suffix = clock[8:] if pattern.endswith(("%z", "Z")) else ""
        return f"{parsed.isoformat()}T{moment.strftime('%H:%M:%S')}{suffix}"
    return text
