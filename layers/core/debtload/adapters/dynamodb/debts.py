"""Debts and timelines in the single table.

A debt is one item of five attributes: its keys, and one JSON document with everything else
(decision 45, as decision 21 did for customers): botocore's serialiser costs per attribute, and a
batch of 1,000 debts must fit the 80 ms budget.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.cursors import decode_cursor, encode_cursor
from debtload.adapters.dynamodb.table import DynamoTable, serialize
from debtload.domain.debts.model import Debt, DebtVersion, ExistingDebt
from debtload.domain.debts.timelines import Timeline

_EXISTING_PROJECTION = "SK, debt"


class DynamoDebtStore:
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def existing_debts(self, tenant_id: str, debt_ids: Sequence[str]) -> dict[str, ExistingDebt]:
        pk = keys.tenant_pk(tenant_id)
        items = self.table.batch_get([(pk, keys.debt_sk(i)) for i in debt_ids], _EXISTING_PROJECTION)
        found: dict[str, ExistingDebt] = {}
        for item in items:
            debt = _debt(item)
            found[debt.debt_id] = debt
        return found

    def write_debts(self, tenant_id: str, debts: Sequence[Debt]) -> None:
        self.table.batch_write(_item(tenant_id, debt) for debt in debts)

    def import_debts(self, tenant_id: str, import_id: str) -> list[Debt]:
        """Every debt whose current version an import wrote (GSI1, read to the end)."""
        found: list[Debt] = []
        start: dict[str, Any] | None = None
        pk = keys.import_debts_gsi_pk(tenant_id, import_id)
        while True:
            items, start = self.table.query(pk, keys.DEBT_PREFIX, start_key=start, index="GSI1")
            found.extend(_debt(item) for item in items)
            if start is None:
                return found

    def delete_debt(self, tenant_id: str, debt: Debt) -> bool:
        """Deletes the debt if it is still the version read; False when it changed meanwhile."""
        client = self.table.client
        try:
            client.delete_item(
                TableName=self.table.name,
                Key=serialize({"PK": keys.tenant_pk(tenant_id), "SK": keys.debt_sk(debt.debt_id)}),
                ConditionExpression="debt = :read",
                ExpressionAttributeValues=serialize({":read": debt.stored}),
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def replace_debt(self, tenant_id: str, debt: Debt, restored: Debt) -> bool:
        """Writes `restored` over `debt` if it is still the version read; False when it changed."""
        client = self.table.client
        try:
            self.table.put(
                _item(tenant_id, restored), condition="debt = :read", values={":read": debt.stored}
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def get_debt(self, tenant_id: str, debt_id: str) -> Debt | None:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.debt_sk(debt_id))
        return _debt(item) if item else None

    def list_debts(
        self, tenant_id: str, import_id: str | None, cursor: str | None, limit: int
    ) -> tuple[list[Debt], str | None]:
        if import_id is None:
            pk, index, prefix = keys.tenant_pk(tenant_id), None, keys.DEBT_PREFIX
        else:
            pk, index, prefix = keys.import_debts_gsi_pk(tenant_id, import_id), "GSI1", keys.DEBT_PREFIX
        start = _own_cursor(decode_cursor(cursor), pk, "GSI1PK" if index else "PK")
        items, last = self.table.query(pk, prefix, limit=limit, start_key=start, index=index)
        return [_debt(item) for item in items], encode_cursor(last)


class DynamoTimelineStore:
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def put_timeline(self, tenant_id: str, timeline: Timeline) -> None:
        self.table.put(
            {
                "PK": keys.tenant_pk(tenant_id),
                "SK": keys.timeline_sk(timeline.timeline_id),
                "name": timeline.name,
                "excluded_weekdays": sorted(timeline.excluded_weekdays),
                "excluded_dates": sorted(d.isoformat() for d in timeline.excluded_dates),
                "created_at": timeline.created_at,
            },
            condition="attribute_not_exists(PK)",
        )

    def get_timelines(self, tenant_id: str, timeline_ids: Sequence[str]) -> dict[str, Timeline]:
        pk = keys.tenant_pk(tenant_id)
        items = self.table.batch_get([(pk, keys.timeline_sk(i)) for i in timeline_ids])
        timelines = (_timeline(item) for item in items)
        return {t.timeline_id: t for t in timelines}

    def list_timelines(self, tenant_id: str) -> list[Timeline]:
        timelines: list[Timeline] = []
        start: dict[str, Any] | None = None
        while True:  # a tenant has a handful of timelines; read them all
            items, start = self.table.query(keys.tenant_pk(tenant_id), keys.TIMELINE_PREFIX, start_key=start)
            timelines.extend(_timeline(item) for item in items)
            if start is None:
                return timelines


def _own_cursor(start: Mapping[str, Any] | None, pk: str, pk_name: str) -> dict[str, Any] | None:
    """A cursor is the last key of a page; one naming another partition is refused, not queried."""
    if start is None:
        return None
    if start.get(pk_name) != pk:
        raise ValueError("invalid cursor")
    return dict(start)


def _item(tenant_id: str, debt: Debt) -> dict[str, Any]:
    document: dict[str, Any] = {
        "import_id": debt.import_id,
        "created_import_id": debt.created_import_id,
        "created_at": debt.created_at,
        "updated_at": debt.updated_at,
        "fields": debt.fields,
    }
    if debt.patched_at is not None:
        document["patched_at"] = debt.patched_at
    if debt.previous is not None:
        document["previous"] = debt.previous.to_json()
    return {
        "PK": keys.tenant_pk(tenant_id),
        "SK": keys.debt_sk(debt.debt_id),
        "GSI1PK": keys.import_debts_gsi_pk(tenant_id, debt.import_id),
        "GSI1SK": keys.debt_sk(debt.debt_id),
        "debt": json.dumps(document, separators=(",", ":"), ensure_ascii=False),
    }


def _debt(item: Mapping[str, Any]) -> Debt:
    stored = str(item["debt"])
    document = json.loads(stored)
    previous = document.get("previous")
    return Debt(
        debt_id=str(item["SK"]).removeprefix(keys.DEBT_PREFIX),
        import_id=str(document["import_id"]),
        created_import_id=str(document["created_import_id"]),
        fields=document["fields"],
        created_at=str(document["created_at"]),
        updated_at=str(document["updated_at"]),
        patched_at=document.get("patched_at"),
        previous=DebtVersion.from_json(previous) if isinstance(previous, dict) else None,
        stored=stored,
    )


def _timeline(item: Mapping[str, Any]) -> Timeline:
    return Timeline(
        timeline_id=str(item["SK"]).removeprefix(keys.TIMELINE_PREFIX),
        name=str(item["name"]),
        excluded_weekdays=frozenset(int(d) for d in item.get("excluded_weekdays") or []),
        excluded_dates=frozenset(date.fromisoformat(str(d)) for d in item.get("excluded_dates") or []),
        created_at=str(item.get("created_at", "")),
    )
