"""Batch Create Debts: up to 1,000 debts in one synchronous request.

Every row is checked on its own; failures never stop the others. Then, for the valid ones: civility
inferred from first names, timelines resolved, e-mails MX-checked when asked, ids fixed, the credits
charged (402 and nothing written when the tenant cannot pay), and the debts upserted.

Retries: the import id comes from the Idempotency-Key, debt ids from the import id and the row (or
from the tenant's internal_id, the upsert key), and the charge is made once per import id. A request
that fails half-way is completed, not duplicated, by sending it again with the same key.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from debtload.domain.credits import CreditsRepository, charge
from debtload.domain.debts.fields import DebtCheck, DebtFields, check_debt, destination_json
from debtload.domain.debts.model import Debt, DebtVersion, ExistingDebt, json_amount
from debtload.domain.debts.ports import DebtStore, EmailChecker
from debtload.domain.debts.timelines import Timeline, TimelineStore, start_date
from debtload.domain.errors import BadRequest
from debtload.domain.pricing import DEFAULT_PRICES, PriceTable, civility_credits, email_validation_credits
from debtload.domain.request_ids import NAMESPACE
from debtload.domain.skipped_rows import skip_reason
from debtload.validation.civility import infer_civility
from debtload.validation.email import dedup_key

MAX_DEBTS: Final = 1000
MAX_BATCH_NAME: Final = 200
PARIS: Final = ZoneInfo("Europe/Paris")
_NAMESPACE: Final = NAMESPACE


@dataclass(frozen=True, slots=True)
class BatchRequest:
    debts: list[Any]
    batch_name: str | None = None
    accept_expensive_destination: bool = False
    auto_civility: bool = True
    validate_emails: bool = False


@dataclass(frozen=True, slots=True)
class BatchServices:
    debts: DebtStore
    timelines: TimelineStore
    credits: CreditsRepository
    check_emails: EmailChecker
    infer_civility: Callable[[str], str | None] = infer_civility
    prices: PriceTable = DEFAULT_PRICES


@dataclass(slots=True)
class _Candidate:
    index: int
    row: Mapping[str, Any]
    fields: DebtFields
    needs_civility: bool = False


@dataclass(slots=True)
class BatchOutcome:
    import_id: str
    batch_name: str
    total: int
    created: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    civility_credits: int = 0
    email_credits: int = 0
    debts: list[Debt] = field(default_factory=list)

    def activity_record(self, now: datetime) -> dict[str, Any]:
        """The batch as one item of the activity list (GET /jobs): its name and counts, not its rows."""
        return {
            "import_id": self.import_id,
            "batch_name": self.batch_name,
            "created_at": now.astimezone(UTC).isoformat(timespec="milliseconds"),
            "counts": {
                "total": self.total,
                "succeeded": len(self.created),
                "failed": len(self.failed),
                "skipped": len(self.skipped),
            },
            "credits_charged": self.civility_credits + self.email_credits,
        }

    def to_json(self) -> dict[str, Any]:
        """The seed's body: `error` stays false even when every debt failed."""
        return {
            "error": False,
            "message": "Batch operation completed",
            "data": {
                "import_id": self.import_id,
                "batch_name": self.batch_name,
                "created": self.created,
                "failed": sorted(self.failed, key=lambda f: int(f["index"])),
                "skipped": self.skipped,
                "summary": {
                    "total": self.total,
                    "created": len(self.created),
                    "failed": len(self.failed),
                    "skipped": len(self.skipped),
                    "credits_charged": {
                        "civility": self.civility_credits,
                        "email_validation": self.email_credits,
                        "total": self.civility_credits + self.email_credits,
                    },
                },
            },
        }


def parse_batch_request(body: Any) -> BatchRequest:
    """The envelope: anything wrong here is a 400 for the whole request."""
    if not isinstance(body, Mapping):
        raise BadRequest("The request body must be a JSON object", {"body": "must be an object"})
    errors: dict[str, str] = {}
    debts = body.get("debts")
    if not isinstance(debts, list):
        errors["debts"] = "is required: an array of 1 to 1,000 debts"
    elif not debts:
        errors["debts"] = "must contain at least one debt"
    elif len(debts) > MAX_DEBTS:
        errors["debts"] = f"has {len(debts):,} debts; the maximum is {MAX_DEBTS:,} per request"
    name = body.get("batch_name")
    if name is not None and (not isinstance(name, str) or len(name) > MAX_BATCH_NAME):
        errors["batch_name"] = f"must be a string of at most {MAX_BATCH_NAME} characters"
    flags = {}
    for key, default in (
        ("accept_expensive_destination", False),
        ("auto_civility", True),
        ("validate_emails", False),
    ):
        value = body.get(key, default)
        if value is None:
            value = default
        if not isinstance(value, bool):
            errors[key] = "must be true or false"
        flags[key] = bool(value)
    if errors:
        raise BadRequest("The batch request is invalid", errors)
    assert isinstance(debts, list)
    return BatchRequest(
        debts=debts,
        batch_name=name.strip() if isinstance(name, str) and name.strip() else None,
        **flags,
    )


