"""What the collections routes answer: a bulk's counts (seed 001), a collection (confirmed or later, or
failed with the fields as sent), a bulk's page of collections, and pain.008 exports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, RootModel

from debtload.api.contract.collection_requests import CollectionMandate

# ---- bulks


class CollectionsBulk(BaseModel):
    """A bulk's aggregated state, as the bank's API answers it."""

    id: str = Field(description="The bulk's id (its job's id: `GET /jobs/{id}/rows` lists its rows too).")
    collections_total: int = Field(description="How many collections the bulk holds.")
    collections_confirmed: int = Field(
        description="Collections confirmed (ready for, or in, a bank file), less those canceled since."
    )
    collections_canceled: int = Field(
        description="Collections of the bulk canceled since; after `POST /jobs/{job_id}/cancel`, also the "
        "collections the cancel skipped."
    )
    collections_failed: int = Field(description="Collections that broke a rule.")
    status: Literal["pending", "awaiting_approval", "completed"] = Field(
        description="`completed` once every collection has been processed (initiated, not settled); "
        "`awaiting_approval`: validated, waiting for another key to approve or reject it."
    )
    approval: Literal["awaiting", "approved", "rejected"] | None = Field(
        None,
        description="Only on a bulk created with `require_approval`: whether it is still awaiting a "
        "decision, or was approved or rejected.",
    )
    canceled: bool | None = Field(
        None,
        description="Only on a bulk canceled with `POST /jobs/{job_id}/cancel`: true. It is `completed`, "
        "its unprocessed collections counted in `collections_canceled`.",
    )


class CollectionDryRunVerdict(BaseModel):
    """What one collection of a dry run would become."""

    index: int = Field(description="The collection's position in the request, from 0.")
    status: Literal["confirmed", "failed"] = Field(description="What the collection would be.")
    failure_code: str | None = Field(None, description="The rule it breaks, when it would fail.")
    failure_message: str | None = Field(None, description="Why, for a person, when it would fail.")


class CollectionsBulkDryRun(BaseModel):
    """`?dry_run=true`: the counts a bulk would have, and each collection's verdict; nothing is stored."""

    id: None = Field(None, description="Always null: a dry run creates no bulk.")
    collections_total: int = Field(description="How many collections were checked.")
    collections_confirmed: int = Field(description="How many would be confirmed.")
    collections_canceled: int = Field(description="Always 0.")
    collections_failed: int = Field(description="How many would fail.")
    status: Literal["dry_run"] = Field(description="Always `dry_run`.")
    results: list[CollectionDryRunVerdict] = Field(
        description="One verdict per collection, in request order."
    )


class CollectionsBulkAnswer(
    RootModel[Annotated[CollectionsBulk | CollectionsBulkDryRun, Field(discriminator="status")]]
):
    """The new bulk (`pending`), or with `?dry_run=true` the dry run's report (`dry_run`)."""


# ---- collections

ACTIVE_STATUSES = Literal["pending", "scheduled", "confirmed", "canceled", "exported"]


class ActiveCollection(BaseModel):
    """A collection that passed every rule: its fields as normalised (IBANs without spaces, the date rolled
    to a TARGET2 day), and where it is now."""

    id: str = Field(description="The collection's id.")
    amount: int = Field(description="The amount in euro cents.")
    mandate: CollectionMandate = Field(description="The mandate, as normalised.")
    scheduled_date: dt.date = Field(description="The collection date, rolled to a TARGET2 business day.")
    local_iban: str = Field(description="The creditor's account, without spaces.")
    message: str | None = Field(None, description="Remittance text for the debtor, when sent.")
    end_to_end_id: str | None = Field(None, description="The end-to-end id, when sent.")
    internal_note: str | None = Field(None, description="The creditor's note, when sent.")
    custom_id: str | None = Field(None, description="The creditor's own id, when sent.")
    custom_metadata: str | None = Field(None, description="The free text sent with it, when sent.")
    status: ACTIVE_STATUSES = Field(
        description="`confirmed`: ready for the bank file; `exported`: in a pain.008 file; `canceled`."
    )
    requested_scheduled_date: str | None = Field(
        None, description="The date asked for, when it differs from `scheduled_date` (it was rolled)."
    )
    bulk_id: str | None = Field(None, description="The bulk it came in, if any.")
    export_id: str | None = Field(None, description="The export whose bank file holds it, once exported.")
    created_at: str = Field(description="When it was created, ISO 8601 in UTC.")
    updated_at: str = Field(description="When it last changed, ISO 8601 in UTC.")


