"""One collection checked against the SEPA Direct Debit rules, with no I/O.

Each failure has a stable `failure_code` (the API's and the bulk listing's) and a message a person
can act on. The checks that need stored state (one debtor IBAN per mandate reference, unique
end-to-end ids) are claims the store makes in the same write as the collection; it reports the ones
another collection holds, and `processing` turns them into failures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from debtload.validation.dates import add_target2_business_days, parse_iso_date, target2_roll_forward
from debtload.validation.iban import check_iban, is_sepa_country, requires_debtor_address
from debtload.validation.sepa_text import MANDATE_REFERENCE_RE, sepa_text_error

SCHEMES: Final = ("core", "b2b")
MAX_END_TO_END_ID: Final = 35
MAX_MESSAGE: Final = 140
MAX_CUSTOM_ID: Final = 256
MAX_NAME: Final = 70  # pain.008 Nm
MAX_TEXT: Final = 1000
ADDRESS_FIELDS: Final = ("street", "building_number", "postal_code", "city", "country")


@dataclass(frozen=True, slots=True)
class Failure:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class CheckedCollection:
    """A valid collection in the seed's shape, with its scheduled date rolled to a TARGET2 day."""

    fields: dict[str, Any]
    requested_date: str | None

    @property
    def mandate_reference(self) -> str:
        return str(self.fields["mandate"]["reference"])

    @property
    def debtor_iban(self) -> str:
        return str(self.fields["mandate"]["debtor"]["iban"])

    @property
    def end_to_end_id(self) -> str | None:
        value = self.fields.get("end_to_end_id")
        return str(value) if value else None

    @property
    def scheduled_date(self) -> str:
        return str(self.fields["scheduled_date"])


def check_collection(body: Any, *, today: date, creditor_id: str | None) -> CheckedCollection | Failure:
    """The first rule a collection breaks, or the collection ready to store."""
    if not creditor_id:
        return Failure(
            "no_sepa_creditor_identifier",
            "The tenant has no SEPA creditor identifier: set sepa_creditor_id with PATCH /settings",
        )
    if not isinstance(body, Mapping):
        return Failure("invalid_request", "A collection must be a JSON object")
    amount = body.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        return Failure(
            "invalid_amount", f"amount must be a whole number of euro cents, at least 1; got {amount!r}"
        )
    currency = body.get("currency", "EUR")
    if currency != "EUR":
        return Failure("unsupported_currency", f"SEPA Direct Debit collects euros only; got {currency!r}")
    mandate = body.get("mandate")
    if not isinstance(mandate, Mapping):
        return Failure("invalid_mandate", "mandate is required: {reference, scheme, signature_date, debtor}")
    checked_mandate = _check_mandate(mandate, today)
    if isinstance(checked_mandate, Failure):
        return checked_mandate
    local = check_iban(body.get("local_iban"))
    if not local.ok:
        return Failure("invalid_local_iban", f"local_iban (the creditor's account): {local.message}")
    texts = _check_texts(body)
    if isinstance(texts, Failure):
        return texts
    when = _schedule(body.get("scheduled_date"), today)
    if isinstance(when, Failure):
        return when
    fields: dict[str, Any] = {
        "amount": amount,
        "mandate": checked_mandate,
        "scheduled_date": when.isoformat(),
        "local_iban": local.normalized,
        **texts,
    }
    requested = body.get("scheduled_date")
    return CheckedCollection(fields, requested if isinstance(requested, str) else None)


