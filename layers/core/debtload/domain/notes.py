"""Case notes: the one note-writing path for the sync endpoint and for ingestion-job rows.

A note's id is deterministic: from its externalRef when it has one (re-sending the same CRM export
creates no second note, and the row still counts as succeeded, because the note is there), else from
the job and row (a chunk re-run overwrites its own notes). Only the sync endpoint without an
externalRef mints a random id, and Idempotency-Key covers its retries.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

NOTE_TYPE = 0  # PartnerIngestEventType.Note, the only type the Ingestion Jobs API supports
MAX_DESCRIPTION = 10_000
MAX_EXTERNAL_REF = 255
CLOCK_SKEW = timedelta(minutes=5)
_NAMESPACE = uuid.UUID("6f1c7d1e-2d0a-4f0e-9a57-3c2d1b0a9e88")


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    case_id: str
    description: str
    event_date: str
    external_ref: str | None
    created_at: str
    source: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "caseId": self.case_id,
            "description": self.description,
            "eventDate": self.event_date,
            "externalRef": self.external_ref,
            "createdAt": self.created_at,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class NoteInput:
    """One note as sent: a sync request body or an ingestion row."""

    case_id: Any
    description: Any
    event_date: Any = None
    external_ref: Any = None


@dataclass(frozen=True, slots=True)
class NoteResult:
    note: Note | None
    error: str | None = None
    duplicate: bool = False


class NoteStore(Protocol):
    def existing_cases(self, tenant_id: str, case_ids: Sequence[str]) -> set[str]: ...

    def existing_notes(self, tenant_id: str, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (case_id, note_id) pairs exist already."""
        ...

    def put_notes(self, tenant_id: str, notes: Sequence[Note]) -> None: ...

    def list_notes(
        self, tenant_id: str, case_id: str, cursor: str | None, limit: int
    ) -> tuple[list[Note], str | None]: ...


def parse_event_date(raw: Any, default: datetime, now: datetime) -> tuple[str | None, str | None]:
    """(ISO 8601 UTC date, error). A missing date is the submission time, as in the Ingestion Jobs API."""
    if raw is None or raw == "":
        return default.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"), None
    if not isinstance(raw, str):
        return None, "eventDate must be an ISO 8601 UTC date-time string"
    try:
        parsed = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        return None, f"eventDate is not an ISO 8601 date-time: {raw!r}"
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if parsed > now + CLOCK_SKEW:
        return None, "eventDate is in the future"
    return parsed.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"), None


def _check(item: NoteInput) -> tuple[str | None, str | None]:
    """(normalised case id, error) for the fields that need no lookup."""
    try:
        case_id = str(uuid.UUID(str(item.case_id)))
    except (ValueError, TypeError, AttributeError):
        return None, f"caseId must be a UUID, got {repr(item.case_id)[:80]}"
    if not isinstance(item.description, str) or not item.description.strip():
        return None, "description is required and must not be empty"
    if len(item.description) > MAX_DESCRIPTION:
        # Refused before any write, with its size: DynamoDB would refuse a note over 400 KB anyway,
        # and the caller needs to know which field to shorten and by how much.
        return None, (
            f"description is {len(item.description):,} characters "
            f"({len(item.description.encode()):,} bytes); at most {MAX_DESCRIPTION} characters are accepted"
        )
    if item.external_ref is not None and (
        not isinstance(item.external_ref, str)
        or not item.external_ref
        or len(item.external_ref) > MAX_EXTERNAL_REF
    ):
        return None, f"externalRef must be a non-empty string of at most {MAX_EXTERNAL_REF} characters"
    return case_id, None


def note_id(tenant_id: str, case_id: str, external_ref: str | None, fallback: str) -> str:
    if external_ref:
        return str(uuid.uuid5(_NAMESPACE, f"{tenant_id}/{case_id}/ref/{external_ref}"))
    return fallback


def write_notes(
    store: NoteStore,
    tenant_id: str,
    items: Sequence[NoteInput],
    *,
    fallback_ids: Sequence[str],
    submitted_at: datetime,
    source: str,
    dry_run: bool = False,
    now: datetime | None = None,
) -> list[NoteResult]:
    """Validate and write notes; one result per item, in order. A failed item never blocks the others."""
    now = now or datetime.now(UTC)
    created_at = now.isoformat(timespec="seconds")
    checked: list[tuple[Note | None, str | None]] = []
    for item, fallback in zip(items, fallback_ids, strict=True):
        case_id, error = _check(item)
        event_date, date_error = (
            (None, None) if error else parse_event_date(item.event_date, submitted_at, now)
        )
        error = error or date_error
        if error or case_id is None or event_date is None:
            checked.append((None, error))
            continue
        ref = item.external_ref if isinstance(item.external_ref, str) else None
        checked.append(
            (
                Note(
                    note_id(tenant_id, case_id, ref, fallback),
                    case_id,
                    item.description,
                    event_date,
                    ref,
                    created_at,
                    source,
                ),
                None,
            )
        )
    candidates = [note for note, _ in checked if note is not None]
    # A case of another tenant is looked up under this tenant's key, so it reads as not found.
    cases = store.existing_cases(tenant_id, sorted({n.case_id for n in candidates}))
    by_ref = [(n.case_id, n.id) for n in candidates if n.external_ref and n.case_id in cases]
    already = store.existing_notes(tenant_id, by_ref) if by_ref else set()
    results: list[NoteResult] = []
    to_write: dict[tuple[str, str], Note] = {}
    for note, error in checked:
        if note is None:
            results.append(NoteResult(None, error))
        elif note.case_id not in cases:
            results.append(NoteResult(None, "case not found"))
        elif (note.case_id, note.id) in already or (
            note.external_ref and (note.case_id, note.id) in to_write
        ):
            results.append(NoteResult(note, duplicate=True))
        else:
            to_write[(note.case_id, note.id)] = note
            results.append(NoteResult(note))
    if to_write and not dry_run:
        store.put_notes(tenant_id, list(to_write.values()))
    return results


def results_summary(results: Sequence[NoteResult]) -> Mapping[str, int]:
    ok = sum(1 for r in results if r.note is not None)
    return {"succeeded": ok, "failed": len(results) - ok}
