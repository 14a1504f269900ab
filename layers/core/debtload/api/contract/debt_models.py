"""The debts' models in the contract: a debt as sent (a batch row, POST /debts, a PATCH) and as
answered (a stored debt, the batch's created/failed/skipped report).

They document; the domain decides (domain/debts/fields.py checks every row on its own, so one bad row
never rejects the other 999). Limits here are the domain's."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from debtload.domain.debts import batch, fields, timelines

Civility = Literal["M.", "Mme"]
StartMode = Literal["immediate", "next_day"]
Zone = Literal["france", "eu", "dom_tom", "maghreb", "international"]
Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri", "maxLength": fields.MAX_URL_LENGTH})]

_DATE = "YYYY-MM-DD only."
_TEXT = f"At most {fields.MAX_TEXT_LENGTH} characters."


class _OptionalDebtFields(BaseModel):
    """What a debt may carry besides its names, amount and currency."""

    civility: str | None = Field(
        None,
        description="`M.` or `Mme`; `Mr`, `Monsieur`, `Mrs`, `Madame`, `Mlle`... are read as one of them. "
        "When missing and `firstname` is set, the batch's `auto_civility` infers it (billed).",
    )
    phone: str | int | None = Field(
        None,
        description="The debtor's phone; phone or email is required. Stored in E.164; French numbers "
        "without a country code are normalised. French overseas mobiles in national format (069X) are "
        "refused: send them as +590/+596/+262... An expensive destination needs "
        "`accept_expensive_destination`.",
    )
    email: str | None = Field(None, description="The debtor's e-mail address; phone or email is required.")
    iban: str | None = Field(None, description="The debtor's IBAN, checked (country, length, checksum).")
    internal_id: str | int | None = Field(
        None,
        description=f"Your id for the debt (at most {fields.MAX_ID_LENGTH} characters): the upsert key. "
        "Sending a debt again with the same internal_id updates it instead of creating a second one.",
    )
    payment_link: Url | None = Field(
        None,
        description=f"An http(s) URL where the debtor pays, at most {fields.MAX_URL_LENGTH} characters.",
    )
    timeline_id: str | int | None = Field(
        None,
        description="One of your timelines (POST /timelines) to start for this debt; an id that is not "
        "yours is silently dropped.",
    )
    timeline_start_mode: StartMode | None = Field(
        None,
        description="`immediate` (default) starts the timeline today; `next_day` on the debtor's next "
        "business day (weekends, French public holidays and the timeline's excluded days skipped).",
    )
    metadata: dict[str, Any] | None = Field(
        None,
        description=f"Your own key-value data, kept as sent: at most {fields.MAX_METADATA_KEYS} keys "
        f"and {fields.MAX_METADATA_BYTES:,} bytes as JSON.",
    )
    accept_expensive_destination: bool | None = Field(
        None,
        description="Accept this debt's phone even when calls to it are expensive (DOM-TOM, Maghreb...).",
    )
    object: str | None = Field(None, description=f"What the debt is for. {_TEXT}")
    address: str | None = Field(None, description=f"The debtor's address on one line. {_TEXT}")
    street_address: str | None = Field(None, description=f"Street. {_TEXT}")
    street_number: str | int | None = Field(None, description=f"Street number. {_TEXT}")
    postal_code: str | int | None = Field(
        None, description=f"Postal code; send it as a string to keep leading zeros. {_TEXT}"
    )
    city: str | None = Field(None, description=f"City. {_TEXT}")
    country: str | None = Field(None, description=f"Country, e.g. `FR`. {_TEXT}")
    company: str | None = Field(None, description=f"The creditor company the debt is owed to. {_TEXT}")
    debtor_company: str | None = Field(None, description=f"The debtor's company, if any. {_TEXT}")
    birthdate: date | None = Field(None, description=f"The debtor's birth date. {_DATE}")
    invoice_date: date | None = Field(None, description=f"The invoice's date. {_DATE}")
    due_date: date | None = Field(None, description=f"When payment was due, not before invoice_date. {_DATE}")


class DebtInput(_OptionalDebtFields):
    """One debt as sent: a row of POST /debts/batch, or the body of POST /debts. Unknown fields are
    ignored (CRM exports carry extras); a row that is empty or an import template's instruction row is
    skipped, not failed."""

    firstname: str = Field(max_length=fields.MAX_NAME_LENGTH, description="The debtor's first name.")
    lastname: str = Field(max_length=fields.MAX_NAME_LENGTH, description="The debtor's last name.")
    amount: float | str = Field(
        description="What is owed: greater than 0, at most 999,999,999,999.99 and 2 decimals (more "
        "is refused, not rounded). A JSON number or a decimal string such as `1234.56`.",
    )
    currency: str = Field(description="ISO 4217 code, e.g. `EUR`.")
    temp_id: str | int | None = Field(
        None, description="Your reference for this row, echoed in the answer to match results to your data."
    )


class DebtPatch(_OptionalDebtFields):
    """A JSON merge patch of a debt: the fields sent replace the debt's, `null` removes one, and every
    rule is checked again on the whole debt. `internal_id` cannot change; derived fields (civility
    inference, destination, timeline start date) are recomputed."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    firstname: str | None = Field(
        None, max_length=fields.MAX_NAME_LENGTH, description="The debtor's first name; cannot be removed."
    )
    lastname: str | None = Field(
        None, max_length=fields.MAX_NAME_LENGTH, description="The debtor's last name; cannot be removed."
    )
    amount: float | str | None = Field(
        None, description="What is owed, greater than 0, at most 2 decimals; cannot be removed."
    )
    currency: str | None = Field(None, description="ISO 4217 code; cannot be removed.")


