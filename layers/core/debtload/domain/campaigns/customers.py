"""Bulk Add Customers: row-by-row validation, upsert by (campaign, loan_id | lead_id),
writes in batches of at most 500, and the seed's 201/207/400 answer.

Validation is plain Python over the parsed JSON, not a pydantic model per record: 10,000 records
must fit the one-second budget (README.md, Benchmarks), and a per-record model costs about as much
again as the phone check (the floor) while reporting errors in a shape we would have to translate
anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Protocol

from debtload.domain.campaigns.campaign import Campaign, ServiceType
from debtload.domain.errors import ValidationFailed
from debtload.validation.amounts import parse_amount
from debtload.validation.dates import parse_iso_date
from debtload.validation.phone import normalize_phone

MAX_RECORDS: Final = 10_000
WRITE_BATCH_SIZE: Final = 500  # "written in batches"; batchesProcessed counts them
MAX_ID_LENGTH: Final = 128
MAX_TEXT_LENGTH: Final = 200

ID_FIELD: Final[Mapping[ServiceType, str]] = {"debt_collection": "loan_id", "lead_generation": "lead_id"}
REQUIRED: Final[Mapping[ServiceType, tuple[str, ...]]] = {
    "debt_collection": ("loan_id", "first_name", "phone_number", "loan_amount", "emi_due_date"),
    "lead_generation": ("lead_id", "first_name", "phone_number", "lead_date"),
}
_SERVICE_LABEL: Final[Mapping[ServiceType, str]] = {
    "debt_collection": "a debt_collection (existing loans) campaign",
    "lead_generation": "a lead_generation campaign",
}

# A field check returns (stored value, None) or (None, message).
Check = Callable[[Any], tuple[Any, str | None]]


@dataclass(frozen=True, slots=True)
class CallConfig:
    agent_id: str
    disposition_id: str | None

    def to_json(self) -> dict[str, Any]:
        return {"agentId": self.agent_id, "dispositionId": self.disposition_id}


@dataclass(frozen=True, slots=True)
class BulkRequest:
    campaign_id: str
    records: list[Any]
    initiate_call: bool
    call_config: CallConfig | None


@dataclass(frozen=True, slots=True)
class Customer:
    """A valid record, ready to store: `fields` holds the normalised values (phone in E.164)."""

    index: int
    customer_id: str
    phone_e164: str
    region: str
    accept_expensive_destination: bool | None
    fields: dict[str, Any]

    def call_target(self) -> dict[str, Any]:
        """What the call run keeps per customer: enough to dial and price without another read."""
        target: dict[str, Any] = {
            "key": self.customer_id,
            "phone_number": self.phone_e164,
            "region": self.region,
        }
        if self.accept_expensive_destination is not None:
            target["accept_expensive_destination"] = self.accept_expensive_destination
        return target


@dataclass(frozen=True, slots=True)
class RecordError:
    index: int
    id: str | None
    field: str | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "id": self.id, "field": self.field, "message": self.message}


@dataclass
class AddOutcome:
    total: int
    valid: int
    invalid: int
    successful: int = 0
    batches_processed: int = 0
    errors: list[RecordError] = field(default_factory=list)
    written: list[Customer] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.total - self.successful

    @property
    def status(self) -> int:
        if self.successful == self.total:
            return 201
        return 207 if self.successful else 400

    def to_json(self) -> dict[str, Any]:
        """The seed's body; callResults is added by the caller when calls were asked for."""
        return {
            "success": self.failed == 0,
            "message": f"Added {self.successful} of {self.total} records",
            "results": {
                "total": self.total,
                "valid": self.valid,
                "invalid": self.invalid,
                "successful": self.successful,
                "failed": self.failed,
                "batchesProcessed": self.batches_processed,
                "errors": [e.to_json() for e in sorted(self.errors, key=lambda e: e.index)],
            },
        }


