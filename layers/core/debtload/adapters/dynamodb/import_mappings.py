"""The tenants' saved column mappings, one item per tenant and file kind."""

from __future__ import annotations

from typing import Any

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.table import DynamoTable, deserialize, serialize
from debtload.domain.file_import.mappings import ColumnMapping


class DynamoMappingStore:
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def get_mapping(self, tenant_id: str, kind: str) -> ColumnMapping | None:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.import_mapping_sk(kind))
        return _mapping(item) if item is not None else None

    def put_mapping(self, tenant_id: str, mapping: ColumnMapping) -> None:
        self.table.put(
            {
                "PK": keys.tenant_pk(tenant_id),
                "SK": keys.import_mapping_sk(mapping.kind),
                "kind": mapping.kind,
                # A list of pairs keeps the order they were sent in (a map's order is not kept).
                "columns": [[header, name] for header, name in mapping.columns],
                "updated_at": mapping.updated_at,
            }
        )

    def delete_mapping(self, tenant_id: str, kind: str) -> ColumnMapping | None:
        response = self.table.client.delete_item(
            TableName=self.table.name,
            Key=serialize({"PK": keys.tenant_pk(tenant_id), "SK": keys.import_mapping_sk(kind)}),
            ReturnValues="ALL_OLD",
        )
        old = response.get("Attributes")
        return _mapping(deserialize(old)) if old else None


def _mapping(item: dict[str, Any]) -> ColumnMapping:
    return ColumnMapping(
        kind=str(item["kind"]),
        columns=tuple((str(header), str(name)) for header, name in item.get("columns", [])),
        updated_at=item.get("updated_at"),
    )
