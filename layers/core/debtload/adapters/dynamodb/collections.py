"""SEPA collections in the single table.

A confirmed collection is written in one transaction with its claims: the mandate reference's
debtor IBAN, its end_to_end_id, and its place in the export queue. Transactions take up to 100
operations, so collections are written two dozen at a time; a refused claim takes its collection
out of the group, which is tried again without it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.jobs import decode_cursor, encode_cursor
from debtload.adapters.dynamodb.table import DynamoTable, TransactionCancelled
from debtload.domain.collections.model import CANCELABLE, CANCELED, CONFIRMED, EXPORTED, Collection
from debtload.domain.collections.processing import duplicate_e2e, mandate_mismatch
from debtload.domain.collections.rules import Failure
from debtload.domain.errors import Conflict, NotFound

_GROUP: Final = 24  # at most 4 operations each: collection, queue entry, mandate, end-to-end id
_EXPORT_GROUP: Final = 50  # 2 operations each


_FILTERED_READ_SIZE = 1000


class DynamoCollectionStore:
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    # ------------------------------------------------------------------------------------ writing

    def save(self, tenant_id: str, collections: Sequence[Collection]) -> dict[str, Failure]:
        refused: dict[str, Failure] = {}
        plain = [c for c in collections if c.status != CONFIRMED]
        if plain:
            self.table.batch_write(_item(tenant_id, c) for c in plain)
        confirmed = [c for c in collections if c.status == CONFIRMED]
        for start in range(0, len(confirmed), _GROUP):
            group = list(confirmed[start : start + _GROUP])
            while group:
                operations, owners = self._operations(tenant_id, group)
                try:
                    self.table.transact(operations)
                    break
                except TransactionCancelled as cancelled:
                    losers = _refused(cancelled.reasons, owners)
                    if not losers:
                        raise
                    refused.update(losers)
                    group = [c for c in group if c.collection_id not in losers]
        return refused

    def _operations(
        self, tenant_id: str, group: Sequence[Collection]
    ) -> tuple[list[dict[str, Any]], list[tuple[list[str], Failure | None]]]:
        """The transaction's operations, and for each one the collections a refusal would fail."""
        pk = keys.tenant_pk(tenant_id)
        operations: list[dict[str, Any]] = []
        owners: list[tuple[list[str], Failure | None]] = []
        mandate_at: dict[str, int] = {}
        for collection in group:
            operations.append({"Put": {"Item": _item(tenant_id, collection)}})
            owners.append(([collection.collection_id], None))
            queue_sk = keys.export_queue_sk(
                str(collection.fields["scheduled_date"]), collection.collection_id
            )
            operations.append(
                {"Put": {"Item": {"PK": pk, "SK": queue_sk, "collection_id": collection.collection_id}}}
            )
            owners.append(([collection.collection_id], None))
            mandate = collection.fields["mandate"]
            reference = str(mandate["reference"])
            if reference in mandate_at:  # one operation per item: the batch already agreed on the IBAN
                owners[mandate_at[reference]][0].append(collection.collection_id)
            else:
                mandate_at[reference] = len(operations)
                operations.append(
                    {
                        "Put": {
                            "Item": {
                                "PK": pk,
                                "SK": keys.mandate_sk(reference),
                                "iban": mandate["debtor"]["iban"],
                            },
                            "ConditionExpression": "attribute_not_exists(PK) OR iban = :iban",
                            "ExpressionAttributeValues": {":iban": mandate["debtor"]["iban"]},
                        }
                    }
                )
                owners.append(([collection.collection_id], mandate_mismatch(reference)))
            e2e = collection.fields.get("end_to_end_id")
            if e2e:
                operations.append(
                    {
                        "Put": {
                            "Item": {
                                "PK": pk,
                                "SK": keys.end_to_end_sk(str(e2e)),
                                "collection_id": collection.collection_id,
                            },
                            "ConditionExpression": "attribute_not_exists(PK) OR collection_id = :id",
                            "ExpressionAttributeValues": {":id": collection.collection_id},
                        }
                    }
                )
                owners.append(([collection.collection_id], duplicate_e2e(str(e2e))))
        return operations, owners

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

    def cancel(self, tenant_id: str, collection_id: str, now: str) -> Collection:
        current = self.get(tenant_id, collection_id)
        if current is None:
            raise NotFound("Collection not found")
        if current.status not in CANCELABLE:
            raise Conflict(
                f"The collection is {current.status} and can no longer be canceled",
                {"status": current.status},
            )
        pk = keys.tenant_pk(tenant_id)
        cancelled = replace(current, status=CANCELED, updated_at=now)
        operations: list[dict[str, Any]] = [
            {
                "Update": {
                    "Key": {"PK": pk, "SK": keys.collection_sk(collection_id)},
                    "UpdateExpression": "SET #st = :canceled, updated_at = :now, #doc = :doc",
                    "ConditionExpression": "#st IN (:a, :b, :c)",
                    "ExpressionAttributeNames": {"#st": "status", "#doc": "collection"},
                    "ExpressionAttributeValues": {
                        ":canceled": CANCELED,
                        ":now": now,
                        ":doc": _document(cancelled),
                        ":a": CANCELABLE[0],
                        ":b": CANCELABLE[1],
                        ":c": CANCELABLE[2],
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
                latest = self.get(tenant_id, collection_id)
                raise Conflict(
                    "The collection changed and can no longer be canceled",
                    {"status": latest.status if latest else "unknown"},
                ) from error
            raise
        return cancelled

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


def _refused(
    reasons: Sequence[str], owners: Sequence[tuple[list[str], Failure | None]]
) -> dict[str, Failure]:
    refused: dict[str, Failure] = {}
    for index, code in enumerate(reasons):
        if code == "ConditionalCheckFailed" and index < len(owners):
            collection_ids, failure = owners[index]
            if failure is not None:
                refused.update(dict.fromkeys(collection_ids, failure))
    return refused


def _token(direction: str, collection: Collection) -> str | None:
    return encode_cursor(
        {"dir": direction, "row": collection.row, "sk": keys.collection_sk(collection.collection_id)}
    )


def _document(collection: Collection, **changes: Any) -> str:
    data = {
        "id": collection.collection_id,
        "status": collection.status,
        "fields": collection.fields,
        "created_at": collection.created_at,
        "updated_at": collection.updated_at,
        "bulk_id": collection.bulk_id,
        "row": collection.row,
        "failure_code": collection.failure_code,
        "failure_message": collection.failure_message,
        "requested_date": collection.requested_date,
        "export_id": collection.export_id,
    }
    data.update(changes)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _item(tenant_id: str, collection: Collection) -> dict[str, Any]:
    item: dict[str, Any] = {
        "PK": keys.tenant_pk(tenant_id),
        "SK": keys.collection_sk(collection.collection_id),
        "status": collection.status,
        "collection": _document(collection),
    }
    if collection.bulk_id is not None and collection.row is not None:
        item["GSI1PK"] = keys.bulk_collections_gsi_pk(tenant_id, collection.bulk_id)
        item["GSI1SK"] = keys.bulk_collection_gsi_sk(collection.row)
    return item


def _collection(item: Mapping[str, Any]) -> Collection:
    data = json.loads(item["collection"])
    return Collection(
        collection_id=str(data["id"]),
        status=str(item.get("status", data["status"])),
        fields=data["fields"],
        created_at=str(data["created_at"]),
        updated_at=str(data["updated_at"]),
        bulk_id=data.get("bulk_id"),
        row=data.get("row"),
        failure_code=data.get("failure_code"),
        failure_message=data.get("failure_message"),
        requested_date=data.get("requested_date"),
        export_id=data.get("export_id"),
    )
