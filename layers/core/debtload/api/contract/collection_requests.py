"""The bodies the collections routes accept: one collection in the bank's shape (seed 001), the bulk's
envelope, and an export's date. They document; the domain (domain/collections/rules.py) decides, one
collection at a time, so a collection that breaks a rule fails alone with its `failure_code`."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

MAX_BULK_COLLECTIONS = 5000
MANDATE_REFERENCE_PATTERN = r"^[A-Za-z0-9+?/\-:().,' ]{1,35}$"


class CollectionDebtorAddress(BaseModel):
    """The debtor's postal address; at least `city` and `country` when the debtor's bank is outside the EEA."""

    street: str | None = Field(None, description="Street name.")
    building_number: str | None = Field(None, description="Building number in the street.")
    postal_code: str | None = Field(None, description="Postal code.")
    city: str | None = Field(None, description="City.")
    country: str | None = Field(None, description="ISO 3166 alpha-2 country code, e.g. `FR`.")


class CollectionDebtor(BaseModel):
    """Who is debited."""

    name: str = Field(min_length=1, max_length=70, description="The debtor's name, at most 70 characters.")
    iban: str = Field(
        description="The debtor's IBAN (mod-97 and its country's length are checked); the bank must be in "
        "the SEPA zone. Spaces are allowed; it is stored without them."
    )
    address: CollectionDebtorAddress | None = Field(
        None,
        description="Required (at least city and country) when the debtor's bank is outside the EEA "
        "(CH, GB, MC, SM, VA, AD...); optional otherwise.",
    )


class CollectionMandate(BaseModel):
    """The SEPA Direct Debit mandate the debtor signed."""

    reference: str = Field(
        pattern=MANDATE_REFERENCE_PATTERN,
        description="The mandate's unique reference (UMR): 1 to 35 characters among A-Z a-z 0-9 "
        "+ ? / - : ( ) . , ' and space. A reference keeps the one debtor IBAN it was first used with.",
    )
    scheme: Literal["core", "b2b"] = Field(description="The SEPA scheme: `core` (consumers) or `b2b`.")
    signature_date: dt.date = Field(description="When the mandate was signed, YYYY-MM-DD; not in the future.")
    debtor: CollectionDebtor = Field(description="The debtor.")
    contract_reference: str | None = Field(
        None, max_length=1000, description="The contract the mandate covers, e.g. a customer number."
    )


class NewCollection(BaseModel):
    """One SEPA direct-debit collection, as the bank's API takes it."""

    amount: int = Field(ge=1, description="The amount in euro cents, a whole number, at least 1.")
    currency: Literal["EUR"] | None = Field(
        None, description="SEPA Direct Debit collects euros only: `EUR` when given."
    )
    mandate: CollectionMandate = Field(description="The mandate the collection is made under.")
    scheduled_date: dt.date | None = Field(
        None,
        description="The collection date, YYYY-MM-DD, not before today. A day TARGET2 does not settle rolls "
        "to the next TARGET2 day, and it is at least one TARGET2 day after processing; absent, the "
        "earliest such day.",
    )
    local_iban: str = Field(description="The creditor's account to credit (the tenant's IBAN).")
    message: str | None = Field(
        None, max_length=140, description="Remittance text for the debtor: at most 140 SEPA characters."
    )
    end_to_end_id: str | None = Field(
        None,
        min_length=1,
        max_length=35,
        description="The end-to-end id carried to the debtor's bank: at most 35 SEPA characters, unique "
        "per tenant.",
    )
    internal_note: str | None = Field(
        None, max_length=1000, description="A note for the creditor only, never sent to the bank."
    )
    custom_id: str | None = Field(
        None, max_length=256, description="The creditor's own id for the collection, at most 256 characters."
    )
    custom_metadata: str | None = Field(
        None, max_length=1000, description="Free text kept with the collection, at most 1,000 characters."
    )


class CollectionsBulkRequest(BaseModel):
    """The bank's bulk envelope: 1 to 5,000 collections."""

    collections: list[NewCollection] = Field(
        min_length=1,
        max_length=MAX_BULK_COLLECTIONS,
        description="The collections, 1 to 5,000. Each is checked on its own: one that breaks a rule "
        "fails alone, the others go on.",
    )
    require_approval: bool | None = Field(
        None,
        description="`true`: the bulk is validated, then waits (`awaiting_approval`, its valid collections "
        "`pending`, none exported) until another API key with `collections:approve` approves or rejects "
        "it. Absent: the tenant's setting `collections_require_approval` (default false).",
    )


class CollectionsExportRequest(BaseModel):
    """Which collections to export; the body may also be omitted."""

    date: dt.date | None = Field(
        None,
        description="The last collection date to export, YYYY-MM-DD: every confirmed collection due by "
        "then. Absent (or no body): today, in Central European Time.",
    )