class CustomerStore(Protocol):
    def write_customers(
        self, tenant_id: str, campaign_id: str, customers: Sequence[Customer], updated_at: str
    ) -> None:
        """Upsert every customer (deterministic key: campaign + customer id), or raise."""
        ...

    def write_customer_batches(
        self, tenant_id: str, campaign_id: str, batches: Sequence[Sequence[Customer]], updated_at: str
    ) -> list[Exception | None]:
        """Upsert every batch, all of them at once rather than one after another; for each batch,
        None when it was written, else the error that stopped it. One failed batch stops no other."""
        ...


# The request envelope


def parse_bulk_request(body: Any) -> BulkRequest:
    """The request-level checks; any failure is a 400 for the whole request, nothing is written."""
    if not isinstance(body, Mapping):
        raise ValidationFailed("The request body must be a JSON object", {"body": "must be an object"})
    errors: dict[str, str] = {}
    campaign_id = body.get("campaignId")
    if not isinstance(campaign_id, str) or not campaign_id.strip():
        errors["campaignId"] = "is required: the id of an existing campaign"
    records = body.get("records")
    if not isinstance(records, list):
        errors["records"] = "is required and must be an array of customer records"
    elif not records:
        errors["records"] = "must contain at least one record"
    elif len(records) > MAX_RECORDS:
        errors["records"] = f"has {len(records)} records; the maximum is {MAX_RECORDS:,} per request"
    initiate = body.get("initiateCall", False)
    if not isinstance(initiate, bool):
        errors["initiateCall"] = "must be true or false"
    call_config, config_errors = _parse_call_config(body.get("callConfig"), required=initiate is True)
    errors.update(config_errors)
    if errors:
        raise ValidationFailed("The request is invalid", errors)
    assert isinstance(records, list) and isinstance(campaign_id, str)
    return BulkRequest(campaign_id.strip(), records, bool(initiate), call_config)


def _parse_call_config(raw: Any, *, required: bool) -> tuple[CallConfig | None, dict[str, str]]:
    if raw is None:
        return None, ({"callConfig": "is required when initiateCall is true"} if required else {})
    if not isinstance(raw, Mapping):
        return None, {"callConfig": "must be an object {agentId, dispositionId}"}
    errors: dict[str, str] = {}
    agent = raw.get("agentId")
    if not isinstance(agent, str) or not agent.strip():
        errors["callConfig.agentId"] = "is required: the agent that makes the calls"
    disposition = raw.get("dispositionId")
    if disposition is not None and not isinstance(disposition, str):
        errors["callConfig.dispositionId"] = "must be a string"
    if errors:
        return None, errors
    return CallConfig(str(agent).strip(), disposition), {}


# Field checks


