"""Import records in the single table: one item per (key, ETag), listed newest first through GSI1."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.jobs import decode_cursor, encode_cursor, outbox_item
from debtload.adapters.dynamodb.table import DynamoTable, set_fields_expression
from debtload.domain.jobs.model import OutboxEvent

_INTERNAL = ("PK", "SK", "GSI1PK", "GSI1SK", "lease_until", "attempt")


def imports_gsi_pk(tenant_id: str) -> str:
    return f"{keys.tenant_pk(tenant_id)}#IMPORTS"


def public_record(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in item.items() if name not in _INTERNAL}


class DynamoImportStore:
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def tenant_exists(self, tenant_id: str) -> bool:
        return self.table.get(keys.tenant_pk(tenant_id), keys.TENANT_SK, consistent=False) is not None

    def campaign_exists(self, tenant_id: str, campaign_id: str) -> bool:
        return self.table.get(keys.tenant_pk(tenant_id), keys.campaign_sk(campaign_id)) is not None

    def register_import(self, tenant_id: str, import_id: str, record: Mapping[str, Any]) -> bool:
        client = self.table.client
        try:
            self.table.put(
                {
                    "PK": keys.tenant_pk(tenant_id),
                    "SK": keys.import_sk(import_id),
                    "GSI1PK": imports_gsi_pk(tenant_id),
                    "GSI1SK": f"{record.get('created_at', '')}#{import_id}",
                    **record,
                },
                condition="attribute_not_exists(PK)",
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def get_import(self, tenant_id: str, import_id: str) -> dict[str, Any] | None:
        return self.table.get(keys.tenant_pk(tenant_id), keys.import_sk(import_id))

    def update_import(self, tenant_id: str, import_id: str, fields: Mapping[str, Any]) -> None:
        expression, values, names = set_fields_expression(fields)
        if expression:
            self.table.update(
                keys.tenant_pk(tenant_id), keys.import_sk(import_id), expression, values or None, names
            )

    def record_completion(
        self, tenant_id: str, import_id: str, fields: Mapping[str, Any], event: OutboxEvent
    ) -> None:
        self.update_import(tenant_id, import_id, fields)
        client = self.table.client
        # An event already in the outbox keeps its delivery state.
        with contextlib.suppress(client.exceptions.ConditionalCheckFailedException):
            self.table.put(outbox_item(event), condition="attribute_not_exists(PK)")

    def list_imports(
        self, tenant_id: str, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        start = decode_cursor(cursor)
        if start is not None and start.get("GSI1PK") != imports_gsi_pk(tenant_id):
            raise ValueError("invalid cursor")  # a cursor of another listing, or made up
        items, last = self.table.query(
            imports_gsi_pk(tenant_id), limit=limit, forward=False, start_key=start, index="GSI1"
        )
        return [public_record(i) for i in items], encode_cursor(last)
