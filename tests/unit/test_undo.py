"""Undo an import: created debts deleted, updated ones restored, changed ones kept (domain/undo.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from debtload.domain import undo
from debtload.domain.collections.model import Collection
from debtload.domain.debts import batch, single
from debtload.domain.errors import NotFound
from tests.fakes.debts import MemoryDebts, services

NOW = datetime(2026, 12, 4, 10, tzinfo=UTC)
T = "t1"


class Records:
    def __init__(self, imports: dict[str, dict[str, Any]] | None = None) -> None:
        self.imports = imports or {}
        self.undos: dict[str, dict[str, Any]] = {}

    def get_import(self, tenant_id: str, import_id: str) -> dict[str, Any] | None:
        return self.imports.get(import_id)

    def get_undo(self, tenant_id: str, import_id: str) -> dict[str, Any] | None:
        return self.undos.get(import_id)

    def save_undo(self, tenant_id: str, import_id: str, answer: Mapping[str, Any], is_file: bool) -> bool:
        if import_id in self.undos:
            return False
        self.undos[import_id] = dict(answer)
        return True


def _debt(internal_id: str | None, amount: str = "100") -> dict[str, Any]:
    row = {
        "firstname": "Marie",
        "lastname": "Martin",
        "phone": "0612345678",
        "amount": amount,
        "currency": "EUR",
    }
    return {**row, "internal_id": internal_id} if internal_id else row


def _import(store: MemoryDebts, import_id: str, rows: list[dict[str, Any]]) -> None:
    request = batch.BatchRequest(debts=rows, auto_civility=False)
    batch.run_batch(services(store), T, request, import_id=import_id, now=NOW, dry_run=False)


def test_undo_deletes_created_debts_and_restores_updated_ones() -> None:
    # Given an import A creating two debts, and an import B updating one and creating another
    store = MemoryDebts()
    _import(store, "A", [_debt("INV-1", "100"), _debt(None)])
    _import(store, "B", [_debt("INV-1", "250"), _debt("INV-2")])
    # When B is undone
    answer = undo.undo_import(store, Records(), T, "B", now=NOW.isoformat(), dry_run=False)
    # Then INV-2 is gone and INV-1 is A's version again
    assert answer["undone"]["debts"] == 2 and answer["kept"] == [] and answer["status"] == "undone"
    assert len(store.import_debts(T, "B")) == 0
    restored = [d for d in store.import_debts(T, "A") if d.internal_id == "INV-1"]
    assert restored[0].fields["amount"] == "100.00" and restored[0].previous is None


def test_a_retry_of_the_same_import_keeps_the_first_previous_version() -> None:
    store = MemoryDebts()
    _import(store, "A", [_debt("INV-1", "100")])
    _import(store, "B", [_debt("INV-1", "250")])
    _import(store, "B", [_debt("INV-1", "250")])
    (debt,) = store.import_debts(T, "B")
    assert debt.previous is not None and debt.previous.import_id == "A"


def test_a_patched_debt_is_kept_and_undoing_twice_answers_the_same() -> None:
    store = MemoryDebts()
    _import(store, "A", [_debt("INV-1"), _debt("INV-2")])
    patched = next(d for d in store.import_debts(T, "A") if d.internal_id == "INV-1")
    single.patch_debt(services(store), T, patched.debt_id, {"amount": "90"}, NOW)
    records = Records()
    first = undo.undo_import(store, records, T, "A", now=NOW.isoformat(), dry_run=False)
    assert first["undone"]["debts"] == 1
    assert first["kept"] == [{"kind": "debt", "id": patched.debt_id, "reason": "changed_after_import"}]
    assert undo.undo_import(store, records, T, "A", now="later", dry_run=False) == first


def test_a_dry_run_writes_nothing() -> None:
    store = MemoryDebts()
    _import(store, "A", [_debt("INV-1")])
    records = Records()
    answer = undo.undo_import(store, records, T, "A", now=NOW.isoformat(), dry_run=True)
    assert answer["status"] == "dry_run" and answer["undone"]["debts"] == 1
    assert len(store.import_debts(T, "A")) == 1 and records.undos == {}


def test_a_debt_changed_during_the_undo_is_kept() -> None:
    store = MemoryDebts()
    _import(store, "A", [_debt("INV-1")])
    real = store.delete_debt
    store.delete_debt = lambda tenant_id, debt: False  # type: ignore[method-assign]
    answer = undo.undo_import(store, Records(), T, "A", now=NOW.isoformat(), dry_run=False)
    store.delete_debt = real  # type: ignore[method-assign]
    assert answer["kept"][0]["reason"] == "changed_during_undo" and answer["undone"]["debts"] == 0


def test_running_unknown_and_unsupported_imports() -> None:
    store = MemoryDebts()
    with pytest.raises(undo.ImportRunning):
        undo.undo_import(
            store, Records({"F": {"status": "processing", "kind": "debts"}}), T, "F", now="", dry_run=False
        )
    with pytest.raises(undo.UndoNotSupported):
        undo.undo_import(
            store, Records({"F": {"status": "completed", "kind": "other"}}), T, "F", now="", dry_run=False
        )
    with pytest.raises(NotFound):
        undo.undo_import(store, Records(), T, "nope", now="", dry_run=False)


def test_an_update_without_a_kept_version_is_kept() -> None:
    store = MemoryDebts()
    _import(store, "A", [_debt("INV-1")])
    (debt,) = store.import_debts(T, "A")
    store.debts[(T, debt.debt_id)] = batch.Debt(
        debt.debt_id, "B", "A", debt.fields, debt.created_at, debt.updated_at
    )
    answer = undo.undo_import(store, Records(), T, "B", now="", dry_run=False)
    assert answer["kept"][0]["reason"] == "previous_version_unknown"


class Collections:
    def __init__(self, statuses: dict[str, str]) -> None:
        self.items = {
            cid: Collection(cid, status, {}, "t0", "t0", bulk_id="F") for cid, status in statuses.items()
        }
        self.refuse: set[str] = set()

    def list_bulk(
        self, tenant_id: str, bulk_id: str, status: str | None, page_token: str | None, size: int
    ) -> tuple[list[Collection], str | None, str | None]:
        return [c for c in self.items.values() if status in (None, c.status)], None, None

    def save_canceled(self, tenant_id: str, current: Collection, canceled: Collection) -> bool:
        if current.collection_id in self.refuse or self.items[current.collection_id] != current:
            return False
        self.items[current.collection_id] = canceled
        return True


def test_a_collections_file_cancels_the_confirmed_keeps_the_exported_and_a_changed_one() -> None:
    # Given a collections file's bulk: two confirmed (one changes while undoing), one exported, one failed
    store = Collections({"c1": "confirmed", "c2": "confirmed", "c3": "exported", "c4": "failed"})
    store.refuse.add("c2")
    records = Records({"F": {"status": "completed", "kind": "collections"}})
    # When it is undone
    answer = undo.undo_import(MemoryDebts(), records, T, "F", now="t1", dry_run=False, collections=store)
    # Then c1 is canceled; c2 and c3 are kept with their reasons; c4 is left as it is
    assert answer["undone"]["collections"] == 1 and store.items["c1"].status == "canceled"
    assert answer["kept"] == [
        {"kind": "collection", "id": "c2", "reason": "changed_during_undo"},
        {"kind": "collection", "id": "c3", "reason": "exported"},
    ]
    assert store.items["c4"].status == "failed"


class Notes:
    def __init__(self, written: list[tuple[str, str]], present: set[tuple[str, str]]) -> None:
        self.written, self.present = written, present

    def job_notes(self, tenant_id: str, job_id: str) -> list[tuple[str, str]]:
        return self.written

    def delete_note(self, tenant_id: str, case_id: str, note_id: str) -> bool:
        if (case_id, note_id) not in self.present:
            return False
        self.present.remove((case_id, note_id))
        return True


def test_a_notes_file_deletes_the_notes_its_job_wrote_once_each() -> None:
    # Given a job that recorded three notes (one twice, as a redelivered chunk would), one deleted since
    notes = Notes([("a", "n1"), ("a", "n1"), ("b", "n2"), ("b", "n3")], {("a", "n1"), ("b", "n2")})
    records = Records({"F": {"status": "completed", "kind": "notes"}})
    dry = undo.undo_import(MemoryDebts(), records, T, "F", now="t", dry_run=True, notes=notes)
    assert dry["undone"]["notes"] == 3 and notes.present == {("a", "n1"), ("b", "n2")}
    answer = undo.undo_import(MemoryDebts(), records, T, "F", now="t", dry_run=False, notes=notes)
    assert answer["undone"]["notes"] == 2 and notes.present == set()


class Customers:
    def __init__(self, added: list[str], last_import: dict[str, str]) -> None:
        self.added, self.last_import = added, last_import

    def job_customers(self, tenant_id: str, job_id: str) -> list[str]:
        return self.added

    def delete_import_customer(
        self, tenant_id: str, campaign_id: str, customer_id: str, import_id: str
    ) -> bool:
        if self.last_import.get(customer_id) != import_id:
            return False
        del self.last_import[customer_id]
        return True

    def get_customer(self, tenant_id: str, campaign_id: str, customer_id: str) -> dict[str, Any] | None:
        return {"customer_id": customer_id} if customer_id in self.last_import else None


def test_a_customers_file_deletes_what_it_added_and_keeps_what_was_rewritten_since() -> None:
    # Given a file that added c1, c2 and c3: c2 rewritten since by another import, c3 deleted since
    store = Customers(["c1", "c2", "c3"], {"c1": "F", "c2": "G"})
    records = Records({"F": {"status": "completed", "kind": "customers", "campaign_id": "camp"}})
    answer = undo.undo_import(MemoryDebts(), records, T, "F", now="t", dry_run=False, customers=store)
    assert answer["undone"]["customers"] == 1 and store.last_import == {"c2": "G"}
    assert answer["kept"] == [{"kind": "customer", "id": "c2", "reason": "changed_after_import"}]
