"""Whether a collection may still be canceled, and canceling it.

A collection can be canceled until it is exported (in a bank file), failed or canceled. The store
writes the cancel only if the status is still the one read here, so a collection exported between
the read and the write is refused with the status it has now.
"""

from __future__ import annotations

from dataclasses import replace

from debtload.domain.collections.model import CANCELABLE, CANCELED, Collection
from debtload.domain.collections.ports import CollectionStore
from debtload.domain.errors import Conflict, NotFound


def may_cancel(collection: Collection) -> bool:
    return collection.status in CANCELABLE


def cancel_collection(store: CollectionStore, tenant_id: str, collection_id: str, now: str) -> Collection:
    """The canceled collection; NotFound when unknown, Conflict when it may no longer be canceled."""
    current = store.get(tenant_id, collection_id)
    if current is None:
        raise NotFound("Collection not found")
    if not may_cancel(current):
        raise Conflict(
            f"The collection is {current.status} and can no longer be canceled",
            {"status": current.status},
        )
    canceled = replace(current, status=CANCELED, updated_at=now)
    if not store.save_canceled(tenant_id, current, canceled):
        latest = store.get(tenant_id, collection_id)
        raise Conflict(
            "The collection changed and can no longer be canceled",
            {"status": latest.status if latest else "unknown"},
        )
    return canceled
