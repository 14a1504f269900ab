"""Collection cases (the Ingestion Jobs API's `caseId`): what notes attach to, each of one tenant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from debtload.domain.errors import Conflict, NotFound, ValidationFailed
from debtload.validation.amounts import parse_amount
from debtload.validation.currency import check_currency


class CaseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: uuid.UUID | None = None
    debtor_name: str = Field(min_length=1, max_length=200)
    reference: str = Field(min_length=1, max_length=100)
    amount: float | str
    currency: str
    status: str = Field(default="open", pattern="^(open|closed|on_hold)$")


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    debtor_name: str
    reference: str
    amount: str
    currency: str
    status: str
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "debtor_name": self.debtor_name,
            "reference": self.reference,
            "amount": float(self.amount),
            "currency": self.currency,
            "status": self.status,
            "created_at": self.created_at,
        }


class CaseStore(Protocol):
    def create_case(self, tenant_id: str, case: Case) -> bool:
        """False when a case with this id already exists for the tenant."""
        ...

    def get_case(self, tenant_id: str, case_id: str) -> Case | None: ...


def build_case(request: CaseRequest, now: datetime | None = None) -> Case:
    errors: dict[str, str] = {}
    amount = parse_amount(request.amount)
    if not amount.ok or amount.value is None:
        errors["amount"] = amount.error or "Amount is required"
    elif amount.value <= 0:
        errors["amount"] = "Amount must be greater than 0"
    currency = check_currency(request.currency)
    if not currency.ok:
        errors["currency"] = currency.error or "invalid"
    if errors:
        raise ValidationFailed("The case is invalid", errors)
    assert amount.value is not None and currency.code is not None
    return Case(
        id=str(request.id or uuid.uuid4()),
        debtor_name=request.debtor_name,
        reference=request.reference,
        amount=str(amount.value),
        currency=currency.code,
        status=request.status,
        created_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
    )


def create_case(store: CaseStore, tenant_id: str, request: CaseRequest, dry_run: bool = False) -> Case:
    case = build_case(request)
    if dry_run:
        return case
    if not store.create_case(tenant_id, case):
        raise Conflict(f"Case {case.id} already exists", {"id": case.id})
    return case


def get_case(store: CaseStore, tenant_id: str, case_id: str) -> Case:
    case = store.get_case(tenant_id, case_id) if _is_uuid(case_id) else None
    if case is None:
        raise NotFound("Case not found")
    return case


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
