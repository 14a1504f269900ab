"""POST /debts/batch, the single-debt routes and the timelines debts start (the Batch Create Debts API,
seed 000). The models are in debt_models.py; examples are what the domain answers for them."""

from __future__ import annotations

from typing import Any, Final

from debtload.api.contract.debt_models import (
    Debt,
    DebtCreated,
    DebtInput,
    DebtList,
    DebtPatch,
    DebtsBatchRequest,
    DebtsBatchResponse,
    Timeline,
    TimelineList,
    TimelineRequest,
)
from debtload.api.contract.operation import Operation, Reply

TAG = "debts"
TAG_DESCRIPTION = (
    "Debts (the Batch Create Debts API): up to 1,000 debts per request validated row by row, "
    "one debt at a time, and the timelines (collection workflows) debts start."
)

# 402: the tenant's credits do not cover what the request costs (civility inference, e-mail checks);
# nothing is written.
PAYMENT_REQUIRED: Final = (402,)
# What creating POSTs answer besides their own errors: an Idempotency-Key still in flight or whose
# record expired (409), or reused with another body (422).
IDEMPOTENT: Final = (409, 422)
CREATING: Final = (
    "Send an `Idempotency-Key` header to retry safely: the same key and body replay the first answer "
    "(`Idempotent-Replayed: true`). `?dry_run=true` checks and answers without writing anything "
    "(`Dry-Run: true`)."
)

TIMELINE_ID = "0b6f7c1e-3a52-4c8e-9d2f-5e1a7b3c9d40"
IMPORT_ID = "8c1d4e2a-6f3b-5a7c-9e0d-2b4f6a8c1e3d"
DEBT_ID = "741abd53-6dad-5b1e-9667-628d892e2713"

MARIE: Final[dict[str, Any]] = {
    "temp_id": "row-1",
    "firstname": "Marie",
    "lastname": "Martin",
    "phone": "+33612345678",
    "email": "marie.martin@example.com",
    "amount": 150.5,
    "currency": "EUR",
    "internal_id": "INV-2026-0001",
    "invoice_date": "2026-10-01",
    "due_date": "2026-10-31",
    "timeline_id": TIMELINE_ID,
    "timeline_start_mode": "next_day",
}
BATCH_EXAMPLE: Final[dict[str, Any]] = {
    "batch_name": "Relances novembre 2026",
    "debts": [
        MARIE,
        # The seed's unsupported French overseas mobile in national format (069X).
        {"temp_id": "row-2", "firstname": "Jean", "lastname": "Dupont", "civility": "M.",
         "phone": "0690123456", "amount": 89, "currency": "EUR"},
        # An expensive destination (Maghreb) without the opt-in.
        {"temp_id": "row-3", "firstname": "Karim", "lastname": "Benali", "phone": "+212612345678",
         "amount": 1200, "currency": "EUR"},
        # An import template's instruction row: skipped, not failed.
        {"firstname": "*Prénom", "lastname": "*Nom", "amount": "*Montant", "currency": "*Devise"},
    ],
}  # fmt: skip
DEBT_EXAMPLE: Final[dict[str, Any]] = {
    "id": DEBT_ID,
    **{k: v for k, v in MARIE.items() if k != "temp_id"},
    "civility": "Mme",
    "civility_inferred": True,
    "timeline_start_date": "2026-12-01",
    "destination": {"country": "FR", "zone": "france", "credits_per_call": 25},
    "batch_name": "Relances novembre 2026",
    "temp_id": "row-1",
    "import_id": IMPORT_ID,
    "created_at": "2026-11-30T09:12:00+00:00",
    "updated_at": "2026-11-30T09:12:00+00:00",
}
BATCH_ANSWER: Final[dict[str, Any]] = {
    "error": False,
    "message": "Batch operation completed",
    "data": {
        "import_id": IMPORT_ID,
        "batch_name": "Relances novembre 2026",
        "created": [
            {
                "index": 0,
                "temp_id": "row-1",
                "debt_id": DEBT_ID,
                "status": "valid",
                "data": {
                    "firstname": "Marie",
                    "lastname": "Martin",
                    "phone": "+33612345678",
                    "email": "marie.martin@example.com",
                    "amount": 150.5,
                    "currency": "EUR",
                },
            }
        ],
        "failed": [
            {
                "index": 1,
                "temp_id": "row-2",
                "data": BATCH_EXAMPLE["debts"][1],
                "errors": {
                    "phone": [
                        "French overseas mobile numbers in national format (069X/0639) are not supported; "
                        "send the number in international format, e.g. +590690123456"
                    ]
                },
            },
            {
                "index": 2,
                "temp_id": "row-3",
                "data": BATCH_EXAMPLE["debts"][2],
                "errors": {
                    "phone": [
                        "Expensive destination: calls to MA (maghreb zone) cost 125 credits per call "
                        "(5.0x France). Set accept_expensive_destination to true on the batch or on this "
                        "debt to accept it"
                    ]
                },
                "destination": {"country": "MA", "zone": "maghreb", "credits_per_call": 125},
            },
        ],
        "skipped": [{"index": 3, "reason": "instruction row"}],
        "summary": {
            "total": 4,
            "created": 1,
            "failed": 2,
            "skipped": 1,
            "credits_charged": {"civility": 1, "email_validation": 0, "total": 1},
        },
    },
}
SINGLE_EXAMPLE: Final[dict[str, Any]] = {
    "temp_id": "crm-4711",
    "firstname": "Sophie",
    "lastname": "Bernard",
    "email": "sophie.bernard@example.com",
    "amount": "320.00",
    "currency": "EUR",
    "internal_id": "INV-2026-0042",
    "payment_link": "https://pay.example.com/INV-2026-0042",
}
SINGLE_ANSWER: Final[dict[str, Any]] = {
    "id": "49aae82c-703e-50e6-9dae-94ef94133def",
    **{k: v for k, v in SINGLE_EXAMPLE.items() if k != "amount"},
    "amount": 320,
    "civility": "Mme",
    "civility_inferred": True,
    "batch_name": "API",
    "import_id": "2f9e6d4c-1b3a-5c7e-8d0f-4a6b8c2e1f3a",
    "created_at": "2026-11-30T09:12:00+00:00",
    "updated_at": "2026-11-30T09:12:00+00:00",
    "updated": False,
}
PATCH_EXAMPLE: Final = {"amount": 120, "due_date": "2026-11-15"}
TIMELINE_EXAMPLE: Final = {
    "name": "Relance standard",
    "excluded_weekdays": ["saturday"],
    "excluded_dates": ["2026-12-24"],
}
TIMELINE_ANSWER: Final = {"id": TIMELINE_ID, **TIMELINE_EXAMPLE, "created_at": "2026-11-02T08:00:00+00:00"}

