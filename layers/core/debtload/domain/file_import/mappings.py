"""A tenant's saved column mappings: for each file kind, their header names and the field each fills.

A saved mapping is applied to that tenant's drops of that kind before the built-in French and English
aliases (kinds.py): a column it names fills its field, and no alias column fills that field too. Headers
are compared as the aliases are (headers.header_key: case, accents, spacing and punctuation ignored).
PUT replaces the whole mapping; the same body twice stores, and answers, the same mapping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from debtload.domain.errors import NotFound, ValidationFailed
from debtload.domain.file_import.headers import header_key
from debtload.domain.file_import.kinds import KIND_SPECS

# A workbook is read up to 200 columns (workbook_limits.py): a mapping never needs more.
MAX_COLUMNS = 200
MAX_HEADER_LENGTH = 256


class InvalidMapping(ValidationFailed):
    code = "invalid_mapping"


class UnknownField(ValidationFailed):
    code = "unknown_field"


class TooManyColumns(ValidationFailed):
    code = "too_many_columns"


class HeaderTooLong(ValidationFailed):
    code = "header_too_long"


class DuplicateHeader(ValidationFailed):
    code = "duplicate_header"


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    kind: str
    columns: tuple[tuple[str, str], ...]  # (their header, trimmed; our field), in the order sent
    updated_at: str | None = None

    def index(self) -> dict[str, str]:
        """header_key of each header -> its field."""
        return {header_key(header): name for header, name in self.columns}

    def applied_to(self, headers: Sequence[str]) -> dict[str, str]:
        """The file's columns this mapping fills, as named in the file, and their fields."""
        index = self.index()
        return {h: index[header_key(h)] for h in headers if header_key(h) in index}

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "columns": dict(self.columns), "updated_at": self.updated_at}


class MappingStore(Protocol):
    def get_mapping(self, tenant_id: str, kind: str) -> ColumnMapping | None: ...

    def put_mapping(self, tenant_id: str, mapping: ColumnMapping) -> None: ...

    def delete_mapping(self, tenant_id: str, kind: str) -> ColumnMapping | None:
        """Removes the mapping and returns it; None when there was none."""
        ...


def check_kind(kind: str) -> str:
    """An unknown kind is a resource that does not exist: 404, naming the kinds."""
    if kind not in KIND_SPECS:
        kinds = sorted(KIND_SPECS)
        raise NotFound(
            f"Unknown import kind {kind!r}; the kinds are {', '.join(kinds)}",
            {"kind": kind, "valid_kinds": kinds},
        )
    return kind


def parse_mapping(kind: str, body: Any) -> ColumnMapping:
    """The body of PUT /import-mappings/{kind}, checked: {"columns": {"<their header>": "<our field>"}}."""
    spec = KIND_SPECS[check_kind(kind)]
    if not isinstance(body, Mapping) or set(body) != {"columns"}:
        raise InvalidMapping(
            'The body must be an object with one key, "columns"',
            {"body": 'expected {"columns": {"<your header>": "<field>"}}'},
        )
    columns = body["columns"]
    if not isinstance(columns, Mapping) or not columns:
        raise InvalidMapping(
            "columns must be a non-empty object of header -> field (DELETE removes a mapping)",
            {"columns": "expected a non-empty object"},
        )
    if len(columns) > MAX_COLUMNS:
        raise TooManyColumns(
            f"A mapping has at most {MAX_COLUMNS} columns, got {len(columns)}",
            {"columns": f"{len(columns)} columns, at most {MAX_COLUMNS}"},
        )
    pairs: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    unknown: dict[str, Any] = {}
    for raw, name in columns.items():
        header = raw.strip()
        if not header or not header_key(header):
            raise InvalidMapping(
                f"Header {raw!r} has no letter or digit, so no column could match it",
                {"columns": {raw: "empty header"}},
            )
        if len(header) > MAX_HEADER_LENGTH:
            raise HeaderTooLong(
                f"A header has at most {MAX_HEADER_LENGTH} characters; {header[:40]!r}... has {len(header)}",
                {"columns": {header[:MAX_HEADER_LENGTH]: f"{len(header)} characters"}},
            )
        key = header_key(header)
        if key in seen:
            raise DuplicateHeader(
                f"Headers {seen[key]!r} and {header!r} are the same column once case, accents and "
                "spacing are ignored",
                {"columns": {header: f"same column as {seen[key]!r}"}},
            )
        seen[key] = header
        if not isinstance(name, str) or name not in spec.fields:
            unknown[header] = name
            continue
        pairs.append((header, name))
    if unknown:
        valid = list(spec.fields)
        named = ", ".join(f"{h!r} -> {f!r}" for h, f in unknown.items())
        raise UnknownField(
            f"Unknown field for {kind}: {named}; the fields are {', '.join(valid)}",
            {"unknown_fields": unknown, "valid_fields": valid},
        )
    return ColumnMapping(kind, tuple(pairs))


def save_mapping(store: MappingStore, tenant_id: str, kind: str, body: Any, now: str) -> dict[str, Any]:
    """PUT: replaces the mapping. The same columns again change nothing, not even updated_at."""
    mapping = parse_mapping(kind, body)
    current = store.get_mapping(tenant_id, kind)
    if current is not None and current.columns == mapping.columns:
        return current.to_json()
    stored = ColumnMapping(kind, mapping.columns, now)
    store.put_mapping(tenant_id, stored)
    return stored.to_json()


def show_mapping(store: MappingStore, tenant_id: str, kind: str) -> dict[str, Any]:
    mapping = store.get_mapping(tenant_id, check_kind(kind))
    if mapping is None:
        raise NotFound(f"No column mapping saved for {kind}", {"kind": kind})
    return mapping.to_json()


def remove_mapping(store: MappingStore, tenant_id: str, kind: str) -> dict[str, Any]:
    """DELETE: answers the mapping it removed; 404 when there was none."""
    removed = store.delete_mapping(tenant_id, check_kind(kind))
    if removed is None:
        raise NotFound(f"No column mapping saved for {kind}", {"kind": kind})
    return {**removed.to_json(), "deleted": True}