def debt_id_for(tenant_id: str, import_id: str, index: int, internal_id: str | None) -> str:
    """internal_id is the tenant's upsert key, so it alone decides the id when present."""
    if internal_id is not None:
        return str(uuid.uuid5(_NAMESPACE, f"{tenant_id}/debts/internal/{internal_id}"))
    return str(uuid.uuid5(_NAMESPACE, f"{import_id}/{index}"))


def default_batch_name(now: datetime) -> str:
    return now.astimezone(PARIS).strftime("API Batch - %d/%m/%Y %H:%M")


def run_batch(
    services: BatchServices,
    tenant_id: str,
    request: BatchRequest,
    *,
    import_id: str,
    now: datetime,
    dry_run: bool,
    row_numbers: Sequence[int] | None = None,
    charge_id: str | None = None,
) -> BatchOutcome:
    """`row_numbers` are the rows' indexes when they are not 0..n-1 (a chunk of a file import), and
    `charge_id` names the charge when one import is charged in several parts (one per chunk)."""
    outcome = BatchOutcome(
        import_id=import_id,
        batch_name=request.batch_name or default_batch_name(now),
        total=len(request.debts),
    )
    numbers = list(row_numbers) if row_numbers is not None else list(range(len(request.debts)))
    candidates = _check_rows(request, numbers, services, outcome)
    if request.auto_civility:
        _infer_civilities(candidates, services.infer_civility)
    _resolve_timelines(candidates, services.timelines, tenant_id, now)
    if request.validate_emails:
        outcome.email_credits = _check_deliverability(candidates, services.check_emails)
    outcome.civility_credits = civility_credits(sum(c.needs_civility for c in candidates))

    timestamp = now.isoformat()
    ids = [debt_id_for(tenant_id, import_id, c.index, c.fields.internal_id) for c in candidates]
    upsert_ids = [debt_id for debt_id, c in zip(ids, candidates, strict=True) if c.fields.internal_id]
    existing = services.debts.existing_debts(tenant_id, upsert_ids) if upsert_ids else {}
    for debt_id, candidate in zip(ids, candidates, strict=True):
        before = existing.get(debt_id)
        debt = _debt(debt_id, import_id, outcome.batch_name, candidate, before, timestamp)
        outcome.debts.append(debt)
        outcome.created.append(_created_entry(candidate, debt, updated=_is_update(before, import_id)))

    total_credits = outcome.civility_credits + outcome.email_credits
    if not dry_run:
        entry = f"debts-batch:{charge_id or import_id}"
        charge(services.credits, tenant_id, total_credits, "debts batch", entry)
        if outcome.debts:
            services.debts.write_debts(tenant_id, outcome.debts)
    return outcome


def _check_rows(
    request: BatchRequest, numbers: Sequence[int], services: BatchServices, outcome: BatchOutcome
) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    first_by_internal_id: dict[str, int] = {}
    for index, row in zip(numbers, request.debts, strict=True):
        if not isinstance(row, Mapping):
            if row is None or row in ("", []):
                outcome.skipped.append({"index": index, "reason": "empty row"})
            else:
                outcome.failed.append(
                    _failed_entry(index, row, {"debt": ["Each debt must be a JSON object"]})
                )
            continue
        reason = skip_reason(row.values())
        if reason is not None:
            outcome.skipped.append({"index": index, "reason": reason})
            continue
        check = check_debt(
            row, accept_expensive_destination=request.accept_expensive_destination, prices=services.prices
        )
        if check.fields is None:
            outcome.failed.append(_failed_entry(index, row, check.errors, check))
            continue
        internal_id = check.fields.internal_id
        if internal_id is not None:
            first = first_by_internal_id.setdefault(internal_id, index)
            if first != index:
                message = f"Duplicates the internal_id of the debt at index {first} in this batch"
                outcome.failed.append(_failed_entry(index, row, {"internal_id": [message]}))
                continue
        candidates.append(_Candidate(index, row, check.fields))
    return candidates


