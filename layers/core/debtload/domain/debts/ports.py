"""What the debts use cases need from storage and the outside world."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from debtload.domain.debts.model import Debt, ExistingDebt
from debtload.validation.email import Deliverability


class DebtStore(Protocol):
    def existing_debts(self, tenant_id: str, debt_ids: Sequence[str]) -> dict[str, ExistingDebt]:
        """Which of `debt_ids` are already stored (BatchGetItem, 100 keys a call)."""
        ...

    def write_debts(self, tenant_id: str, debts: Sequence[Debt]) -> None:
        """Upsert every debt (BatchWriteItem, 25 a call, UnprocessedItems retried), or raise."""
        ...

    def get_debt(self, tenant_id: str, debt_id: str) -> Debt | None: ...

    def list_debts(
        self, tenant_id: str, import_id: str | None, cursor: str | None, limit: int
    ) -> tuple[list[Debt], str | None]: ...


class EmailChecker(Protocol):
    def __call__(self, addresses: Iterable[str]) -> dict[str, Deliverability]:
        """MX verdicts per `validation.email.dedup_key`; never raises for DNS trouble."""
        ...
