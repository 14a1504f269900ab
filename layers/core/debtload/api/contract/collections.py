"""POST /collections/bulks and GET /collections/bulks/{id} (the bank's bulk collections API, seed 001), a
bulk's collections, single collections, cancellation, and pain.008 exports."""

from __future__ import annotations

import json
from typing import Any, Final

from debtload.api.contract.collection_models import (
    ActiveCollection,
    BulkCollectionsPage,
    Collection,
    CollectionsBulk,
    CollectionsBulkAnswer,
    CollectionsExport,
    CollectionsExportDryRun,
)
from debtload.api.contract.collection_requests import (
    CollectionsBulkRequest,
    CollectionsExportRequest,
    NewCollection,
)
from debtload.api.contract.operation import Operation, Reply

TAG = "collections"
TAG_DESCRIPTION = (
    "SEPA direct-debit collections, as the bank's bulk collections API has them: bulks of up to 5,000 "
    "processed asynchronously, single collections, cancellation, and the pain.008 bank files."
)

CREATING = (
    "An `Idempotency-Key` header makes a retry return the stored answer (422 with another body, 409 while "
    "the first is in flight); `?dry_run=true` checks everything and stores nothing."
)

# The bank's own curl example (seed 001), verbatim.
SEED_BODY: Final[dict[str, Any]] = json.loads(
    '{"collections":[{"amount":500,"mandate":{"reference":"ABC123DEF","scheme":"core","signature_date":"2022-12-01",'
    '"debtor":{"name":"John Doe","iban":"FR2512739000308553756377J95","address":{"street":"rue de la Boétie",'
    '"building_number":"42","postal_code":"75008","city":"Paris","country":"FR"}},"contract_reference":"CUST-1234"},'
    '"scheduled_date":"2022-12-05","local_iban":"FR6430003000509825397888D64","message":"invoice no12345",'
    '"end_to_end_id":"b0bfb42baa2642c2af0ca3e880fcd590","internal_note":"phone bill","custom_id":"637406efda8534de8c0e",'
    '"custom_metadata":"This is some metadata"}]}'
)
# The bank's own answer (seed 001).
SEED_BULK: Final = {
    "id": "fe98f29d-5165-45ff-83f9-d7aa83e970b5",
    "collections_total": 3000,
    "collections_confirmed": 1552,
    "collections_canceled": 2,
    "collections_failed": 57,
    "status": "pending",
}
ONE_COLLECTION: Final = {**SEED_BODY["collections"][0], "scheduled_date": "2026-12-05"}
CONFIRMED: Final = {
    "id": "0f6b1c3e-2a4d-4e5f-8a9b-1c2d3e4f5a6b",
    "amount": 500,
    "mandate": {
        "reference": "ABC123DEF",
        "scheme": "core",
        "signature_date": "2022-12-01",
        "debtor": {
            "name": "John Doe",
            "iban": "FR2512739000308553756377J95",
            "address": {
                "street": "rue de la Boétie",
                "building_number": "42",
                "postal_code": "75008",
                "city": "Paris",
                "country": "FR",
            },
        },
        "contract_reference": "CUST-1234",
    },
    "scheduled_date": "2026-12-07",
    "local_iban": "FR6430003000509825397888D64",
    "end_to_end_id": "b0bfb42baa2642c2af0ca3e880fcd590",
    "message": "invoice no12345",
    "custom_id": "637406efda8534de8c0e",
    "internal_note": "phone bill",
    "custom_metadata": "This is some metadata",
    "status": "confirmed",
    "requested_scheduled_date": "2026-12-05",
    "created_at": "2026-11-30T09:12:00.123456+00:00",
    "updated_at": "2026-11-30T09:12:00.123456+00:00",
}
FAILED: Final = {
    **SEED_BODY["collections"][0],
    "id": "5b1e0c6a-9d2f-5a7e-b3c4-6d7e8f9a0b1c",
    "status": "failed",
    "failure_code": "scheduled_date_in_past",
    "failure_message": "scheduled_date 2022-12-05 is in the past (today is 2026-11-30); send a date from "
    "2026-12-01 on",
    "bulk_id": SEED_BULK["id"],
    "created_at": "2026-11-30T09:12:01.456789+00:00",
    "updated_at": "2026-11-30T09:12:01.456789+00:00",
}
EXPORT: Final = {
    "id": "3c9a7e21-6b4f-4d2a-9e8c-7f1a2b3c4d5e",
    "date": "2026-12-07",
    "created_at": "2026-12-04T16:00:00.000000+00:00",
    "collections": 1,
    "total_amount": 500,
    "files": [
        {
            "name": "3c9a7e21-2026-12-07-core-RCUR-5e0f1a2b.xml",
            "key": "exports/acme/3c9a7e21-6b4f-4d2a-9e8c-7f1a2b3c4d5e/3c9a7e21-2026-12-07-core-RCUR-5e0f1a2b.xml",
            "creditor_iban": "FR6430003000509825397888D64",
            "scheme": "core",
            "sequence_type": "RCUR",
            "collection_date": "2026-12-07",
            "collections": 1,
            "total_amount": 500,
            "collection_ids": ["0f6b1c3e-2a4d-4e5f-8a9b-1c2d3e4f5a6b"],
            "download_url": "https://debtload-imports.s3.amazonaws.com/exports/acme/"
            "3c9a7e21-6b4f-4d2a-9e8c-7f1a2b3c4d5e/3c9a7e21-2026-12-07-core-RCUR-5e0f1a2b.xml?X-Amz-Expires=3600",
        }
    ],
}

