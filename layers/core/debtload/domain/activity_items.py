"""One activity item per record: what GET /jobs lists and GET /jobs/{id} shows of a dropped file,
a debts batch, an ingestion job, a collections bulk or a call run, in one status vocabulary
(decision 92), with the read scope it needs and the actions a key may take on it now. The listing
and the detail that use these are in domain/activity.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from debtload.domain.jobs.model import Job, JobStatus
from debtload.domain.tenants import Principal

FILE_IMPORT: Final = "file_import"
DEBT_BATCH: Final = "debt_batch"
INGESTION_JOB: Final = "ingestion_job"
COLLECTION_BULK: Final = "collection_bulk"
CALL_RUN: Final = "call_run"
TYPES: Final = (FILE_IMPORT, DEBT_BATCH, INGESTION_JOB, COLLECTION_BULK, CALL_RUN)
STATUSES: Final = (
    "queued",
    "reading",
    "processing",
    "completed",
    "completed_with_errors",
    "failed",
    "canceled",
    "rejected",
    "awaiting_approval",
)
TERMINAL: Final = frozenset({"completed", "completed_with_errors", "failed", "canceled", "rejected"})
# Reading an item needs the read scope of what it imports, as GET /jobs/{id}/rows asks; a dropped
# file needs imports:read, as GET /imports/{id} does.
READ_SCOPE_BY_KIND: Final = {
    "notes": "ingestion:read",
    "debts": "debts:read",
    "collections": "collections:read",
    "customers": "campaigns:read",
}
FILE_SCOPE: Final = "imports:read"
JOBS_WRITE: Final = "jobs:write"
APPROVE: Final = "collections:approve"
_CALL_RUN_STATUS: Final = {
    "running": "processing",
    "succeeded": "completed",
    "partially_failed": "completed_with_errors",
    "failed": "failed",
    "canceled": "canceled",
}


def _job_status(job: Job) -> str:
    approval = job.options.get("approval")
    if job.status.terminal:
        return "rejected" if approval == "rejected" and job.kind == "collections" else job.status.value
    if approval == "awaiting" and job.all_chunks_counted:
        return "awaiting_approval"
    return "queued" if job.status is JobStatus.QUEUED else "processing"


def _counts(total: int, succeeded: int, failed: int, skipped: int = 0, canceled: int = 0) -> dict[str, int]:
    return {
        "total": total,
        "succeeded": succeeded,
        "failed": failed,
        "skipped": skipped,
        "canceled": canceled,
    }


def _job_counts(job: Job, skipped: int = 0) -> dict[str, int]:
    canceled = job.rows_remaining if job.status is JobStatus.CANCELED else 0
    if job.options.get("approval") == "rejected":
        canceled += job.rows_succeeded  # a rejected bulk's valid collections were all canceled
    return _counts(job.rows_total, job.rows_succeeded, job.rows_failed, skipped, canceled)


def _item(
    item_id: str, item_type: str, kind: str, name: str | None, status: str, created_at: str
) -> dict[str, Any]:
    return {
        "id": item_id,
        "type": item_type,
        "kind": kind,
        "name": name,
        "status": status,
        "terminal": status in TERMINAL,
        "counts": _counts(0, 0, 0),
        "created_at": created_at,
        "finished_at": None,
    }


def import_item(record: Mapping[str, Any], job: Job | None) -> dict[str, Any]:
    """A dropped file: its record's status until its job runs, then the job's, with live counts."""
    stored = str(record.get("status", "received"))
    status = {"received": "queued"}.get(stored, stored)
    if stored == "processing" and job is not None:
        status = _job_status(job)
    item = _item(
        str(record["import_id"]),
        FILE_IMPORT,
        str(record.get("kind", "")),
        record.get("file_name"),
        status,
        str(record.get("created_at", "")),
    )
    skipped = int(record.get("skipped_count", 0) or 0)
    if job is not None:
        item["counts"] = _job_counts(job, skipped)
    else:
        item["counts"] = _counts(
            int(record.get("rows_total", 0) or 0),
            int(record.get("rows_succeeded", 0) or 0),
            int(record.get("rows_failed", 0) or 0),
            skipped,
        )
    # Its job may have ended before the file's reports are written: it is terminal (polling stops)
    # once the import record says so, with its reports.
    item["terminal"] = item["terminal"] and stored in TERMINAL
    item["finished_at"] = record.get("finished_at") or (job.finished_at if job else None)
    item.update(import_id=item["id"], file_key=record.get("key"), file_etag=record.get("etag"))
    if record.get("job_id"):
        item["job_id"] = record["job_id"]
    if record.get("campaign_id"):
        item["campaign_id"] = record["campaign_id"]
    if record.get("undone_at"):
        item["undone_at"] = record["undone_at"]
    batch_name = (record.get("options") or {}).get("batch_name")  # the drop's batch-name, as read
    if batch_name:
        item["batch_name"] = str(batch_name)
    return item


def job_item(job: Job) -> dict[str, Any]:
    """A job a request started: a collections bulk, or an ingestion job (notes)."""
    bulk = job.kind == "collections"
    item = _item(
        job.job_id,
        COLLECTION_BULK if bulk else INGESTION_JOB,
        job.kind,
        job.options.get("name"),
        _job_status(job),
        job.created_at,
    )
    item["counts"] = _job_counts(job)
    item["finished_at"] = job.finished_at
    item["job_id"] = job.job_id
    if bulk:
        item["bulk_id"] = job.job_id
    return item


def debt_batch_item(record: Mapping[str, Any]) -> dict[str, Any]:
    counts = record.get("counts") or {}
    created, failed = int(counts.get("succeeded", 0)), int(counts.get("failed", 0))
    status = "completed" if failed == 0 else ("failed" if created == 0 else "completed_with_errors")
    item = _item(
        str(record["import_id"]),
        DEBT_BATCH,
        "debts",
        record.get("batch_name"),
        status,
        str(record.get("created_at", "")),
    )
    item["counts"] = _counts(int(counts.get("total", 0)), created, failed, int(counts.get("skipped", 0)))
    item["finished_at"] = record.get("created_at")  # synchronous: it ended as it answered
    item["import_id"] = item["id"]
    if record.get("undone_at"):
        item["undone_at"] = record["undone_at"]
    return item


def call_run_item(record: Mapping[str, Any]) -> dict[str, Any]:
    status = _CALL_RUN_STATUS.get(str(record.get("status", "running")), "processing")
    campaign = record.get("campaign_id")
    item = _item(
        str(record["call_run_id"]),
        CALL_RUN,
        "customers",
        f"Calls: campaign {campaign}" if campaign else None,
        status,
        str(record.get("created_at", "")),
    )
    total = int(record.get("customers", 0) or 0)
    initiated, failed = int(record.get("initiated", 0) or 0), int(record.get("failed", 0) or 0)
    skipped = int(record.get("skipped", 0) or 0)
    canceled = max(total - initiated - failed - skipped, 0) if status == "canceled" else 0
    item["counts"] = _counts(total, initiated, failed, skipped, canceled)
    item["finished_at"] = record.get("finished_at") or record.get("completed_at")
    item["run_id"] = item["id"]
    if campaign:
        item["campaign_id"] = campaign
    return item


def may_read(principal: Principal, item: Mapping[str, Any]) -> bool:
    if item["type"] == FILE_IMPORT:
        return principal.has_scope(FILE_SCOPE)
    return principal.has_scope(READ_SCOPE_BY_KIND.get(str(item["kind"]), FILE_SCOPE))


def actions(principal: Principal, item: Mapping[str, Any], created_by: str | None = None) -> list[str]:
    """What this key may do to the item now, as the routes would allow it (POST /jobs/{id}/cancel,
    POST /imports/{id}/undo, POST /collections/bulks/{id}/approve and /reject)."""
    allowed: list[str] = []
    status, item_type = item["status"], item["type"]
    jobs_write = principal.has_scope(JOBS_WRITE)
    has_job = item_type in (INGESTION_JOB, COLLECTION_BULK) or (
        item_type == FILE_IMPORT and item.get("job_id")
    )
    if jobs_write and has_job and status in ("queued", "reading", "processing"):
        allowed.append("cancel")
    undoable = item_type == DEBT_BATCH or (item_type == FILE_IMPORT and item.get("job_id"))
    if jobs_write and undoable and item["terminal"] and status != "rejected" and not item.get("undone_at"):
        allowed.append("undo")
    if (
        item_type == COLLECTION_BULK
        and status == "awaiting_approval"
        and principal.has_scope(APPROVE)
        and principal.key_id != created_by
    ):
        allowed.extend(("approve", "reject"))
    return allowed
