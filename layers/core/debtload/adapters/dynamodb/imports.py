"""Import records in the single table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.table import DynamoTable


class DynamoImportStore:
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def tenant_exists(self, tenant_id: str) -> bool:
        return self.table.get(keys.tenant_pk(tenant_id), keys.TENANT_SK, consistent=False) is not None

    def register_import(self, tenant_id: str, import_id: str, record: Mapping[str, Any]) -> bool:
        client = self.table.client
        try:
            self.table.put(
                {"PK": keys.tenant_pk(tenant_id), "SK": keys.import_sk(import_id), **record},
                condition="attribute_not_exists(PK)",
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def get_import(self, tenant_id: str, import_id: str) -> dict[str, Any] | None:
        return self.table.get(keys.tenant_pk(tenant_id), keys.import_sk(import_id))
