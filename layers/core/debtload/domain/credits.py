"""Credits: a per-tenant balance and an append-only ledger (prices live in domain.pricing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from debtload.domain.errors import BadRequest, PaymentRequired


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    entry_id: str
    amount: int
    reason: str
    created_at: str


@dataclass(frozen=True, slots=True)
class CreditsView:
    balance: int
    ledger: tuple[LedgerEntry, ...]
    next_cursor: str | None = None  # the ledger's next page, older entries (GET /credits?cursor=)


class CreditsRepository(Protocol):
    def add(self, tenant_id: str, amount: int, reason: str, entry_id: str) -> int:
        """Apply `amount` once per `entry_id` (a replay changes nothing) and return the balance."""
        ...

    def charge(self, tenant_id: str, amount: int, reason: str, entry_id: str) -> bool:
        """Debit `amount` once per `entry_id` if the balance covers it.

        True when charged (or already charged under this entry id), False when the balance is short."""
        ...

    def view(self, tenant_id: str, ledger_limit: int) -> CreditsView: ...


def top_up(
    repo: CreditsRepository, tenant_id: str, amount: int, entry_id: str, reason: str = "top-up"
) -> int:
    if amount <= 0:
        raise BadRequest("A top-up must be a positive number of credits", {"amount": "must be > 0"})
    return repo.add(tenant_id, amount, reason, entry_id)


def charge(repo: CreditsRepository, tenant_id: str, amount: int, reason: str, entry_id: str) -> None:
    """Charge before writing anything: an unpayable request is refused with 402 and leaves no trace."""
    if amount <= 0:
        return
    if not repo.charge(tenant_id, amount, reason, entry_id):
        raise PaymentRequired(
            f"This request costs {amount} credits, more than the tenant's balance",
            {"credits_required": amount, "reason": reason},
        )