def _check_mandate(mandate: Mapping[str, Any], today: date) -> dict[str, Any] | Failure:
    reference = mandate.get("reference")
    if not isinstance(reference, str) or not MANDATE_REFERENCE_RE.fullmatch(reference):
        return Failure(
            "invalid_mandate_reference",
            f"mandate.reference must be 1 to 35 characters among A-Z a-z 0-9 + ? / - : ( ) . , ' and space; got {reference!r}",
        )
    scheme = mandate.get("scheme")
    if scheme not in SCHEMES:
        return Failure("invalid_mandate_scheme", f"mandate.scheme must be core or b2b; got {scheme!r}")
    signed = parse_iso_date(mandate.get("signature_date"))
    if signed is None:
        return Failure("invalid_signature_date", "mandate.signature_date must be a date in YYYY-MM-DD format")
    if signed > today:
        return Failure("signature_date_in_future", f"mandate.signature_date {signed} is in the future")
    debtor = mandate.get("debtor")
    if not isinstance(debtor, Mapping):
        return Failure("invalid_debtor", "mandate.debtor is required: {name, iban, address}")
    name = debtor.get("name")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME:
        return Failure(
            "invalid_debtor_name", f"mandate.debtor.name is required, at most {MAX_NAME} characters"
        )
    iban = check_iban(debtor.get("iban"))
    if not iban.ok:
        return Failure("invalid_debtor_iban", f"mandate.debtor.iban: {iban.message}")
    country = str(iban.country)
    if not is_sepa_country(country):
        return Failure("debtor_iban_not_sepa", f"The debtor's bank ({country}) is outside the SEPA zone")
    address = debtor.get("address")
    checked_address = _check_address(address, required=requires_debtor_address(country), country=country)
    if isinstance(checked_address, Failure):
        return checked_address
    contract = mandate.get("contract_reference")
    if contract is not None and (not isinstance(contract, str) or len(contract) > MAX_TEXT):
        return Failure("invalid_contract_reference", "mandate.contract_reference must be a string")
    checked_debtor: dict[str, Any] = {"name": name.strip(), "iban": iban.normalized}
    if checked_address is not None:
        checked_debtor["address"] = checked_address
    result: dict[str, Any] = {
        "reference": reference,
        "scheme": scheme,
        "signature_date": signed.isoformat(),
        "debtor": checked_debtor,
    }
    if contract is not None:
        result["contract_reference"] = contract
    return result


def _check_address(address: Any, *, required: bool, country: str) -> dict[str, str] | Failure | None:
    if address is None:
        if required:
            return Failure(
                "missing_debtor_address",
                f"mandate.debtor.address is required: the debtor's bank ({country}) is outside the EEA",
            )
        return None
    if not isinstance(address, Mapping):
        return Failure("invalid_debtor_address", "mandate.debtor.address must be an object")
    checked = {k: str(address[k]).strip() for k in ADDRESS_FIELDS if address.get(k) not in (None, "")}
    if required and not {"city", "country"} <= set(checked):
        return Failure(
            "missing_debtor_address",
            f"mandate.debtor.address needs at least a city and a country: the debtor's bank ({country}) is outside the EEA",
        )
    return checked


def _check_texts(body: Mapping[str, Any]) -> dict[str, Any] | Failure:
    texts: dict[str, Any] = {}
    e2e = body.get("end_to_end_id")
    if e2e is not None:
        error = (
            sepa_text_error(e2e, MAX_END_TO_END_ID, "end_to_end_id")
            if isinstance(e2e, str)
            else "must be a string"
        )
        if error or not e2e:
            return Failure("invalid_end_to_end_id", error or "end_to_end_id must not be empty")
        texts["end_to_end_id"] = e2e
    message = body.get("message")
    if message is not None:
        error = (
            sepa_text_error(message, MAX_MESSAGE, "message")
            if isinstance(message, str)
            else "must be a string"
        )
        if error:
            return Failure("invalid_message", error)
        texts["message"] = message
    custom_id = body.get("custom_id")
    if custom_id is not None:
        if not isinstance(custom_id, str) or len(custom_id) > MAX_CUSTOM_ID:
            return Failure(
                "invalid_custom_id", f"custom_id must be a string of at most {MAX_CUSTOM_ID} characters"
            )
        texts["custom_id"] = custom_id
    for name in ("internal_note", "custom_metadata"):
        value = body.get(name)
        if value is not None:
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                return Failure(f"invalid_{name}", f"{name} must be a string of at most {MAX_TEXT} characters")
            texts[name] = value
    return texts


def _schedule(raw: Any, today: date) -> date | Failure:
    """The collection date: the requested day, rolled to a TARGET2 business day, and at least one
    TARGET2 day after today (D-1: the bank needs the file the business day before)."""
    earliest = add_target2_business_days(today, 1)
    if raw is None:
        return earliest
    requested = parse_iso_date(raw)
    if requested is None:
        return Failure(
            "invalid_scheduled_date", f"scheduled_date must be a date in YYYY-MM-DD format; got {raw!r}"
        )
    if requested < today:
        return Failure(
            "scheduled_date_in_past",
            f"scheduled_date {requested} is in the past (today is {today}); send a date from {earliest} on",
        )
    return max(target2_roll_forward(requested), earliest)
