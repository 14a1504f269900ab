"""Tenants, API keys, credits and tenant settings in the single table."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.cursors import decode_cursor, encode_cursor
from debtload.adapters.dynamodb.table import DynamoTable, TransactionCancelled, set_fields_expression
from debtload.domain.credits import CreditsView, LedgerEntry
from debtload.domain.errors import Conflict, NotFound
from debtload.domain.tenants import ApiKeyRecord, Tenant


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class DynamoTenantRepository:
    """Implements TenantRepository, CreditsRepository and TenantSettingsRepository."""

    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    # tenants and keys
    def create_tenant(self, tenant: Tenant, key: ApiKeyRecord, initial_credits: int) -> None:
        pk = keys.tenant_pk(tenant.tenant_id)
        operations: list[dict[str, Any]] = [
            {
                "Put": {
                    "Item": {
                        "PK": pk,
                        "SK": keys.TENANT_SK,
                        "name": tenant.name,
                        "created_at": tenant.created_at,
                    },
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            {"Put": {"Item": self._key_item(key)}},
            {"Put": {"Item": {"PK": pk, "SK": keys.CREDITS_SK, "balance": 0}}},
        ]
        try:
            self.table.transact(operations)
        except TransactionCancelled as error:
            raise Conflict(f"Tenant {tenant.tenant_id} already exists") from error
        if initial_credits:
            self.add(tenant.tenant_id, initial_credits, "initial credits", f"initial-{tenant.tenant_id}")

    def add_api_key(self, key: ApiKeyRecord) -> None:
        if self.get_tenant(key.tenant_id) is None:
            raise NotFound(f"Tenant {key.tenant_id} not found")
        self.table.put(self._key_item(key))

    @staticmethod
    def _key_item(key: ApiKeyRecord) -> dict[str, Any]:
        return {
            "PK": keys.tenant_pk(key.tenant_id),
            "SK": keys.api_key_sk(key.key_hash),
            "key_id": key.key_id,
            "scopes": sorted(key.scopes),
            "created_at": key.created_at,
            "revoked": key.revoked,
        }

    def find_api_key(self, tenant_id: str, key_hash: str) -> ApiKeyRecord | None:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.api_key_sk(key_hash), consistent=False)
        return _key_record(tenant_id, item) if item else None

    def list_api_keys(self, tenant_id: str) -> list[ApiKeyRecord]:
        records: list[ApiKeyRecord] = []
        start: dict[str, Any] | None = None
        while True:
            items, start = self.table.query(keys.tenant_pk(tenant_id), keys.api_key_sk(""), start_key=start)
            records.extend(_key_record(tenant_id, item) for item in items)
            if start is None:
                return records

    def revoke_api_key(self, tenant_id: str, key_hash: str) -> None:
        try:
            self.table.update(
                keys.tenant_pk(tenant_id),
                keys.api_key_sk(key_hash),
                "SET revoked = :true, revoked_at = :now",
                {":true": True, ":now": _now()},
                condition="attribute_exists(PK)",
            )
        except self.table.client.exceptions.ConditionalCheckFailedException as error:
            raise NotFound(f"No key of tenant {tenant_id} has hash {key_hash[:16]}") from error

    def get_tenant(self, tenant_id: str) -> Tenant | None:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.TENANT_SK)
        if item is None:
            return None
        return Tenant(tenant_id=tenant_id, name=item["name"], created_at=item["created_at"])

    # credits
    def add(self, tenant_id: str, amount: int, reason: str, entry_id: str) -> int:
        try:
            self.table.transact(ledger_operations(tenant_id, amount, reason, entry_id, must_cover=False))
        except TransactionCancelled as error:
            if error.reasons and error.reasons[0] != "ConditionalCheckFailed":
                raise  # a condition failure means this entry was applied before: a replay changes nothing
        return self.balance(tenant_id)

    def charge(self, tenant_id: str, amount: int, reason: str, entry_id: str) -> bool:
        try:
            self.table.transact(ledger_operations(tenant_id, -amount, reason, entry_id, must_cover=True))
        except TransactionCancelled as error:
            if error.reasons and error.reasons[0] == "ConditionalCheckFailed":
                return True  # charged before under this entry id: a replay is not charged twice
            if len(error.reasons) > 1 and error.reasons[1] == "ConditionalCheckFailed":
                return False  # the balance does not cover it
            raise
        return True

    def balance(self, tenant_id: str) -> int:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.CREDITS_SK)
        return int(item.get("balance", 0)) if item else 0

    def view(self, tenant_id: str, ledger_limit: int, cursor: str | None = None) -> CreditsView:
        pk = keys.tenant_pk(tenant_id)
        start = decode_cursor(cursor)
        if start is not None and (
            set(start) != {"PK", "SK"} or start["PK"] != pk or not str(start["SK"]).startswith("LEDGER#")
        ):
            raise ValueError("invalid cursor")  # another listing's, another tenant's, or made up
        items, last = self.table.query(pk, "LEDGER#", limit=ledger_limit, forward=False, start_key=start)
        balance = self.balance(tenant_id)
        ledger = tuple(
            LedgerEntry(
                entry_id=item["entry_id"],
                amount=int(item["amount"]),
                reason=item.get("reason", ""),
                created_at=item["created_at"],
            )
            for item in items
        )
        return CreditsView(balance=balance, ledger=ledger, next_cursor=encode_cursor(last))

    # settings
    def get_settings(self, tenant_id: str) -> dict[str, Any]:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.SETTINGS_SK) or {}
        return {k: v for k, v in item.items() if k not in ("PK", "SK")}

    def update_settings(self, tenant_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        expression, values, names = set_fields_expression(changes)
        updated = self.table.update(
            keys.tenant_pk(tenant_id), keys.SETTINGS_SK, expression, values=values or None, names=names
        )
        return {k: v for k, v in updated.items() if k not in ("PK", "SK")}


# Positions in ledger_operations(): callers read TransactionCancelled.reasons by them.
LEDGER_MARKER = 0
LEDGER_BALANCE = 1


def ledger_operations(
    tenant_id: str, amount: int, reason: str, entry_id: str, *, must_cover: bool
) -> list[dict[str, Any]]:
    """The marker that makes an entry apply once, the balance change, and the ledger line, written in
    one transaction (other operations may join it). With `must_cover`, the balance must cover the
    debit. Every credit movement goes through here."""
    pk = keys.tenant_pk(tenant_id)
    created_at = _now()
    balance: dict[str, Any] = {
        "Key": {"PK": pk, "SK": keys.CREDITS_SK},
        "UpdateExpression": "ADD balance :amount",
        "ExpressionAttributeValues": {":amount": amount},
    }
    if must_cover:
        balance["ConditionExpression"] = "balance >= :cover"
        balance["ExpressionAttributeValues"][":cover"] = -amount
    return [
        {
            "Put": {
                "Item": {"PK": pk, "SK": keys.ledger_ref_sk(entry_id), "created_at": created_at},
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        },
        {"Update": balance},
        {
            "Put": {
                "Item": {
                    "PK": pk,
                    "SK": keys.ledger_sk(created_at, entry_id),
                    "entry_id": entry_id,
                    "amount": amount,
                    "reason": reason,
                    "created_at": created_at,
                }
            }
        },
    ]


def _key_record(tenant_id: str, item: Mapping[str, Any]) -> ApiKeyRecord:
    return ApiKeyRecord(
        tenant_id=tenant_id,
        key_hash=str(item["SK"]).removeprefix(keys.api_key_sk("")),
        key_id=item["key_id"],
        scopes=frozenset(item.get("scopes", [])),
        created_at=item.get("created_at", ""),
        revoked=bool(item.get("revoked", False)),
    )
