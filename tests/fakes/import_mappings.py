"""An in-memory store of saved column mappings."""

from __future__ import annotations

from debtload.domain.file_import.mappings import ColumnMapping


class InMemoryMappingStore:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], ColumnMapping] = {}
        self.writes = 0

    def get_mapping(self, tenant_id: str, kind: str) -> ColumnMapping | None:
        return self.items.get((tenant_id, kind))

    def put_mapping(self, tenant_id: str, mapping: ColumnMapping) -> None:
        self.items[(tenant_id, mapping.kind)] = mapping
        self.writes += 1

    def delete_mapping(self, tenant_id: str, kind: str) -> ColumnMapping | None:
        return self.items.pop((tenant_id, kind), None)
