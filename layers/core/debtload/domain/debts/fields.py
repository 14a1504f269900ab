"""One debt's fields, checked and normalised (the Batch Create Debts API's per-debt rules), with no I/O.

Plain Python over the parsed JSON rather than a pydantic model per debt: a batch of 1,000 must fit the 80 ms
of docs/performance.md, errors must come out in the seed's `{field: [messages]}` shape, and every failing
field of a row is reported at once rather than the first one only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final
from urllib.parse import urlsplit

from debtload.domain.pricing import DEFAULT_PRICES, Destination, PriceTable, destination_for
from debtload.validation.amounts import parse_amount
from debtload.validation.civility import normalize_civility
from debtload.validation.currency import check_currency
from debtload.validation.dates import parse_iso_date
from debtload.validation.email import check_email_syntax
from debtload.validation.iban import check_iban
from debtload.validation.phone import normalize_phone

MAX_NAME_LENGTH: Final = 100
MAX_TEXT_LENGTH: Final = 500
MAX_ID_LENGTH: Final = 128
MAX_URL_LENGTH: Final = 2048
MAX_METADATA_KEYS: Final = 100
MAX_METADATA_BYTES: Final = 10_000  # keeps a debt far below DynamoDB's 400 KB item limit
START_MODES: Final = ("immediate", "next_day")
DEFAULT_START_MODE: Final = "immediate"

TEXT_FIELDS: Final = (
    "object", "address", "street_address", "street_number", "postal_code", "city", "country",
    "company", "debtor_company",
)  # fmt: skip
DATE_FIELDS: Final = ("birthdate", "invoice_date", "due_date")
# Every field a debt may carry; anything else in a row is ignored (CRM exports carry extras).
KNOWN_FIELDS: Final = frozenset(
    {"firstname", "lastname", "civility", "phone", "email", "amount", "currency", "iban",
     "internal_id", "payment_link", "timeline_id", "timeline_start_mode", "metadata", "temp_id",
     "accept_expensive_destination", *TEXT_FIELDS, *DATE_FIELDS}
)  # fmt: skip

Errors = dict[str, list[str]]


@dataclass(frozen=True, slots=True)
class DebtFields:
    """A valid debt's normalised values. `phone` is E.164; `amount` a 2-place Decimal; dates ISO."""

    values: dict[str, Any]
    phone_region: str | None
    destination: Destination | None

    @property
    def internal_id(self) -> str | None:
        value = self.values.get("internal_id")
        return value if isinstance(value, str) else None


@dataclass(slots=True)
class DebtCheck:
    """The outcome of checking one row: `fields` when it is valid, else `errors` (and the
    destination when the failure is an expensive one, so the caller can show its price)."""

    fields: DebtFields | None
    errors: Errors = field(default_factory=dict)
    destination: Destination | None = None


def check_debt(
    row: Mapping[str, Any],
    *,
    accept_expensive_destination: bool = False,
    prices: PriceTable = DEFAULT_PRICES,
) -> DebtCheck:
    """Check every field of `row`; the batch-level opt-in and the row's own one both accept an
    expensive destination."""
    errors: Errors = {}
    values: dict[str, Any] = {}

    for name in ("firstname", "lastname"):
        text, message = _name(row.get(name), "First name" if name == "firstname" else "Last name")
        _keep(values, errors, name, text, message)

    civility = normalize_civility(row.get("civility"))
    _keep(values, errors, "civility", civility.value, civility.error)

    amount, message = _amount(row.get("amount"))
    _keep(values, errors, "amount", amount, message)
    currency = check_currency(row.get("currency"))
    _keep(values, errors, "currency", currency.code, currency.error)

    phone_region, destination, expensive_refused = _check_contact(
        row, values, errors, accept_expensive_destination, prices
    )
    _check_dates(row, values, errors)

    for name in TEXT_FIELDS:
        _optional(values, errors, name, row.get(name), _text)
    _optional(values, errors, "internal_id", row.get("internal_id"), _identifier)
    _optional(values, errors, "timeline_id", row.get("timeline_id"), _identifier)
    _optional(values, errors, "payment_link", row.get("payment_link"), _url)
    _optional(values, errors, "metadata", row.get("metadata"), _metadata)
    _optional(values, errors, "accept_expensive_destination", row.get("accept_expensive_destination"), _flag)
    mode = row.get("timeline_start_mode")
    if not _blank(mode):
        if mode in START_MODES:
            values["timeline_start_mode"] = mode
        else:
            errors["timeline_start_mode"] = [
                f"Invalid timeline_start_mode {mode!r}: use immediate or next_day"
            ]
    raw_iban = row.get("iban")
    if not _blank(raw_iban):
        iban = check_iban(raw_iban)
        _keep(values, errors, "iban", iban.normalized, None if iban.ok else f"Invalid IBAN: {iban.message}")

    if errors:
        return DebtCheck(None, errors, expensive_refused)
    return DebtCheck(DebtFields(values, phone_region, destination))


def expensive_destination_message(destination: Destination) -> str:
    return (
        f"Expensive destination: calls to {destination.country} ({destination.zone} zone) cost "
        f"{destination.credits_per_call} credits per call ({destination.multiplier:.1f}x France). "
        "Set accept_expensive_destination to true on the batch or on this debt to accept it"
    )


