"""SEPA collections in the single table: reading, cancel and export (writes: collection_writes)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.collection_writes import (
    collection_document as _document,
)
from debtload.adapters.dynamodb.collection_writes import (
    collection_from_item as _collection,
)
from debtload.adapters.dynamodb.collection_writes import (
    save_collections,
)
from debtload.adapters.dynamodb.cursors import decode_cursor, encode_cursor
from debtload.adapters.dynamodb.table import DynamoTable, TransactionCancelled
from debtload.domain.collections.model import CANCELED, CONFIRMED, EXPORTED, PENDING, Collection
from debtload.domain.collections.ports import Saved

_EXPORT_GROUP: Final = 50  # 2 operations each


_FILTERED_READ_SIZE = 1000


class DynamoCollectionStore:
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    # ------------------------------------------------------------------------------------ writing

    def save(self, tenant_id: str, collections: Sequence[Collection]) -> Saved:
        return save_collections(self.table, tenant_id, collections)

    # ------------------------------------------------------------------------------------ reading

    def get(self, tenant_id: str, collection_id: str) -> Collection | None:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.collection_sk(collection_id))
        return _collection(item) if item else None

    def list_bulk(
        self, tenant_id: str, bulk_id: str, status: str | None, page_token: str | None, size: int
    ) -> tuple[list[Collection], str | None, str | None]:
        """A page of the bulk's collections in row order. A token names a row: `next` reads after
        the page's last row, `prev` reads backwards from before its first."""
        pk = keys.bulk_collections_gsi_pk(tenant_id, bulk_id)
        position = decode_cursor(page_token) or {}
        backwards = position.get("dir") == "prev"
        row, sk = position.get("row"), position.get("sk")
        start: dict[str, Any] | None = None
        if page_token is not None:
            if (
                not isinstance(row, int)
                or not isinstance(sk, str)
                or not sk.startswith(keys.COLLECTION_PREFIX)
            ):
                raise ValueError("invalid page_token")
            start = {
                "GSI1PK": pk,
                "GSI1SK": keys.bulk_collection_gsi_sk(row),
                "PK": keys.tenant_pk(tenant_id),
                "SK": sk,
            }
        found: list[Collection] = []
        beyond = False  # whether rows may remain past the page in the reading direction
        # With a status filter most rows read may not match: read wide pages, so 20 failed rows among
        # 5,000 take 5 round trips, not 50. Tokens name the last row returned, not the last row read.
        read_size = size if status is None else max(size, _FILTERED_READ_SIZE)
        while True:
            items, start = self.table.query(
                pk,
                keys.COLLECTION_PREFIX,
                index="GSI1",
                limit=read_size,
                forward=not backwards,
                start_key=start,
            )
            for position_in_page, item in enumerate(items):
                collection = _collection(item)
                if status is None or collection.status == status:
                    found.append(collection)
                    if len(found) == size:
                        beyond = start is not None or position_in_page < len(items) - 1
                        break
            if len(found) == size or start is None:
                break
        if backwards:
            found.reverse()
        if not found:
            return [], None, None
        if backwards:
            next_token, prev_token = _token("next", found[-1]), (_token("prev", found[0]) if beyond else None)
        else:
            next_token = _token("next", found[-1]) if beyond else None
            prev_token = _token("prev", found[0]) if page_token is not None else None
        return found, next_token, prev_token

    def bulk_canceled(self, tenant_id: str, bulk_id: str) -> int:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.job_sk(bulk_id))
        return int((item or {}).get("collections_canceled", 0))

    # ------------------------------------------------------------------------------------ cancel

    def save_canceled(self, tenant_id: str, current: Collection, canceled: Collection) -> bool:
        """Write `canceled` over `current`, out of the export queue and counted on its bulk, if the
        stored status is still `current`'s; False when it changed meanwhile."""
        pk = keys.tenant_pk(tenant_id)
        collection_id = current.collection_id
        operations: list[dict[str, Any]] = [
            {
                "Update": {
                    "Key": {"PK": pk, "SK": keys.collection_sk(collection_id)},
                    "UpdateExpression": "SET #st = :canceled, updated_at = :now, #doc = :doc",
                    "ConditionExpression": "#st = :read",
                    "ExpressionAttributeNames": {"#st": "status", "#doc": "collection"},
                    "ExpressionAttributeValues": {
                        ":canceled": canceled.status,
                        ":now": canceled.updated_at,
                        ":doc": _document(canceled),
                        ":read": current.status,
                    },
                }
            },
            {
                "Delete": {
                    "Key": {
                        "PK": pk,
                        "SK": keys.export_queue_sk(str(current.fields["scheduled_date"]), collection_id),
                    }
                }
            },
        ]
        if current.bulk_id:
            operations.append(
                {
                    "Update": {
                        "Key": {"PK": pk, "SK": keys.job_sk(current.bulk_id)},
                        "UpdateExpression": "ADD collections_canceled :one",
                        "ExpressionAttributeValues": {":one": 1},
                    }
                }
            )
        try:
            self.table.transact(operations)
        except TransactionCancelled as error:
            if "ConditionalCheckFailed" in error.reasons:
                return False
            raise
        return True

    # ------------------------------------------------------------------------------------ approval

    def confirm_pending(self, tenant_id: str, collections: Sequence[Collection], now: str) -> list[str]:
        """Each collection still pending (its bulk approved) becomes confirmed and joins the export
        queue; one no longer pending (canceled meanwhile, or confirmed by a retry) is left out."""
        pk = keys.tenant_pk(tenant_id)

        def operations(c: Collection) -> list[dict[str, Any]]:
            queue_sk = keys.export_queue_sk(str(c.fields["scheduled_date"]), c.collection_id)
            return [
                _from_pending(pk, c, CONFIRMED, now),
                {"Put": {"Item": {"PK": pk, "SK": queue_sk, "collection_id": c.collection_id}}},
            ]

        return self._from_pending_groups(collections, operations, lambda group: [])

    def cancel_pending(self, tenant_id: str, collections: Sequence[Collection], now: str) -> list[str]:
        """Each collection still pending (its bulk rejected) becomes canceled, counted on its bulk."""
        pk = keys.tenant_pk(tenant_id)

        def counted(group: Sequence[Collection]) -> list[dict[str, Any]]:
            bulk_id = group[0].bulk_id
            if not bulk_id:
                return []
            return [
                {
                    "Update": {
                        "Key": {"PK": pk, "SK": keys.job_sk(bulk_id)},
                        "UpdateExpression": "ADD collections_canceled :n",
                        "ExpressionAttributeValues": {":n": len(group)},
                    }
                }
            ]

        return self._from_pending_groups(
            collections, lambda c: [_from_pending(pk, c, CANCELED, now)], counted
        )

    def _from_pending_groups(
        self,
        collections: Sequence[Collection],
        operations: Callable[[Collection], list[dict[str, Any]]],
        extra: Callable[[Sequence[Collection]], list[dict[str, Any]]],
    ) -> list[str]:
        moved: list[str] = []
        for start in range(0, len(collections), _EXPORT_GROUP):
            group = list(collections[start : start + _EXPORT_GROUP])
            while group:
                ops: list[dict[str, Any]] = []
                owner: list[str] = []
                for c in group:
                    for op in operations(c):
                        ops.append(op)
                        owner.append(c.collection_id)
                try:
                    self.table.transact(ops + extra(group))
                    moved.extend(c.collection_id for c in group)
                    break
                except TransactionCancelled as cancelled:
                    gone = {
                        owner[i]
                        for i, code in enumerate(cancelled.reasons)
                        if code == "ConditionalCheckFailed" and i < len(owner)
                    }
                    if not gone:
                        raise
                    group = [c for c in group if c.collection_id not in gone]
        return moved

    # ------------------------------------------------------------------------------------ export

    def due_for_export(self, tenant_id: str, until: str) -> list[Collection]:
        pk = keys.tenant_pk(tenant_id)
        ids: list[str] = []
        start: dict[str, Any] | None = None
        while True:
            items, start = self.table.query(pk, keys.EXPORT_QUEUE_PREFIX, start_key=start)
            for item in items:
                collection_date = str(item["SK"]).removeprefix(keys.EXPORT_QUEUE_PREFIX).split("#", 1)[0]
                if collection_date > until:
                    start = None
                    break
                ids.append(str(item["collection_id"]))
            if start is None:
                break
        found = self.table.batch_get([(pk, keys.collection_sk(i)) for i in ids]) if ids else []
        collections = [_collection(item) for item in found]
        return sorted(
            (c for c in collections if c.status == CONFIRMED),
            key=lambda c: (c.fields["scheduled_date"], c.collection_id),
        )

    def mark_exported(
        self, tenant_id: str, export_id: str, collections: Sequence[Collection], now: str
    ) -> list[str]:
        pk = keys.tenant_pk(tenant_id)
        exported: list[str] = []
        for start in range(0, len(collections), _EXPORT_GROUP):
            group = list(collections[start : start + _EXPORT_GROUP])
            while group:
                operations: list[dict[str, Any]] = []
                for c in group:
                    operations.append(
                        {
                            "Update": {
                                "Key": {"PK": pk, "SK": keys.collection_sk(c.collection_id)},
                                "UpdateExpression": "SET #st = :exported, updated_at = :now, #doc = :doc",
                                "ConditionExpression": "#st = :confirmed",
                                "ExpressionAttributeNames": {"#st": "status", "#doc": "collection"},
                                "ExpressionAttributeValues": {
                                    ":exported": EXPORTED,
                                    ":confirmed": CONFIRMED,
                                    ":now": now,
                                    ":doc": _document(
                                        c, status=EXPORTED, updated_at=now, export_id=export_id
                                    ),
                                },
                            }
                        }
                    )
                    operations.append(
                        {
                            "Delete": {
                                "Key": {
                                    "PK": pk,
                                    "SK": keys.export_queue_sk(
                                        str(c.fields["scheduled_date"]), c.collection_id
                                    ),
                                }
                            }
                        }
                    )
                try:
                    self.table.transact(operations)
                    exported.extend(c.collection_id for c in group)
                    break
                except TransactionCancelled as cancelled:
                    # Canceled (or exported) meanwhile: leave those out, export the others.
                    gone = {
                        group[i // 2].collection_id
                        for i, code in enumerate(cancelled.reasons)
                        if code == "ConditionalCheckFailed"
                    }
                    if not gone:
                        raise
                    group = [c for c in group if c.collection_id not in gone]
        return exported

    def put_export(self, tenant_id: str, export: Mapping[str, Any]) -> None:
        self.table.put(
            {
                "PK": keys.tenant_pk(tenant_id),
                "SK": keys.export_sk(str(export["id"])),
                "export": json.dumps(export, separators=(",", ":")),
            }
        )

    def get_export(self, tenant_id: str, export_id: str) -> dict[str, Any] | None:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.export_sk(export_id))
        return dict(json.loads(item["export"])) if item else None


def _from_pending(pk: str, collection: Collection, status: str, now: str) -> dict[str, Any]:
    return {
        "Update": {
            "Key": {"PK": pk, "SK": keys.collection_sk(collection.collection_id)},
            "UpdateExpression": "SET #st = :to, updated_at = :now, #doc = :doc",
            "ConditionExpression": "#st = :pending",
            "ExpressionAttributeNames": {"#st": "status", "#doc": "collection"},
            "ExpressionAttributeValues": {
                ":to": status,
                ":pending": PENDING,
                ":now": now,
                ":doc": _document(collection, status=status, updated_at=now),
            },
        }
    }


def _token(direction: str, collection: Collection) -> str | None:
    return encode_cursor(
        {"dir": direction, "row": collection.row, "sk": keys.collection_sk(collection.collection_id)}
    )
