"""Bulks of collections (the bank's bulk collections API): the envelope of POST /collections/bulks, the bulk's
aggregated state, and the job engine's row processor that runs each collection."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, Protocol
from zoneinfo import ZoneInfo

from debtload.domain.collections.model import CONFIRMED, PENDING, WAS_CONFIRMED, Collection
from debtload.domain.collections.ports import CollectionStore
from debtload.domain.collections.processing import Incoming, process
from debtload.domain.errors import BadRequest
from debtload.domain.jobs.model import Job, JobRow, JobStatus, RowOutcome

KIND: Final = "collections"
MAX_COLLECTIONS: Final = 5000
# TARGET2 runs on Central European Time: "today" for a collection date is the day in Frankfurt.
CET: Final = ZoneInfo("Europe/Paris")
_NAMESPACE: Final = uuid.UUID("5d2f8c1a-9b7e-4f3a-8c6d-1e2f3a4b5c6d")


class SettingsReader(Protocol):
    def get_settings(self, tenant_id: str) -> dict[str, Any]: ...


def validate_envelope(body: Any) -> list[Any]:
    if not isinstance(body, dict) or not isinstance(body.get("collections"), list):
        raise BadRequest(
            "The request body must be an object with a collections array",
            {"collections": "required, an array"},
        )
    collections: list[Any] = body["collections"]
    if not collections:
        raise BadRequest("There should be at least one collection in a bulk", {"collections": "is empty"})
    if len(collections) > MAX_COLLECTIONS:
        raise BadRequest(
            f"There should not be more than {MAX_COLLECTIONS} collections in a single bulk",
            {"collections": f"{len(collections)} collections"},
        )
    return collections


# A bulk's approval (decision 88), in its job's options: "awaiting" until a second key decides.
AWAITING: Final = "awaiting"
APPROVED: Final = "approved"
REJECTED: Final = "rejected"
AWAITING_APPROVAL: Final = "awaiting_approval"  # the bulk's status while it waits
# What a bulk counts as valid: confirmed once, or pending while its bulk awaits approval.
_VALID: Final = (*WAS_CONFIRMED, PENDING)


def requires_approval(body: Any, settings: Mapping[str, Any]) -> bool:
    """`require_approval` of the request, else the tenant's `collections_require_approval`."""
    asked = body.get("require_approval") if isinstance(body, dict) else None
    if asked is None:
        return bool(settings.get("collections_require_approval", False))
    if not isinstance(asked, bool):
        raise BadRequest("require_approval must be a boolean", {"require_approval": "must be true or false"})
    return asked


def approval_options(created_by: str) -> dict[str, Any]:
    """The options of a bulk that waits for a second key: the creating key may not decide it."""
    return {"approval": AWAITING, "created_by": created_by}


def bulk_status(job: Job) -> str:
    if job.status.terminal:
        return "completed"
    if job.options.get("approval") == AWAITING and job.all_chunks_counted:
        return AWAITING_APPROVAL
    return "pending"


def collection_id_for(job_id: str, row: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{job_id}/{row}"))


def today_cet(now: datetime) -> Any:
    return now.astimezone(CET).date()


def bulk_view(job: Job, canceled: int) -> dict[str, Any]:
    """The seed's bulk: live counts; completed once every collection has been processed (and, with
    approval, decided). Until approved, its valid collections are pending, not confirmed."""
    approval = job.options.get("approval")
    confirmed = 0 if approval in (AWAITING, REJECTED) else max(job.rows_succeeded - canceled, 0)
    if job.status is JobStatus.CANCELED:
        canceled += job.rows_remaining  # the collections of the chunks the cancel skipped (decision 91)
    view: dict[str, Any] = {
        "id": job.job_id,
        "collections_total": job.rows_total,
        "collections_confirmed": confirmed,
        "collections_canceled": canceled,
        "collections_failed": job.rows_failed,
        "status": bulk_status(job),
    }
    if approval is not None:
        view["approval"] = approval
    if job.status is JobStatus.CANCELED:
        view["canceled"] = True
    return view


class CollectionsRowProcessor:
    def __init__(self, store: CollectionStore, settings: SettingsReader) -> None:
        self.store = store
        self.settings = settings

    def process(self, job: Job, rows: Sequence[JobRow]) -> list[RowOutcome]:
        creditor_id = self.settings.get_settings(job.tenant_id).get("sepa_creditor_id")
        now = datetime.now(UTC)
        incoming = [
            # A row that is not an object is checked too, and fails alone ("must be a JSON object").
            Incoming(collection_id_for(job.job_id, r.row), _body(r.data), job.job_id, r.row)
            for r in rows
        ]
        results = process(
            self.store,
            job.tenant_id,
            incoming,
            today=today_cet(now),
            creditor_id=creditor_id,
            now=now.isoformat(),
            hold=job.held,
        )
        return [
            RowOutcome(
                r.row,
                c.status in _VALID,
                r.data,
                error=None if c.status in _VALID else f"{c.failure_code}: {c.failure_message}",
                ref=c.collection_id,
            )
            for r, c in zip(rows, results, strict=True)
        ]


def _body(data: Any) -> Any:
    return dict(data) if isinstance(data, Mapping) else data


def dry_run_report(checked: Sequence[Collection]) -> dict[str, Any]:
    """What a bulk would give, without a bulk: the seed's counts and each collection's verdict."""
    confirmed = sum(c.status == CONFIRMED for c in checked)
    return {
        "id": None,
        "collections_total": len(checked),
        "collections_confirmed": confirmed,
        "collections_canceled": 0,
        "collections_failed": len(checked) - confirmed,
        "status": "dry_run",
        "results": [
            {
                "index": i,
                "status": c.status,
                "failure_code": c.failure_code,
                "failure_message": c.failure_message,
            }
            for i, c in enumerate(checked)
        ],
    }