OPERATIONS = {
    ("POST", "/debts/batch"): Operation(
        operation_id="createDebtsBatch",
        tag=TAG,
        summary="Create up to 1,000 debts, validated row by row",
        description="Creates or updates (same `internal_id`) up to 1,000 debts per request, synchronously. "
        "Each debt is checked on its own: one that fails never stops the others, so the answer is 200 with "
        "`created`, `failed` (the row as sent and its errors per field) and `skipped` (empty and "
        "instruction rows). Only the envelope (no `debts`, more than 1,000 debts, a flag that is not a "
        "boolean) is a 400. Civility inference and e-mail checks cost credits, charged once per import; "
        "a batch the balance cannot cover writes nothing (402). Rate limit: 50 batch requests per hour "
        "by default. " + CREATING,
        responses={
            200: Reply("Every row's outcome, even when all of them failed.", DebtsBatchResponse, BATCH_ANSWER)
        },
        errors=(*PAYMENT_REQUIRED, *IDEMPOTENT),
        request=DebtsBatchRequest,
        request_example=BATCH_EXAMPLE,
    ),
    ("POST", "/debts"): Operation(
        operation_id="createDebt",
        tag=TAG,
        summary="Create one debt",
        description="One debt under the batch's rules (civility inference included): 201 with the stored "
        "debt, `updated` true when a debt with the same `internal_id` existed; an invalid debt is a 422 "
        "whose details give the messages per field. " + CREATING,
        responses={201: Reply("The debt as stored.", DebtCreated, SINGLE_ANSWER)},
        errors=(*PAYMENT_REQUIRED, *IDEMPOTENT),
        request=DebtInput,
        request_example=SINGLE_EXAMPLE,
    ),
    ("GET", "/debts"): Operation(
        operation_id="listDebts",
        tag=TAG,
        summary="List debts",
        description="The tenant's debts, a page at a time (`limit` 1 to 100, default 50; `cursor` from the "
        "previous page). `import_id` lists the debts of one import: a batch's `data.import_id`, or a "
        "dropped file's job id.",
        responses={
            200: Reply("A page of debts.", DebtList, {"results": [DEBT_EXAMPLE], "next_cursor": None})
        },
        errors=(400,),
    ),
    ("GET", "/debts/{debt_id}"): Operation(
        operation_id="getDebt",
        tag=TAG,
        summary="Read one debt",
        description="One debt of the tenant, with every field it has.",
        responses={200: Reply("The debt.", Debt, DEBT_EXAMPLE)},
        errors=(400, 404),
    ),
    ("PATCH", "/debts/{debt_id}"): Operation(
        operation_id="updateDebt",
        tag=TAG,
        summary="Change a debt",
        description="A JSON merge patch: the fields sent replace the debt's, `null` removes one, then every "
        "rule is checked again on the whole debt (422 when it no longer holds). Unknown or read-only "
        "fields are a 400; `internal_id` cannot change (422). A phone the patch does not touch is not "
        "refused again as an expensive destination.",
        responses={
            200: Reply(
                "The debt as stored now.",
                Debt,
                {
                    **DEBT_EXAMPLE,
                    **PATCH_EXAMPLE,
                    "updated_at": "2026-12-02T14:03:00+00:00",
                },
            )
        },
        errors=(400, 404, 422),
        request=DebtPatch,
        request_example=PATCH_EXAMPLE,
    ),
    ("POST", "/timelines"): Operation(
        operation_id="createTimeline",
        tag=TAG,
        summary="Create a timeline",
        description="A named collection workflow that debts start through their `timeline_id`, with the "
        "weekdays and dates a `next_day` start skips (besides weekends and French public holidays). "
        "An invalid timeline is a 400 naming each field. " + CREATING,
        responses={201: Reply("The timeline.", Timeline, TIMELINE_ANSWER)},
        errors=IDEMPOTENT,
        request=TimelineRequest,
        request_example=TIMELINE_EXAMPLE,
    ),
    ("GET", "/timelines"): Operation(
        operation_id="listTimelines",
        tag=TAG,
        summary="List timelines",
        description="Every timeline of the tenant, oldest first.",
        responses={200: Reply("The timelines.", TimelineList, {"results": [TIMELINE_ANSWER]})},
    ),
}