APPROVAL: Final = (
    "Four-eyes approval of a bulk created with `require_approval` (or under the tenant's "
    "`collections_require_approval`), once its status is `awaiting_approval`. Needs the scope "
    "`collections:approve` on a key other than the one that created the bulk (403 otherwise). A bulk not "
    "awaiting approval (never held, still being validated, already decided) is a 409; a retry of the "
    "same decision after a failure finishes it and never confirms or cancels a collection twice. "
)
APPROVAL_BULK: Final = {
    "id": "fe98f29d-5165-45ff-83f9-d7aa83e970b5",
    "collections_total": 3,
    "collections_confirmed": 0,
    "collections_canceled": 0,
    "collections_failed": 0,
    "status": "completed",
}

OPERATIONS = {
    ("POST", "/collections/bulks"): Operation(
        operation_id="createCollectionsBulk",
        tag=TAG,
        summary="Queue up to 5,000 SEPA collections",
        description="Creates a bulk of 1 to 5,000 collections (at most 5,000 collections per bulk), "
        "processed asynchronously: the answer is the bulk, `pending`; follow it with `GET "
        "/collections/bulks/{bulk_id}` or the `collections.bulk.completed` webhook. Each collection is "
        "checked on its own, so one that breaks a rule fails alone with its `failure_code`; only the "
        "envelope (no `collections` array, empty, or over 5,000) is a 400. With `?dry_run=true` the answer "
        "is every collection's verdict instead, and nothing is stored. An `Idempotency-Key` header makes "
        "a retry return the stored bulk (422 with another body, 409 while the first is in flight).",
        responses={
            200: Reply(
                "The bulk, `pending` (or its counts if already processed); with `?dry_run=true`, the report.",
                CollectionsBulkAnswer,
                example=SEED_BULK,
            )
        },
        errors=(409, 422),
        request=CollectionsBulkRequest,
        request_example=SEED_BODY,
    ),
    ("GET", "/collections/bulks/{bulk_id}"): Operation(
        operation_id="getCollectionsBulk",
        tag=TAG,
        summary="A bulk's live counts",
        description="The bulk's aggregated state: how many of its collections are confirmed, canceled and "
        "failed, and `completed` once every one has been processed (a completed bulk's collections are "
        "initiated, not settled).",
        responses={200: Reply("The bulk's counts.", CollectionsBulk, example=SEED_BULK)},
        errors=(400, 404),
    ),
    ("POST", "/collections/bulks/{bulk_id}/approve"): Operation(
        operation_id="approveCollectionsBulk",
        tag=TAG,
        summary="Approve a bulk awaiting approval (another key)",
        description=APPROVAL
        + "Approving confirms every valid collection (ready for the bank file) and completes the bulk; "
        "the `collections.bulk.approved` and `collections.bulk.completed` webhooks fire. No body.",
        responses={
            200: Reply(
                "The bulk, completed, its valid collections confirmed.",
                CollectionsBulk,
                example={**APPROVAL_BULK, "collections_confirmed": 3, "approval": "approved"},
            )
        },
        errors=(400, 404, 409),
    ),
    ("POST", "/collections/bulks/{bulk_id}/reject"): Operation(
        operation_id="rejectCollectionsBulk",
        tag=TAG,
        summary="Reject a bulk awaiting approval (another key)",
        description=APPROVAL
        + "Rejecting cancels every valid collection (a failed one stays failed) and completes the bulk; "
        "the `collections.bulk.rejected` and `collections.bulk.completed` webhooks fire. No body.",
        responses={
            200: Reply(
                "The bulk, completed, its valid collections canceled.",
                CollectionsBulk,
                example={**APPROVAL_BULK, "collections_canceled": 3, "approval": "rejected"},
            )
        },
        errors=(400, 404, 409),
    ),
    ("GET", "/collections/bulks/{bulk_id}/collections"): Operation(
        operation_id="listBulkCollections",
        tag=TAG,
        summary="A bulk's collections",
        description="The bulk's collections in request order, `size` a page (1 to 100, default 20), "
        "optionally of one `status` (`pending`, `scheduled`, `confirmed`, `canceled`, `failed`, "
        "`exported`); page with `page_token` (the `next_page_token` or `prev_page_token` of a page). A "
        "failed collection shows its fields as sent and its `failure_code`.",
        responses={
            200: Reply(
                "A page of the bulk's collections.",
                BulkCollectionsPage,
                example={"results": [FAILED], "next_page_token": None, "prev_page_token": None},
            )
        },
        errors=(400, 404),
    ),
    ("POST", "/collections"): Operation(
        operation_id="createCollection",
        tag=TAG,
        summary="Create one SEPA collection, synchronously",
        description="Checks one collection against the SEPA Direct Debit rules and stores it confirmed "
        "(201). A collection that breaks a rule is a 422 whose `code` is its `failure_code` (e.g. "
        "`scheduled_date_in_past`, `invalid_debtor_iban`). " + CREATING,
        responses={201: Reply("The collection, confirmed.", ActiveCollection, example=CONFIRMED)},
        errors=(409, 422),
        request=NewCollection,
        request_example=ONE_COLLECTION,
    ),
    ("GET", "/collections/{collection_id}"): Operation(
        operation_id="getCollection",
        tag=TAG,
        summary="Read one collection",
        description="One collection of the tenant, from a bulk or from `POST /collections`: confirmed, "
        "exported or canceled with its normalised fields, or failed with its fields as sent.",
        responses={200: Reply("The collection.", Collection, example=CONFIRMED)},
        errors=(400, 404),
    ),
    ("POST", "/collections/{collection_id}/cancel"): Operation(
        operation_id="cancelCollection",
        tag=TAG,
        summary="Cancel a collection not yet exported",
        description="Cancels a collection that is not yet in a bank file: it leaves the export queue and "
        "counts as canceled on its bulk. An exported, failed or already canceled collection is a 409. "
        "No body.",
        responses={
            200: Reply(
                "The collection, canceled.",
                ActiveCollection,
                example={**CONFIRMED, "status": "canceled", "updated_at": "2026-12-01T10:00:00.000000+00:00"},
            )
        },
        errors=(400, 404, 409),
    ),
    ("POST", "/collections/exports"): Operation(
        operation_id="createCollectionsExport",
        tag=TAG,
        summary="pain.008 files for the collections due by a date",
        description="Takes every confirmed collection due by `date` (default today), builds one ISO 20022 "
        "pain.008.001.02 file per creditor account, scheme, sequence type and collection date, checks each "
        "against the XSD, stores them and moves their collections to `exported` (201). Exporting the same "
        "day twice exports nothing twice. The tenant needs its SEPA creditor identifier and creditor name "
        "(409 otherwise). The body may be omitted. " + CREATING + " A dry run answers 200 with the count.",
        responses={
            201: Reply(
                "The export, with download links valid for an hour.", CollectionsExport, example=EXPORT
            ),
            200: Reply(
                "With `?dry_run=true`: how many collections would be exported.",
                CollectionsExportDryRun,
                example={"id": None, "date": "2026-12-07", "collections": 1},
            ),
        },
        errors=(409, 422),
        request=CollectionsExportRequest,
        request_example={"date": "2026-12-07"},
        request_required=False,
    ),
    ("GET", "/collections/exports/{export_id}"): Operation(
        operation_id="getCollectionsExport",
        tag=TAG,
        summary="An export's files and download links",
        description="An export's files and what they hold, with fresh download links valid for an hour.",
        responses={200: Reply("The export.", CollectionsExport, example=EXPORT)},
        errors=(400, 404),
    ),
}
