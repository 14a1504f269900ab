"""POST /cases, GET /cases/{case_id} and the synchronous note endpoint, with the Ingestion Jobs API's
note field names (seed 003)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from debtload.api.contract.operation import Operation, Reply
from debtload.api.contract.validated_bodies import NoteRequest
from debtload.domain import cases

TAG = "cases"
TAG_DESCRIPTION = (
    "Collection cases (the Ingestion Jobs API's `caseId`) and their notes, one at a time; "
    "POST /ingestion-jobs adds up to 1,000 notes at once."
)

CREATING: Final = (
    "Send an `Idempotency-Key` header to retry safely: the same key and body replay the first answer "
    "(`Idempotent-Replayed: true`). `?dry_run=true` checks and answers without writing anything "
    "(`Dry-Run: true`)."
)


def _described(descriptions: Mapping[str, str]) -> Callable[[dict[str, Any]], None]:
    """Adds a description to each property of a domain model's schema, its types and limits untouched."""

    def describe(schema: dict[str, Any]) -> None:
        for name, text in descriptions.items():
            schema["properties"][name]["description"] = text

    return describe


class CaseRequest(cases.CaseRequest):
    """A new case. Unknown fields are refused."""

    # The domain's own model, as powertools validates the body with it, with descriptions added.
    model_config = ConfigDict(
        json_schema_extra=_described(
            {
                "id": "The case's id, a UUID; generated when missing. A case that exists already is a 409.",
                "debtor_name": "Who owes, as it should appear on the case.",
                "reference": "Your reference for the case (contract, file number...).",
                "amount": "What is owed: greater than 0, at most 2 decimals; a JSON number or a decimal string.",
                "currency": "ISO 4217 code, e.g. `EUR`.",
                "status": "`open` (default), `closed` or `on_hold`.",
            }
        )
    )


class Case(BaseModel):
    id: str = Field(description="The case's id, a UUID: the `caseId` of its notes.")
    debtor_name: str = Field(description="Who owes.")
    reference: str = Field(description="Your reference for the case.")
    amount: float = Field(description="What is owed.")
    currency: str = Field(description="ISO 4217 code.")
    status: Literal["open", "closed", "on_hold"] = Field(description="The case's status.")
    created_at: datetime = Field(description="When it was created, ISO 8601.")


class CaseNote(BaseModel):
    id: str = Field(description="The note's id (derived from externalRef when there is one).")
    caseId: str = Field(description="The case it belongs to.")
    description: str = Field(description="The note's text.")
    eventDate: datetime = Field(description="When the event occurred, ISO 8601 in UTC.")
    externalRef: str | None = Field(None, description="Your reference for the note, or null.")
    createdAt: datetime = Field(description="When it was stored, ISO 8601.")
    source: Literal["api", "ingestion"] = Field(
        description="`api` for this endpoint, `ingestion` for an ingestion job's row."
    )


class CaseNoteAdded(CaseNote):
    duplicate: bool = Field(
        description="True when a note with this externalRef was already there: it is answered, not stored again."
    )


class CaseNoteList(BaseModel):
    results: list[CaseNote] = Field(description="A page of the case's notes, newest first.")
    next_cursor: str | None = Field(
        None, description="Pass it as `cursor` for the next page; null on the last one."
    )


CASE_ID = "123e4567-e89b-12d3-a456-426614174000"
CASE_EXAMPLE: Final = {
    "id": CASE_ID,
    "debtor_name": "Marie Martin",
    "reference": "CTR-2026-0815",
    "amount": 1250.0,
    "currency": "EUR",
}
CASE_ANSWER: Final = {**CASE_EXAMPLE, "status": "open", "created_at": "2026-01-30T16:02:11+00:00"}
NOTE_EXAMPLE: Final = {
    "description": "Contacted debtor by phone. Payment promised for 2026-02-15.",
    "eventDate": "2026-02-01T09:30:00Z",
    "externalRef": "CRM-NOTE-98765",
}
NOTE_ANSWER: Final = {
    "id": "5b0d3c6e-8f2a-5e41-9c7d-1a3b5d7f9e20",
    "caseId": CASE_ID,
    **NOTE_EXAMPLE,
    "createdAt": "2026-02-01T09:31:04+00:00",
    "source": "api",
}

OPERATIONS = {
    ("POST", "/cases"): Operation(
        operation_id="createCase",
        tag=TAG,
        summary="Create a case",
        description="A case that notes attach to, by its `id` (given, or generated). An invalid field is "
        "a 400 naming it; an id that exists already is a 409. " + CREATING,
        responses={201: Reply("The case.", Case, CASE_ANSWER)},
        errors=(400, 409, 422),
        request=CaseRequest,
        request_example=CASE_EXAMPLE,
    ),
    ("GET", "/cases/{case_id}"): Operation(
        operation_id="getCase",
        tag=TAG,
        summary="Read a case",
        description="One case of the tenant; an id that is not a UUID, or not the tenant's, is a 404.",
        responses={200: Reply("The case.", Case, CASE_ANSWER)},
        errors=(400, 404),
    ),
    ("POST", "/cases/{case_id}/notes"): Operation(
        operation_id="addCaseNote",
        tag=TAG,
        summary="Add one note to a case",
        description="Stores one note synchronously, through the same rules as an ingestion job's row: 201 "
        "with the note, or 200 with the note already stored under the same `externalRef` (`duplicate` "
        "true). An unknown case is a 404, an invalid note a 400. For many notes at once use "
        "POST /ingestion-jobs (up to 1,000 rows). " + CREATING,
        responses={
            201: Reply("The note, stored.", CaseNoteAdded, {**NOTE_ANSWER, "duplicate": False}),
            200: Reply(
                "The note already stored under this externalRef; nothing was written.",
                CaseNoteAdded,
                {**NOTE_ANSWER, "duplicate": True},
            ),
        },
        errors=(400, 404, 409, 422),
        request=NoteRequest,
        request_example=NOTE_EXAMPLE,
    ),
    ("GET", "/cases/{case_id}/notes"): Operation(
        operation_id="listCaseNotes",
        tag=TAG,
        summary="List a case's notes",
        description="The case's notes, newest first, a page at a time (`limit` 1 to 100, default 20; "
        "`cursor` from the previous page), whether added here or by an ingestion job.",
        responses={
            200: Reply("A page of notes.", CaseNoteList, {"results": [NOTE_ANSWER], "next_cursor": None})
        },
        errors=(400, 404),
    ),
}
