"""POST /imports/{import_id}/undo: remove what one import (a dropped debts file, or a POST
/debts/batch) wrote, and give the debts it updated their previous version back.

Per debt whose current version the import wrote:
- changed after it (a PATCH): kept, `changed_after_import`;
- created by it: deleted;
- updated by it, with the version it replaced kept at upsert time: that version is written back;
- updated by it with no kept version (written before versions were kept, or that version was
  itself restored): kept, `previous_version_unknown`.
Every write is conditional on the debt being still the version read: one that changed meanwhile is
kept, `changed_during_undo`. A debt a later import took over is no longer the import's and is kept
as it is (not listed). Credits are not refunded.

A notes file: each note its job wrote (not a row that found its note already there by externalRef)
is deleted; notes are never changed after, so none is kept.

A customers file: each customer its chunks added (new to the campaign, recorded before the write)
is deleted if that import still wrote it last; one a later import or bulk rewrote is kept
(`changed_after_import`). A customer it updated keeps its values; call runs it started stay.

A collections file: each of its collections still `confirmed` is canceled (conditional on that
status, out of the export queue, counted on its bulk); an exported one is kept, `exported`.

The answer is stored once; undoing again answers it again and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Final, Protocol

from debtload.domain.collections.model import CANCELED, CONFIRMED, EXPORTED, Collection
from debtload.domain.debts.model import Debt
from debtload.domain.errors import Conflict, NotFound, Unprocessable

RUNNING: Final = frozenset({"received", "reading", "processing", "queued"})
UNDOABLE_KINDS: Final = frozenset({"debts", "collections", "notes", "customers"})
CHANGED_AFTER: Final = "changed_after_import"
UNKNOWN_PREVIOUS: Final = "previous_version_unknown"
CHANGED_DURING: Final = "changed_during_undo"
WAS_EXPORTED: Final = "exported"
PAGE: Final = 100


class ImportRunning(Conflict):
    code = "import_running"


class UndoNotSupported(Unprocessable):
    code = "undo_not_supported"


class UndoableDebts(Protocol):
    def import_debts(self, tenant_id: str, import_id: str) -> list[Debt]: ...

    def delete_debt(self, tenant_id: str, debt: Debt) -> bool:
        """Delete if still the version read; False when it changed."""
        ...

    def replace_debt(self, tenant_id: str, debt: Debt, restored: Debt) -> bool:
        """Write `restored` if `debt` is still the version read; False when it changed."""
        ...


class UndoableCollections(Protocol):
    def list_bulk(
        self, tenant_id: str, bulk_id: str, status: str | None, page_token: str | None, size: int
    ) -> tuple[list[Collection], str | None, str | None]: ...

    def save_canceled(self, tenant_id: str, current: Collection, canceled: Collection) -> bool:
        """Write `canceled` if the stored status is still `current`'s; False when it changed."""
        ...


class UndoableNotes(Protocol):
    def job_notes(self, tenant_id: str, job_id: str) -> list[tuple[str, str]]:
        """The (case_id, note_id) a job wrote, as its chunks recorded them."""
        ...

    def delete_note(self, tenant_id: str, case_id: str, note_id: str) -> bool:
        """False when the note is no longer there."""
        ...


class UndoableCustomers(Protocol):
    def job_customers(self, tenant_id: str, job_id: str) -> list[str]:
        """The customer ids a job added to its campaign, as its chunks recorded them."""
        ...

    def delete_import_customer(
        self, tenant_id: str, campaign_id: str, customer_id: str, import_id: str
    ) -> bool:
        """Delete if `import_id` wrote it last; False otherwise or when gone."""
        ...

    def get_customer(self, tenant_id: str, campaign_id: str, customer_id: str) -> dict[str, Any] | None: ...


class UndoRecords(Protocol):
    def get_import(self, tenant_id: str, import_id: str) -> dict[str, Any] | None: ...

    def get_undo(self, tenant_id: str, import_id: str) -> dict[str, Any] | None: ...

    def save_undo(self, tenant_id: str, import_id: str, answer: Mapping[str, Any], is_file: bool) -> bool:
        """Store the answer (and `undone_at` on a file's import record) once; False if already there."""
        ...


@dataclass(frozen=True, slots=True)
class DebtAction:
    debt: Debt
    restore: Debt | None = None  # None: delete
    kept: str | None = None  # a reason: nothing written