def _infer_civilities(candidates: Sequence[_Candidate], infer: Callable[[str], str | None]) -> None:
    """A debt with a first name and no civility needs detection (and is billed for it)
    whether or not the name tells; an ambiguous or unknown name leaves civility empty."""
    for candidate in candidates:
        values = candidate.fields.values
        if values.get("civility") is None and values.get("firstname"):
            candidate.needs_civility = True
            guessed = infer(values["firstname"])
            if guessed is not None:
                values["civility"] = guessed
                values["civility_inferred"] = True


def _resolve_timelines(
    candidates: Sequence[_Candidate], store: TimelineStore, tenant_id: str, now: datetime
) -> None:
    """A timeline_id the tenant does not own is dropped from the debt, silently, as the seed says."""
    wanted = sorted(
        {str(c.fields.values["timeline_id"]) for c in candidates if "timeline_id" in c.fields.values}
    )
    timelines: dict[str, Timeline] = store.get_timelines(tenant_id, wanted) if wanted else {}
    today = now.astimezone(PARIS).date()
    for candidate in candidates:
        values = candidate.fields.values
        timeline_id = values.get("timeline_id")
        if timeline_id is None:
            continue
        timeline = timelines.get(timeline_id)
        if timeline is None:
            values.pop("timeline_id")
            values.pop("timeline_start_mode", None)
            continue
        mode = values.setdefault("timeline_start_mode", "immediate")
        region = candidate.fields.phone_region or values.get("country")
        values["timeline_start_date"] = start_date(mode, today, timeline, region).isoformat()


def _check_deliverability(candidates: Sequence[_Candidate], check_emails: EmailChecker) -> int:
    """MX-check each distinct address once; returns the credits for the billable verdicts."""
    addresses = [c.fields.values["email"] for c in candidates if "email" in c.fields.values]
    if not addresses:
        return 0
    verdicts = check_emails(addresses)
    for candidate in candidates:
        values = candidate.fields.values
        if "email" in values:
            verdict = verdicts.get(dedup_key(values["email"]))
            if verdict is not None and verdict.status != "unknown":
                values["email_suppressed"] = verdict.status == "undeliverable"
    return email_validation_credits(sum(v.billable for v in verdicts.values()))


def _debt(
    debt_id: str,
    import_id: str,
    batch_name: str,
    candidate: _Candidate,
    before: ExistingDebt | None,
    timestamp: str,
) -> Debt:
    fields = dict(candidate.fields.values)
    fields["amount"] = str(fields["amount"])  # exact; every other value is already JSON-ready
    if candidate.fields.destination is not None:
        fields["destination"] = destination_json(candidate.fields.destination)
    fields["batch_name"] = batch_name
    fields["temp_id"] = candidate.row.get("temp_id")
    return Debt(
        debt_id=debt_id,
        import_id=import_id,
        created_import_id=before.created_import_id if before else import_id,
        fields={k: v for k, v in fields.items() if v is not None},
        created_at=before.created_at if before else timestamp,
        updated_at=timestamp,
        previous=previous_version(before, import_id),
    )


def previous_version(before: ExistingDebt | None, import_id: str) -> DebtVersion | None:
    """What undoing `import_id` restores: the version it replaces, in the same write. A retry of the
    same import keeps the version the first attempt kept; only one level is kept (bounded size)."""
    if before is None:
        return None
    if before.import_id == import_id:
        return before.previous
    return before.version()


def _is_update(before: ExistingDebt | None, import_id: str) -> bool:
    return before is not None and before.created_import_id != import_id


def _created_entry(candidate: _Candidate, debt: Debt, *, updated: bool) -> dict[str, Any]:
    values = debt.fields
    entry: dict[str, Any] = {
        "index": candidate.index,
        "temp_id": candidate.row.get("temp_id"),
        "debt_id": debt.debt_id,
        "status": "valid",
        "data": {
            "firstname": values.get("firstname"),
            "lastname": values.get("lastname"),
            "phone": values.get("phone"),
            "email": values.get("email"),
            "amount": json_amount(values["amount"]),
            "currency": values.get("currency"),
        },
    }
    if updated:
        entry["updated"] = True
    return entry


def _failed_entry(
    index: int, row: Any, errors: dict[str, list[str]], check: DebtCheck | None = None
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "index": index,
        "temp_id": row.get("temp_id") if isinstance(row, Mapping) else None,
        "data": row,
        "errors": errors,
    }
    if check is not None and check.destination is not None:
        entry["destination"] = destination_json(check.destination)
    return entry
