"""Collections processed in batches, for the bulk worker and for POST /collections alike: the rules,
the claims of mandate and end-to-end id, and the failures they produce."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from debtload.domain.collections.model import CONFIRMED, FAILED, PENDING, Collection
from debtload.domain.collections.ports import CollectionStore, EndToEndTaken, MandateTaken, Refusal
from debtload.domain.collections.rules import CheckedCollection, Failure, check_collection


@dataclass(frozen=True, slots=True)
class Incoming:
    collection_id: str
    body: Any
    bulk_id: str | None = None
    row: int | None = None


def process(
    store: CollectionStore,
    tenant_id: str,
    incoming: Sequence[Incoming],
    *,
    today: date,
    creditor_id: str | None,
    now: str,
    dry_run: bool = False,
    hold: bool = False,
) -> list[Collection]:
    """Check, claim and store each collection; every one comes back confirmed or failed. With `hold`
    (a bulk awaiting approval) a valid one is stored `pending` instead, its claims taken, and is
    confirmed when the bulk is approved (domain/collections/approval.py)."""
    results: list[Collection] = []
    mandates: dict[str, str] = {}  # reference -> debtor IBAN, within this batch
    e2e_ids: set[str] = set()
    for item in incoming:
        checked = check_collection(item.body, today=today, creditor_id=creditor_id)
        if isinstance(checked, CheckedCollection):
            checked = _batch_conflict(checked, mandates, e2e_ids)
        results.append(_collection(item, checked, now, PENDING if hold else CONFIRMED))
    if dry_run:
        return results
    saved = store.save(tenant_id, results)
    refused = {cid: refusal_failure(refusal) for cid, refusal in saved.refused.items()}
    kept = dict(saved.kept)
    if refused:
        results = [
            c.failed(refused[c.collection_id].code, refused[c.collection_id].message, now)
            if c.collection_id in refused
            else c
            for c in results
        ]
        kept.update(store.save(tenant_id, [c for c in results if c.collection_id in refused]).kept)
    # A collection already stored (a chunk delivered again, a request retried) is reported as it is.
    return [kept.get(c.collection_id, c) for c in results]


def _batch_conflict(
    checked: CheckedCollection, mandates: dict[str, str], e2e_ids: set[str]
) -> CheckedCollection | Failure:
    """The store's claims, applied within one batch before it is written."""
    known = mandates.setdefault(checked.mandate_reference, checked.debtor_iban)
    if known != checked.debtor_iban:
        return mandate_mismatch(checked.mandate_reference)
    e2e = checked.end_to_end_id
    if e2e is not None:
        if e2e in e2e_ids:
            return duplicate_e2e(e2e)
        e2e_ids.add(e2e)
    return checked


def refusal_failure(refusal: Refusal) -> Failure:
    """The failure of a collection the store refused: its claim is held by another collection."""
    if isinstance(refusal, MandateTaken):
        return mandate_mismatch(refusal.reference)
    assert isinstance(refusal, EndToEndTaken)
    return duplicate_e2e(refusal.end_to_end_id)


def mandate_mismatch(reference: str) -> Failure:
    return Failure(
        "mandate_iban_mismatch",
        f"Mandate {reference!r} is already used with another debtor IBAN: a mandate covers one account",
    )


def duplicate_e2e(e2e: str) -> Failure:
    return Failure("duplicate_end_to_end_id", f"end_to_end_id {e2e!r} is already used by another collection")


def _collection(item: Incoming, checked: CheckedCollection | Failure, now: str, valid: str) -> Collection:
    if isinstance(checked, Failure):
        fields = dict(item.body) if isinstance(item.body, dict) else {"body": item.body}
        return Collection(
            collection_id=item.collection_id,
            status=FAILED,
            fields=fields,
            created_at=now,
            updated_at=now,
            bulk_id=item.bulk_id,
            row=item.row,
            failure_code=checked.code,
            failure_message=checked.message,
        )
    return Collection(
        collection_id=item.collection_id,
        status=valid,
        fields=checked.fields,
        created_at=now,
        updated_at=now,
        bulk_id=item.bulk_id,
        row=item.row,
        requested_date=checked.requested_date,
    )