def destination_json(destination: Destination) -> dict[str, Any]:
    return {
        "country": destination.country,
        "zone": destination.zone,
        "credits_per_call": destination.credits_per_call,
    }


def _check_contact(
    row: Mapping[str, Any],
    values: dict[str, Any],
    errors: Errors,
    accept_expensive_destination: bool,
    prices: PriceTable,
) -> tuple[str | None, Destination | None, Destination | None]:
    """Phone and e-mail: at least one, each valid when given. Returns the phone's region, its
    destination, and that destination again when it is expensive and not accepted."""
    phone_region = None
    destination = None
    expensive_refused = None
    raw_phone: Any = row.get("phone")
    raw_email: Any = row.get("email")
    has_phone, has_email = not _blank(raw_phone), not _blank(raw_email)
    if has_phone:
        phone = normalize_phone(str(raw_phone) if isinstance(raw_phone, int) else raw_phone)
        if phone.error is not None:
            errors["phone"] = [phone.error]
        else:
            phone_region = phone.region
            destination = destination_for(str(phone.region), prices)
            opted_in = accept_expensive_destination or row.get("accept_expensive_destination") is True
            if destination.expensive and not opted_in:
                errors["phone"] = [expensive_destination_message(destination)]
                expensive_refused = destination
            values["phone"] = phone.e164
    if has_email:
        email = check_email_syntax(raw_email)
        _keep(values, errors, "email", email.normalized, email.error)
    if not has_phone and not has_email:
        message = "A valid phone number or email address is required"
        errors["phone"] = [message]
        errors["email"] = [message]
    return phone_region, destination, expensive_refused


def _check_dates(row: Mapping[str, Any], values: dict[str, Any], errors: Errors) -> None:
    for name in DATE_FIELDS:
        raw = row.get(name)
        if not _blank(raw):
            parsed = parse_iso_date(raw)
            message = None if parsed else f"Invalid date {raw!r}: use the YYYY-MM-DD format"
            _keep(values, errors, name, parsed.isoformat() if parsed else None, message)
    invoice, due = values.get("invoice_date"), values.get("due_date")
    if invoice and due and due < invoice:  # ISO dates order as strings
        errors.setdefault("due_date", []).append(f"Due date {due} is before the invoice date {invoice}")


# Field checks: each returns (stored value, None) or (None, message).


def _keep(values: dict[str, Any], errors: Errors, name: str, value: Any, message: str | None) -> None:
    if message is not None:
        errors[name] = [message]
    elif value is not None:
        values[name] = value


def _optional(
    values: dict[str, Any],
    errors: Errors,
    name: str,
    raw: Any,
    check: Callable[[Any], tuple[Any, str | None]],
) -> None:
    if not _blank(raw):
        value, message = check(raw)
        _keep(values, errors, name, value, message)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _name(raw: Any, label: str) -> tuple[str | None, str | None]:
    if _blank(raw):
        return None, f"{label} is required"
    if not isinstance(raw, str):
        return None, f"{label} must be a string"
    text = raw.strip()
    if len(text) > MAX_NAME_LENGTH:
        return None, f"{label} must be at most {MAX_NAME_LENGTH} characters"
    return text, None


def _amount(raw: Any) -> tuple[Decimal | None, str | None]:
    if _blank(raw):
        return None, "Amount is required"
    result = parse_amount(raw)
    if result.value is None:
        return None, result.error
    if result.value <= 0:
        return None, f"Amount must be greater than 0, got {raw}"
    return result.value, None


def _text(raw: Any) -> tuple[str | None, str | None]:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = str(raw)  # postal codes and street numbers often arrive as numbers
    if not isinstance(raw, str):
        return None, "Must be a string"
    text = raw.strip()
    if len(text) > MAX_TEXT_LENGTH:
        return None, f"Must be at most {MAX_TEXT_LENGTH} characters"
    return text, None


def _identifier(raw: Any) -> tuple[str | None, str | None]:
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        return None, "Must be a string"
    text = raw.strip()
    if len(text) > MAX_ID_LENGTH:
        return None, f"Must be at most {MAX_ID_LENGTH} characters"
    return text, None


def _url(raw: Any) -> tuple[str | None, str | None]:
    if not isinstance(raw, str) or len(raw) > MAX_URL_LENGTH:
        return None, f"Must be an http(s) URL of at most {MAX_URL_LENGTH} characters"
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None, f"Invalid payment link {raw!r}: use an http(s) URL"
    return raw.strip(), None


def _metadata(raw: Any) -> tuple[dict[str, Any] | None, str | None]:
    if not isinstance(raw, dict):
        return None, "Metadata must be an object"
    if len(raw) > MAX_METADATA_KEYS:
        return None, f"Metadata may have at most {MAX_METADATA_KEYS} keys"
    if len(json.dumps(raw, default=str)) > MAX_METADATA_BYTES:
        return None, f"Metadata must be at most {MAX_METADATA_BYTES:,} bytes as JSON"
    return raw, None


def _flag(raw: Any) -> tuple[bool | None, str | None]:
    return (raw, None) if isinstance(raw, bool) else (None, "Must be true or false")
