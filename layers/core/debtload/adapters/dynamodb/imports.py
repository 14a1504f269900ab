"""Import records in the single table: one item per (key, ETag), listed newest first through GSI1."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.cursors import decode_cursor, encode_cursor
from debtload.adapters.dynamodb.jobs import outbox_item
from debtload.adapters.dynamodb.table import DynamoTable, serialize, set_fields_expression
from debtload.domain.jobs.model import OutboxEvent

_INTERNAL = ("PK", "SK", "GSI1PK", "GSI1SK", "lease_until", "attempt", "chunks_sent")
# Imports holding a lease (being read), one small item each, so the lease sweeper finds them with one
# query instead of a scan: the one partition not prefixed by a tenant, read only by the sweeper.
LEASES_PK = "SYSTEM#IMPORT_LEASES"


def _undo_sk(import_id: str) -> str:
    return f"UNDO#{import_id}"


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
        self._index_lease(tenant_id, import_id, record.get("lease_until"))
        return True

    def _index_lease(self, tenant_id: str, import_id: str, lease_until: Any) -> None:
        key = {"PK": LEASES_PK, "SK": f"{tenant_id}#{import_id}"}
        if lease_until is None:
            self.table.client.delete_item(TableName=self.table.name, Key=serialize(key))
        else:
            self.table.put(
                {**key, "tenant_id": tenant_id, "import_id": import_id, "lease_until": lease_until}
            )

    def expired_leases(self, now: str) -> list[tuple[str, str]]:
        """(tenant_id, import_id) of imports whose reader's lease ended before `now`."""
        found: list[tuple[str, str]] = []
        start: dict[str, Any] | None = None
        while True:
            items, start = self.table.query(LEASES_PK, start_key=start)
            found.extend(
                (str(i["tenant_id"]), str(i["import_id"])) for i in items if str(i["lease_until"]) < now
            )
            if start is None:
                return found

    def get_import(self, tenant_id: str, import_id: str) -> dict[str, Any] | None:
        return self.table.get(keys.tenant_pk(tenant_id), keys.import_sk(import_id))

    def get_public_import(self, tenant_id: str, import_id: str) -> dict[str, Any] | None:
        """The import as the tenant sees it: without the table's keys and internal fields."""
        record = self.get_import(tenant_id, import_id)
        return public_record(record) if record is not None else None

    def update_import(self, tenant_id: str, import_id: str, fields: Mapping[str, Any]) -> None:
        expression, values, names = set_fields_expression(fields)
        if expression:
            self.table.update(
                keys.tenant_pk(tenant_id), keys.import_sk(import_id), expression, values or None, names
            )
        if "lease_until" in fields:
            self._index_lease(tenant_id, import_id, fields["lease_until"])

    def record_completion(
        self, tenant_id: str, import_id: str, fields: Mapping[str, Any], event: OutboxEvent
    ) -> None:
        self.update_import(tenant_id, import_id, fields)
        client = self.table.client
        # An event already in the outbox keeps its delivery state.
        with contextlib.suppress(client.exceptions.ConditionalCheckFailedException):
            self.table.put(outbox_item(event), condition="attribute_not_exists(PK)")

    def get_undo(self, tenant_id: str, import_id: str) -> dict[str, Any] | None:
        item = self.table.get(keys.tenant_pk(tenant_id), _undo_sk(import_id))
        return json.loads(str(item["answer"])) if item else None

    def save_undo(self, tenant_id: str, import_id: str, answer: Mapping[str, Any], is_file: bool) -> bool:
        """The undo's answer, once (conditional), and `undone_at` on a file's import record."""
        client = self.table.client
        try:
            self.table.put(
                {
                    "PK": keys.tenant_pk(tenant_id),
                    "SK": _undo_sk(import_id),
                    "answer": json.dumps(answer, separators=(",", ":")),
                },
                condition="attribute_not_exists(PK)",
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False
        if is_file:
            self.update_import(tenant_id, import_id, {"undone_at": answer["undone_at"]})
        else:
            # A POST /debts/batch's activity item stops offering undo (GET /jobs, decision 92).
            with contextlib.suppress(client.exceptions.ConditionalCheckFailedException):
                self.table.update(
                    keys.tenant_pk(tenant_id),
                    keys.debt_batch_sk(import_id),
                    "SET undone_at = :at",
                    values={":at": answer["undone_at"]},
                    condition="attribute_exists(PK)",
                )
        return True

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