class DebtsBatchRequest(BaseModel):
    """Up to 1,000 debts, each validated on its own."""

    debts: list[DebtInput] = Field(
        min_length=1,
        max_length=batch.MAX_DEBTS,
        description=f"1 to {batch.MAX_DEBTS:,} debts. More is a 400 for the whole request; a bad debt "
        "only fails its own row.",
    )
    batch_name: str | None = Field(
        None,
        max_length=batch.MAX_BATCH_NAME,
        description="A name for this import; default `API Batch - DD/MM/YYYY HH:mm` (Paris time).",
    )
    accept_expensive_destination: bool = Field(
        False, description="Accept expensive call destinations (DOM-TOM, Maghreb...) for every debt."
    )
    auto_civility: bool = Field(
        True,
        description="Infer a missing civility from the first name: 1 credit per 100 debts needing it, "
        "rounded up.",
    )
    validate_emails: bool = Field(
        False,
        description="Check e-mail deliverability (MX): 1 credit per 5 billable results; undeliverable "
        "addresses are kept but marked `email_suppressed`.",
    )


class DebtDestination(BaseModel):
    country: str = Field(description="The phone's country, ISO 3166-1 alpha-2.")
    zone: Zone = Field(description="The price zone of calls to it.")
    credits_per_call: int = Field(description="What one AI call to this phone costs, in credits.")


class Debt(BaseModel):
    """A stored debt: its normalised fields (only those it has), and where it came from."""

    id: str = Field(description="The debt's id (a UUID, derived from internal_id when there is one).")
    firstname: str = Field(description="The debtor's first name.")
    lastname: str = Field(description="The debtor's last name.")
    civility: Civility | None = Field(None, description="`M.` or `Mme`, sent or inferred.")
    civility_inferred: bool | None = Field(None, description="True when civility was inferred.")
    phone: str | None = Field(None, description="The phone in E.164.")
    email: str | None = Field(None, description="The e-mail address, normalised.")
    email_suppressed: bool | None = Field(
        None, description="After a deliverability check: true when the address cannot receive mail."
    )
    amount: float = Field(description="What is owed (exact to the cent).")
    currency: str = Field(description="ISO 4217 code.")
    iban: str | None = Field(None, description="The IBAN, normalised (no spaces, upper case).")
    internal_id: str | None = Field(None, description="Your id for the debt, its upsert key.")
    payment_link: Url | None = Field(None, description="Where the debtor pays.")
    timeline_id: str | None = Field(None, description="The timeline started for this debt.")
    timeline_start_mode: StartMode | None = Field(None, description="How the timeline's start was chosen.")
    timeline_start_date: date | None = Field(None, description="The day the timeline starts.")
    metadata: dict[str, Any] | None = Field(None, description="Your key-value data, as sent.")
    temp_id: Any = Field(None, description="The temp_id the debt was sent with, as sent.")
    accept_expensive_destination: bool | None = Field(
        None, description="The debt's own opt-in to an expensive destination, as sent."
    )
    destination: DebtDestination | None = Field(None, description="Where calls to the phone go.")
    object: str | None = Field(None, description="What the debt is for.")
    address: str | None = Field(None, description="The debtor's address on one line.")
    street_address: str | None = Field(None, description="Street.")
    street_number: str | None = Field(None, description="Street number.")
    postal_code: str | None = Field(None, description="Postal code.")
    city: str | None = Field(None, description="City.")
    country: str | None = Field(None, description="Country.")
    company: str | None = Field(None, description="The creditor company.")
    debtor_company: str | None = Field(None, description="The debtor's company.")
    birthdate: date | None = Field(None, description="The debtor's birth date.")
    invoice_date: date | None = Field(None, description="The invoice's date.")
    due_date: date | None = Field(None, description="When payment was due.")
    batch_name: str = Field(description="The name of the import that last wrote the debt.")
    import_id: str = Field(description="The import that last wrote it: `GET /debts?import_id=` lists them.")
    created_at: datetime = Field(description="When the debt was first created, ISO 8601.")
    updated_at: datetime = Field(description="When it was last written, ISO 8601.")