class FailedCollection(BaseModel):
    """A collection that broke a rule: its fields as sent (of any type, since they failed), and why."""

    id: str = Field(description="The collection's id.")
    status: Literal["failed"] = Field(description="Always `failed`.")
    failure_code: str = Field(description="The rule it broke, e.g. `scheduled_date_in_past`.")
    failure_message: str = Field(description="Why, for a person.")
    amount: Any = Field(None, description="The amount as sent.")
    mandate: Any = Field(None, description="The mandate as sent.")
    scheduled_date: Any = Field(None, description="The collection date as sent.")
    local_iban: Any = Field(None, description="The creditor's account as sent.")
    body: Any = Field(None, description="What was sent, when it was not a JSON object.")
    requested_scheduled_date: str | None = Field(
        None, description="The date asked for, when it differed from a rolled `scheduled_date`."
    )
    bulk_id: str | None = Field(None, description="The bulk it came in, if any.")
    created_at: str = Field(description="When it was processed, ISO 8601 in UTC.")
    updated_at: str = Field(description="When it last changed, ISO 8601 in UTC.")


class Collection(RootModel[Annotated[ActiveCollection | FailedCollection, Field(discriminator="status")]]):
    """A collection: confirmed (or exported, canceled), or failed with its `failure_code`."""


class BulkCollectionsPage(BaseModel):
    """A page of a bulk's collections, in the bulk's order."""

    results: list[Collection] = Field(description="The collections of this page.")
    next_page_token: str | None = Field(None, description="`page_token` of the next page; null on the last.")
    prev_page_token: str | None = Field(
        None, description="`page_token` of the previous page; null on the first."
    )


# ---- exports


class CollectionsExportFile(BaseModel):
    """One pain.008.001.02 file: one creditor account, scheme, sequence type and collection date."""

    name: str = Field(description="The file's name.")
    key: str = Field(description="Its S3 key in the imports bucket, `exports/<tenant>/<export id>/<name>`.")
    creditor_iban: str = Field(description="The creditor account the file credits.")
    scheme: Literal["core", "b2b"] = Field(description="The SEPA scheme of its collections.")
    sequence_type: str = Field(description="The SEPA sequence type, `RCUR` for every debit.")
    collection_date: str = Field(description="The collection date of its debits, YYYY-MM-DD.")
    collections: int = Field(description="How many collections it holds.")
    total_amount: int = Field(description="Their total, in euro cents.")
    collection_ids: list[str] = Field(description="The ids of its collections.")
    download_url: str = Field(description="A presigned link to the file, valid for an hour.")


class CollectionsExport(BaseModel):
    """A bank-file export: the files and what they hold."""

    id: str = Field(description="The export's id.")
    date: str = Field(description="The last collection date exported, YYYY-MM-DD.")
    created_at: str = Field(description="When the export was made, ISO 8601 in UTC.")
    collections: int = Field(description="How many collections were exported.")
    total_amount: int = Field(description="Their total, in euro cents.")
    files: list[CollectionsExportFile] = Field(description="The files; empty when nothing was due.")


class CollectionsExportDryRun(BaseModel):
    """`?dry_run=true`: how many collections an export would take; nothing is built or moved."""

    id: None = Field(None, description="Always null: a dry run creates no export.")
    date: str = Field(description="The last collection date an export would take, YYYY-MM-DD.")
    collections: int = Field(description="How many confirmed collections are due by then.")
