"""Writing collections: each one conditional, a confirmed one with its claims, in one transaction.

A confirmed collection is written with the mandate reference's debtor IBAN, its end_to_end_id, and
its place in the export queue. Transactions take up to 100 operations, so collections are written
two dozen at a time; a refused claim takes its collection out of the group, which is tried again
without it.

A collection is written only where none is stored or the stored one failed
(`attribute_not_exists(PK) OR status = failed`). Its id is derived (bulk and row, or the
Idempotency-Key), so a chunk delivered again after a crash, or a request retried, writes the same
ids: unconditional, that write took an exported or canceled collection back to confirmed and queued
it for export again, and the debtor was debited twice (issue 13, defect 2). A collection the
condition keeps is returned as stored, so the caller counts it as its first write did.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.table import DynamoTable, TransactionCancelled
from debtload.domain.collections.model import CONFIRMED, FAILED, PENDING, Collection
from debtload.domain.collections.ports import EndToEndTaken, MandateTaken, Refusal, Saved

_GROUP: Final = 24  # at most 4 operations each: collection, queue entry, mandate, end-to-end id
_WRITABLE: Final = "attribute_not_exists(PK) OR #st = :failed"


class _Owner:
    """Whom a refused operation concerns: the collections its claim (`refusal`) leaves out, or (the
    collection's own conditional put) the one collection already stored."""

    __slots__ = ("collection_ids", "own_put", "refusal")

    def __init__(self, collection_id: str, refusal: Refusal | None, *, own_put: bool = False) -> None:
        self.collection_ids = [collection_id]
        self.refusal = refusal
        self.own_put = own_put


def save_collections(table: DynamoTable, tenant_id: str, collections: Sequence[Collection]) -> Saved:
    saved = Saved()
    for start in range(0, len(collections), _GROUP):
        group = list(collections[start : start + _GROUP])
        while group:
            operations, owners = _operations(tenant_id, group)
            try:
                table.transact(operations)
                break
            except TransactionCancelled as cancelled:
                stored, losers = _refused(cancelled.reasons, owners)
                if not stored and not losers:
                    raise
                if stored:
                    pk = keys.tenant_pk(tenant_id)
                    items = table.batch_get([(pk, keys.collection_sk(i)) for i in stored])
                    saved.kept.update((c.collection_id, c) for c in map(collection_from_item, items))
                saved.refused.update(losers)
                group = [c for c in group if c.collection_id not in stored and c.collection_id not in losers]
    return saved


def _operations(tenant_id: str, group: Sequence[Collection]) -> tuple[list[dict[str, Any]], list[_Owner]]:
    """The transaction's operations, and for each one whom its refusal concerns."""
    pk = keys.tenant_pk(tenant_id)
    operations: list[dict[str, Any]] = []
    owners: list[_Owner] = []
    mandate_at: dict[str, int] = {}
    for collection in group:
        cid = collection.collection_id
        operations.append(
            {
                "Put": {
                    "Item": collection_item(tenant_id, collection),
                    "ConditionExpression": _WRITABLE,
                    "ExpressionAttributeNames": {"#st": "status"},
                    "ExpressionAttributeValues": {":failed": FAILED},
                }
            }
        )
        owners.append(_Owner(cid, None, own_put=True))
        if collection.status not in (CONFIRMED, PENDING):
            continue
        # A pending one (its bulk awaits approval) takes its claims now and joins the export queue
        # only when its bulk is approved (DynamoCollectionStore.confirm_pending).
        if collection.status == CONFIRMED:
            queue_sk = keys.export_queue_sk(str(collection.fields["scheduled_date"]), cid)
            operations.append({"Put": {"Item": {"PK": pk, "SK": queue_sk, "collection_id": cid}}})
            owners.append(_Owner(cid, None))
        mandate = collection.fields["mandate"]
        reference = str(mandate["reference"])
        if reference in mandate_at:  # one operation per item: the batch already agreed on the IBAN
            owners[mandate_at[reference]].collection_ids.append(cid)
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
            owners.append(_Owner(cid, MandateTaken(reference)))
        e2e = collection.fields.get("end_to_end_id")
        if e2e:
            operations.append(
                {
                    "Put": {
                        "Item": {"PK": pk, "SK": keys.end_to_end_sk(str(e2e)), "collection_id": cid},
                        "ConditionExpression": "attribute_not_exists(PK) OR collection_id = :id",
                        "ExpressionAttributeValues": {":id": cid},
                    }
                }
            )
            owners.append(_Owner(cid, EndToEndTaken(str(e2e))))
    return operations, owners


def _refused(reasons: Sequence[str], owners: Sequence[_Owner]) -> tuple[set[str], dict[str, Refusal]]:
    """(ids already stored, refused claims by collection id). A stored collection is its own earlier
    write: its claims are its own, and a claim refused beside it concerns only the others."""
    refusals = [
        owners[i] for i, code in enumerate(reasons) if code == "ConditionalCheckFailed" and i < len(owners)
    ]
    stored = {o.collection_ids[0] for o in refusals if o.own_put}
    losers: dict[str, Refusal] = {}
    for owner in refusals:
        if owner.refusal is not None:
            losers.update((i, owner.refusal) for i in owner.collection_ids if i not in stored)
    return stored, losers


def collection_document(collection: Collection, **changes: Any) -> str:
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


def collection_item(tenant_id: str, collection: Collection) -> dict[str, Any]:
    item: dict[str, Any] = {
        "PK": keys.tenant_pk(tenant_id),
        "SK": keys.collection_sk(collection.collection_id),
        "status": collection.status,
        "collection": collection_document(collection),
    }
    if collection.bulk_id is not None and collection.row is not None:
        item["GSI1PK"] = keys.bulk_collections_gsi_pk(tenant_id, collection.bulk_id)
        item["GSI1SK"] = keys.bulk_collection_gsi_sk(collection.row)
    return item


def collection_from_item(item: Mapping[str, Any]) -> Collection:
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
