"""GET /call-runs/{id} and GET /call-runs/{id}/calls: the calls `initiateCall` (or a customers file with
initiate-call) started, in batches of 500."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, Field

from debtload.api.contract.operation import Operation, Reply

TAG = "call-runs"
TAG_DESCRIPTION = (
    "Call runs: the calls to a campaign's customers that `POST /customers/add/bulk` with initiateCall "
    "started, placed in batches of 500 by the InitiateCalls workflow, with their progress and outcome."
)


class CallRunBatch(BaseModel):
    """One batch that has reported."""

    index: int = Field(description="The batch's index, from 0.")
    initiated: int = Field(description="Calls the dialer accepted.")
    failed: int = Field(description="Calls that failed (e.g. credits short, destination refused).")


class CallRun(BaseModel):
    """A call run's progress while it runs, or its outcome once ended."""

    id: str = Field(description="The call run's id.")
    campaignId: str | None = Field(None, description="The campaign whose customers are called.")
    batchSize: int = Field(description="Calls per batch (500 by default).")
    batchesTotal: int = Field(description="How many batches the run has.")
    createdAt: str | None = Field(None, description="When the run was created, ISO 8601.")
    status: Literal["running", "succeeded", "partially_failed", "failed", "canceled"] = Field(
        description="`running` until every batch has reported; then `succeeded` (no call failed), "
        "`failed` (none was placed or skipped, or the workflow failed: see `error`) or `partially_failed`; "
        "`canceled` when its customers file's job was canceled (calls not dialed yet are not placed, and "
        "their credits are given back)."
    )
    customers: int | None = Field(None, description="Customers to call.")
    initiated: int = Field(description="Calls placed so far.")
    failed: int = Field(description="Calls failed so far.")
    skipped: int = Field(description="Calls skipped so far (outside the call window), not charged.")
    batchesProcessed: int = Field(description="Batches that have reported.")
    batches: list[CallRunBatch] | None = Field(
        None, description="The batches that have reported, by index (null for a run that never started)."
    )
    creditsReserved: int = Field(description="Credits reserved for the calls placed.")
    error: str | None = Field(None, description="Why the run failed, when the workflow failed.")


class CallRunCall(BaseModel):
    """One call of a run."""

    callId: str = Field(description="The call's id, the dialer's idempotency token.")
    customerId: str = Field(description="The customer's loan_id or lead_id.")
    phoneNumber: str = Field(description="The number called, E.164.")
    batch: int = Field(description="The batch the call belongs to.")
    status: Literal["requested", "failed", "skipped", "pending"] = Field(
        description="`requested`: the dialer accepted it; `failed` or `skipped` with a `reason`; "
        "`pending`: its batch has not reached it yet."
    )
    reason: str | None = Field(None, description="Why it failed or was skipped; null otherwise.")


class CallRunCallsPage(BaseModel):
    """One batch of calls a page."""

    results: list[CallRunCall] = Field(description="The calls of this batch, optionally of one status.")
    next_cursor: str | None = Field(None, description="`cursor` of the next batch; null after the last.")


RUN_EXAMPLE: Final = {
    "id": "9a8b7c6d-5e4f-5a3b-8c2d-1e0f9a8b7c6d",
    "campaignId": "4b3c2d1e-0f9a-4b8c-9d7e-6f5a4b3c2d1e",
    "batchSize": 500,
    "batchesTotal": 1,
    "createdAt": "2026-03-01T08:05:00.000000+00:00",
    "status": "succeeded",
    "customers": 3,
    "initiated": 3,
    "failed": 0,
    "skipped": 0,
    "batchesProcessed": 1,
    "batches": [{"index": 0, "initiated": 3, "failed": 0}],
    "creditsReserved": 75,
}
CALLS_EXAMPLE: Final = {
    "results": [
        {
            "callId": "3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c",
            "customerId": "LN-00001",
            "phoneNumber": "+33612340001",
            "batch": 0,
            "status": "requested",
            "reason": None,
        }
    ],
    "next_cursor": None,
}

OPERATIONS = {
    ("GET", "/call-runs/{run_id}"): Operation(
        operation_id="getCallRun",
        tag=TAG,
        summary="Progress and outcome of a call run",
        description="A call run's counts: while `running`, from the batches (of 500 calls) that have "
        "reported; once ended, its stored outcome, with `error` when the workflow failed.",
        responses={200: Reply("The call run.", CallRun, example=RUN_EXAMPLE)},
        errors=(400, 404),
    ),
    ("GET", "/call-runs/{run_id}/calls"): Operation(
        operation_id="listCallRunCalls",
        tag=TAG,
        summary="The calls of a run, a batch a page",
        description="The calls of one batch (up to 500) a page, with their state; `status` keeps one state "
        "(`requested`, `failed`, `skipped`, `pending`), `cursor` is the `next_cursor` of the previous page.",
        responses={200: Reply("One batch of calls.", CallRunCallsPage, example=CALLS_EXAMPLE)},
        errors=(400, 404),
    ),
}