def _text(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return None, "must be a string"
    text = value.strip()
    if not text:
        return None, "must not be empty"
    if len(text) > MAX_TEXT_LENGTH:
        return None, f"must be at most {MAX_TEXT_LENGTH} characters"
    return text, None


def _identifier(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None, "must be a string"
    text = value.strip()
    if not text:
        return None, "must not be empty"
    if len(text) > MAX_ID_LENGTH:
        return None, f"must be at most {MAX_ID_LENGTH} characters"
    return text, None


def _amount(value: Any) -> tuple[Any, str | None]:
    result = parse_amount(value)
    if result.value is None:
        return None, result.error
    if result.value < 0:
        return None, "must be greater than or equal to 0"
    return result.value, None


def _count(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None, "must be a whole number"
    if value != int(value):
        return None, "must be a whole number"
    if value < 0:
        return None, "must be greater than or equal to 0"
    return int(value), None


def _date(value: Any) -> tuple[Any, str | None]:
    parsed = parse_iso_date(value)
    if parsed is None:
        return None, "must be a date in YYYY-MM-DD format"
    return parsed.isoformat(), None


def _flag(value: Any) -> tuple[Any, str | None]:
    return (value, None) if isinstance(value, bool) else (None, "must be true or false")


def _language(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str) or not value.strip() or len(value) > 16:
        return None, "must be a language code such as en or hi"
    return value.strip(), None


# Every field of the customers bulk's record; the phone is checked separately (it needs the campaign's country).
FIELD_CHECKS: Final[Mapping[str, Check]] = {
    "loan_id": _identifier,
    "lead_id": _identifier,
    "first_name": _text,
    "last_name": _text,
    "loan_amount": _amount,
    "emi_amount": _amount,
    "loan_period": _count,
    "current_emi": _amount,
    "emi_due_date": _date,
    "payment_status": _text,
    "language": _language,
    "lead_date": _date,
    "accept_expensive_destination": _flag,  # the debts' per-record opt-in, honoured when calling
}
PHONE_FIELD: Final = "phone_number"


def validate_records(
    records: Sequence[Any], campaign: Campaign
) -> tuple[list[Customer], list[RecordError], int]:
    """(valid customers, errors, number of invalid records). Each failing field is one error; a
    record whose id repeats an earlier record's id in the same request is invalid (the first wins),
    since one request cannot say which of two versions of a customer it means."""
    id_field = ID_FIELD[campaign.service_type]
    required = REQUIRED[campaign.service_type]
    label = _SERVICE_LABEL[campaign.service_type]
    region = campaign.default_country
    valid: list[Customer] = []
    errors: list[RecordError] = []
    invalid = 0
    seen: dict[str, int] = {}
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            errors.append(RecordError(index, None, None, "must be an object"))
            invalid += 1
            continue
        raw_id = record.get(id_field)
        shown_id = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None
        before = len(errors)
        fields: dict[str, Any] = {}
        for name in required:
            if record.get(name) is None:
                errors.append(RecordError(index, shown_id, name, f"is required for {label}"))
        for name, value in record.items():
            if value is None:
                continue
            check = FIELD_CHECKS.get(name)
            if check is None:
                continue  # unknown fields are ignored, not stored: clients send their CRM's extras
            stored, message = check(value)
            if message is not None:
                errors.append(RecordError(index, shown_id, name, message))
            else:
                fields[name] = stored
        phone = record.get(PHONE_FIELD)
        e164 = phone_region = None
        if phone is not None:
            normalized = normalize_phone(phone, region)
            if normalized.error is not None:
                errors.append(RecordError(index, shown_id, PHONE_FIELD, normalized.error))
            else:
                e164, phone_region = normalized.e164, normalized.region
        if len(errors) == before:
            customer_id = fields[id_field]
            first = seen.get(customer_id)
            if first is not None:
                errors.append(
                    RecordError(
                        index,
                        customer_id,
                        id_field,
                        f"duplicates the record at index {first} in this request",
                    )
                )
            else:
                seen[customer_id] = index
                fields[PHONE_FIELD] = e164
                valid.append(
                    Customer(
                        index=index,
                        customer_id=customer_id,
                        phone_e164=str(e164),
                        region=str(phone_region),
                        accept_expensive_destination=fields.get("accept_expensive_destination"),
                        fields=fields,
                    )
                )
                continue
        invalid += 1
    return valid, errors, invalid


def add_customers(
    store: CustomerStore,
    tenant_id: str,
    campaign: Campaign,
    records: Sequence[Any],
    updated_at: str,
    *,
    dry_run: bool,
    batch_size: int = WRITE_BATCH_SIZE,
) -> AddOutcome:
    """Validate every record, then upsert the valid ones in batches of `batch_size`.

    A batch the store cannot write (after the table's own retries) fails its records with a reason
    and the others go on: upserts are idempotent, so the caller can simply send the request again.
    """
    valid, errors, invalid = validate_records(records, campaign)
    outcome = AddOutcome(total=len(records), valid=len(valid), invalid=invalid, errors=errors)
    batches = [valid[start : start + batch_size] for start in range(0, len(valid), batch_size)]
    failures: Sequence[Exception | None] = [None] * len(batches)
    if batches and not dry_run:
        failures = store.write_customer_batches(tenant_id, campaign.campaign_id, batches, updated_at)
    for batch, error in zip(batches, failures, strict=True):
        if error is not None:  # a store failure fails this batch's records only
            reason = f"could not be saved ({type(error).__name__}); send the record again"
            outcome.errors.extend(RecordError(c.index, c.customer_id, None, reason) for c in batch)
            continue
        outcome.batches_processed += 1
        outcome.successful += len(batch)
        outcome.written.extend(batch)
    return outcome