def plan_debt(debt: Debt, import_id: str) -> DebtAction:
    if debt.patched_at is not None:
        return DebtAction(debt, kept=CHANGED_AFTER)
    if debt.created_import_id == import_id:
        return DebtAction(debt)
    previous = debt.previous
    if previous is None or previous.import_id == import_id:
        return DebtAction(debt, kept=UNKNOWN_PREVIOUS)
    return DebtAction(debt, restore=previous.as_debt(debt.debt_id))


def undo_import(
    debts: UndoableDebts,
    records: UndoRecords,
    tenant_id: str,
    import_id: str,
    *,
    now: str,
    dry_run: bool,
    collections: UndoableCollections | None = None,
    notes: UndoableNotes | None = None,
    customers: UndoableCustomers | None = None,
) -> dict[str, Any]:
    done = records.get_undo(tenant_id, import_id)
    if done is not None:
        return done
    record = records.get_import(tenant_id, import_id)
    if record is not None:
        if record.get("status") in RUNNING:
            raise ImportRunning(
                "The import is still running; undo it once it has ended",
                {"import_id": import_id, "status": record.get("status")},
            )
        if record.get("kind") not in UNDOABLE_KINDS:
            raise UndoNotSupported(
                "This kind of import cannot be undone",
                {"kind": record.get("kind"), "undoable": sorted(UNDOABLE_KINDS)},
            )
    counts = {"debts": 0, "customers": 0, "notes": 0, "collections": 0}
    kept: list[dict[str, str]] = []
    if record is not None and record.get("kind") == "collections":
        assert collections is not None
        found: list[Debt] = []
        _undo_collections(collections, tenant_id, import_id, now, dry_run, counts, kept)
    elif record is not None and record.get("kind") == "customers":
        assert customers is not None
        found = []
        campaign_id = str(record.get("campaign_id") or "")
        for customer_id in dict.fromkeys(customers.job_customers(tenant_id, import_id)):
            if dry_run or customers.delete_import_customer(tenant_id, campaign_id, customer_id, import_id):
                counts["customers"] += 1
            elif customers.get_customer(tenant_id, campaign_id, customer_id) is not None:
                kept.append({"kind": "customer", "id": customer_id, "reason": CHANGED_AFTER})
    elif record is not None and record.get("kind") == "notes":
        assert notes is not None
        found = []
        for case_id, note_id in dict.fromkeys(notes.job_notes(tenant_id, import_id)):
            if dry_run or notes.delete_note(tenant_id, case_id, note_id):
                counts["notes"] += 1
    else:
        found = debts.import_debts(tenant_id, import_id)
    if record is None and not found:
        raise NotFound("Import not found", {"import_id": import_id})
    for action in sorted((plan_debt(d, import_id) for d in found), key=lambda a: a.debt.debt_id):
        reason = action.kept
        if reason is None and not dry_run:
            if action.restore is None:
                written = debts.delete_debt(tenant_id, action.debt)
            else:
                written = debts.replace_debt(tenant_id, action.debt, action.restore)
            reason = None if written else CHANGED_DURING
        if reason is None:
            counts["debts"] += 1
        else:
            kept.append({"kind": "debt", "id": action.debt.debt_id, "reason": reason})
    answer: dict[str, Any] = {
        "import_id": import_id,
        "status": "dry_run" if dry_run else "undone",
        "undone": counts,
        "kept": kept,
        "undone_at": None if dry_run else now,
    }
    if dry_run:
        return answer
    if not records.save_undo(tenant_id, import_id, answer, is_file=record is not None):
        stored = records.get_undo(tenant_id, import_id)  # a concurrent undo stored its answer first
        return stored if stored is not None else answer
    return answer


def _all(store: UndoableCollections, tenant_id: str, bulk_id: str, status: str) -> list[Collection]:
    found: list[Collection] = []
    token: str | None = None
    while True:
        page, token, _ = store.list_bulk(tenant_id, bulk_id, status, token, PAGE)
        found.extend(page)
        if token is None or not page:
            return found


def _undo_collections(
    store: UndoableCollections,
    tenant_id: str,
    bulk_id: str,
    now: str,
    dry_run: bool,
    counts: dict[str, int],
    kept: list[dict[str, str]],
) -> None:
    for collection in _all(store, tenant_id, bulk_id, CONFIRMED):
        canceled = replace(collection, status=CANCELED, updated_at=now)
        if dry_run or store.save_canceled(tenant_id, collection, canceled):
            counts["collections"] += 1
        else:
            kept.append({"kind": "collection", "id": collection.collection_id, "reason": CHANGED_DURING})
    for collection in _all(store, tenant_id, bulk_id, EXPORTED):
        kept.append({"kind": "collection", "id": collection.collection_id, "reason": WAS_EXPORTED})
