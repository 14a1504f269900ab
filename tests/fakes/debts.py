"""In-memory stand-ins for the debts ports, so the use cases run without AWS."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

from debtload.domain.credits import CreditsView
from debtload.domain.debts.batch import BatchServices
from debtload.domain.debts.model import Debt
from debtload.domain.debts.timelines import Timeline
from debtload.validation.email import Deliverability, check_deliverability


@dataclass
class MemoryDebts:
    debts: dict[tuple[str, str], Debt] = field(default_factory=dict)
    fail_after: int | None = None  # raise after writing this many debts (a crash half-way)
    writes: int = 0

    def existing_debts(self, tenant_id: str, debt_ids: Sequence[str]) -> dict[str, Debt]:
        found = (self.debts.get((tenant_id, i)) for i in debt_ids)
        return {d.debt_id: d for d in found if d}

    def write_debts(self, tenant_id: str, debts: Sequence[Debt]) -> None:
        for debt in debts:
            if self.fail_after is not None and self.writes >= self.fail_after:
                raise ConnectionError("DynamoDB went away")
            self.debts[(tenant_id, debt.debt_id)] = debt
            self.writes += 1

    def import_debts(self, tenant_id: str, import_id: str) -> list[Debt]:
        return [d for (t, _), d in self.debts.items() if t == tenant_id and d.import_id == import_id]

    def delete_debt(self, tenant_id: str, debt: Debt) -> bool:
        if self.debts.get((tenant_id, debt.debt_id)) != debt:
            return False
        del self.debts[(tenant_id, debt.debt_id)]
        return True

    def replace_debt(self, tenant_id: str, debt: Debt, restored: Debt) -> bool:
        if self.debts.get((tenant_id, debt.debt_id)) != debt:
            return False
        self.debts[(tenant_id, debt.debt_id)] = restored
        return True

    def get_debt(self, tenant_id: str, debt_id: str) -> Debt | None:
        return self.debts.get((tenant_id, debt_id))

    def list_debts(
        self, tenant_id: str, import_id: str | None, cursor: str | None, limit: int
    ) -> tuple[list[Debt], str | None]:
        found = [d for (t, _), d in self.debts.items() if t == tenant_id and import_id in (None, d.import_id)]
        return found[:limit], None


@dataclass
class MemoryTimelines:
    timelines: dict[tuple[str, str], Timeline] = field(default_factory=dict)

    def put_timeline(self, tenant_id: str, timeline: Timeline) -> None:
        self.timelines[(tenant_id, timeline.timeline_id)] = timeline

    def get_timelines(self, tenant_id: str, timeline_ids: Sequence[str]) -> dict[str, Timeline]:
        found = (self.timelines.get((tenant_id, i)) for i in timeline_ids)
        return {t.timeline_id: t for t in found if t}

    def list_timelines(self, tenant_id: str) -> list[Timeline]:
        return [t for (owner, _), t in self.timelines.items() if owner == tenant_id]


@dataclass
class MemoryCredits:
    balance: int = 1000
    entries: set[str] = field(default_factory=set)

    def add(self, tenant_id: str, amount: int, reason: str, entry_id: str) -> int:
        if entry_id not in self.entries:
            self.entries.add(entry_id)
            self.balance += amount
        return self.balance

    def charge(self, tenant_id: str, amount: int, reason: str, entry_id: str) -> bool:
        if entry_id in self.entries:
            return True
        if self.balance < amount:
            return False
        self.entries.add(entry_id)
        self.balance -= amount
        return True

    def view(self, tenant_id: str, ledger_limit: int, cursor: str | None = None) -> CreditsView:
        raise NotImplementedError


def no_dns(addresses: Iterable[str]) -> dict[str, Deliverability]:
    raise AssertionError("validate_emails is off: no address may be checked")


def services(
    debts: MemoryDebts | None = None,
    timelines: MemoryTimelines | None = None,
    credits: MemoryCredits | None = None,
    resolver: object | None = None,
) -> BatchServices:
    checker = partial(check_deliverability, resolver=resolver) if resolver is not None else no_dns
    return BatchServices(
        debts=debts or MemoryDebts(),
        timelines=timelines or MemoryTimelines(),
        credits=credits or MemoryCredits(),
        check_emails=checker,
    )
