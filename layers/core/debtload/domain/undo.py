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

The answer is stored once; undoing again answers it again and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from debtload.domain.debts.model import Debt
from debtload.domain.errors import Conflict, NotFound, Unprocessable

RUNNING: Final = frozenset({"received", "reading", "processing", "queued"})
UNDOABLE_KINDS: Final = frozenset({"debts"})
CHANGED_AFTER: Final = "changed_after_import"
UNKNOWN_PREVIOUS: Final = "previous_version_unknown"
CHANGED_DURING: Final = "changed_during_undo"


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
                "Only debts imports can be undone for now",
                {"kind": record.get("kind"), "undoable": sorted(UNDOABLE_KINDS)},
            )
    found = debts.import_debts(tenant_id, import_id)
    if record is None and not found:
        raise NotFound("Import not found", {"import_id": import_id})
    counts = {"debts": 0, "customers": 0, "notes": 0, "collections": 0}
    kept: list[dict[str, str]] = []
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