class DebtCreated(Debt):
    updated: bool = Field(
        description="True when a debt with the same internal_id existed and was updated rather than created."
    )


class DebtList(BaseModel):
    results: list[Debt] = Field(description="A page of debts.")
    next_cursor: str | None = Field(
        None, description="Pass it as `cursor` for the next page; null on the last one."
    )


class DebtsBatchCreatedData(BaseModel):
    firstname: str = Field(description="The debtor's first name.")
    lastname: str = Field(description="The debtor's last name.")
    phone: str | None = Field(None, description="The phone in E.164; null when the debt has only an e-mail.")
    email: str | None = Field(None, description="The e-mail address; null when the debt has only a phone.")
    amount: float = Field(description="What is owed.")
    currency: str = Field(description="ISO 4217 code.")


class DebtsBatchCreated(BaseModel):
    index: int = Field(description="The debt's position in `debts`, from 0.")
    temp_id: Any = Field(None, description="The row's temp_id as sent, or null.")
    debt_id: str = Field(description="The stored debt's id.")
    status: Literal["valid"] = Field(description="Always `valid`.")
    data: DebtsBatchCreatedData = Field(description="The debt's main fields, normalised.")
    updated: bool | None = Field(
        None, description="Present and true when an existing debt (same internal_id) was updated."
    )


class DebtsBatchFailed(BaseModel):
    index: int = Field(description="The debt's position in `debts`, from 0.")
    temp_id: Any = Field(None, description="The row's temp_id as sent, or null.")
    data: Any = Field(description="The row exactly as sent, to fix and send again.")
    errors: dict[str, list[str]] = Field(
        description="Messages per field (`debt` when the row is not an object), every failing field at once."
    )
    destination: DebtDestination | None = Field(
        None, description="When the phone is an expensive destination not accepted: where, and its price."
    )


class DebtsBatchSkipped(BaseModel):
    index: int = Field(description="The row's position in `debts`, from 0.")
    reason: str = Field(description="`empty row` or `instruction row` (an import template's header rows).")


class DebtsBatchCredits(BaseModel):
    civility: int = Field(description="Credits for civility inference (1 per 100 debts needing it).")
    email_validation: int = Field(description="Credits for e-mail checks (1 per 5 billable results).")
    total: int = Field(description="Credits charged for this batch (once per import, retries included).")


class DebtsBatchSummary(BaseModel):
    total: int = Field(description="Rows sent.")
    created: int = Field(description="Rows in `created`.")
    failed: int = Field(description="Rows in `failed`.")
    skipped: int = Field(description="Rows in `skipped`.")
    credits_charged: DebtsBatchCredits = Field(description="What the batch cost.")


class DebtsBatchData(BaseModel):
    import_id: str = Field(description="The import's id: `GET /debts?import_id=` lists its debts.")
    batch_name: str = Field(description="The import's name.")
    created: list[DebtsBatchCreated] = Field(description="Debts created or updated, in row order.")
    failed: list[DebtsBatchFailed] = Field(description="Rows refused, in row order, with their errors.")
    skipped: list[DebtsBatchSkipped] = Field(
        description="Empty and instruction rows, not counted as failures."
    )
    summary: DebtsBatchSummary = Field(description="The counts and the credits charged.")


class DebtsBatchResponse(BaseModel):
    """The batch's outcome, row by row: `error` is false even when every debt failed."""

    error: Literal[False] = Field(description="Always false: per-row failures are in `data.failed`.")
    message: str = Field(description="`Batch operation completed`.")
    data: DebtsBatchData = Field(description="The rows' outcomes.")


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class TimelineRequest(BaseModel):
    name: str = Field(
        min_length=1, max_length=timelines.MAX_NAME_LENGTH, description="The timeline's name, not blank."
    )
    excluded_weekdays: list[Weekday | Annotated[int, Field(ge=0, le=6)]] | None = Field(
        None,
        description="Days a `next_day` start skips, besides weekends and holidays: weekday names, or "
        "0 (Monday) to 6 (Sunday). Excluding every day from Monday to Friday is refused.",
    )
    excluded_dates: list[date] | None = Field(
        None,
        max_length=timelines.MAX_EXCLUDED_DATES,
        description=f"Dates a `next_day` start skips, YYYY-MM-DD, at most {timelines.MAX_EXCLUDED_DATES}.",
    )


class Timeline(BaseModel):
    id: str = Field(description="The timeline's id, for a debt's `timeline_id`.")
    name: str = Field(description="The timeline's name.")
    excluded_weekdays: list[Weekday] = Field(description="Weekdays a `next_day` start skips, Monday first.")
    excluded_dates: list[date] = Field(description="Dates a `next_day` start skips, in order.")
    created_at: datetime = Field(description="When it was created, ISO 8601.")


class TimelineList(BaseModel):
    results: list[Timeline] = Field(description="Every timeline of the tenant, oldest first.")
