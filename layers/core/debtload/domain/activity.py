"""The activity list (GET /jobs) and one activity (GET /jobs/{id}): every kind of bulk work a tenant
ran, in one shape and one status vocabulary, so the console lists them together (issue 18,
decision 92).

Five types: a dropped file (`file_import`: the import record, with its job's live counts; a file
and its job are one item), a `POST /debts/batch` (`debt_batch`, recorded when it ran), an ingestion
job, a collections bulk, and a call run started by `POST /customers/add/bulk` (a customers file's
call runs belong to that file's import). The records come newest first from the store; this module
turns each into an item (domain/activity_items.py), keeps those the key may read and the query asks
for, and adds the actions this key may take on it now.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from debtload.domain.activity_items import (
    FILE_IMPORT,
    FILE_SCOPE,
    READ_SCOPE_BY_KIND,
    actions,
    call_run_item,
    debt_batch_item,
    import_item,
    job_item,
    may_read,
)
from debtload.domain.errors import Forbidden, NotFound
from debtload.domain.jobs.model import Job
from debtload.domain.tenants import Principal

# A page reads at most this many records: a filter that matches little answers a short page (even
# an empty one) with a cursor, rather than reading the whole history inside one request.
MAX_READ: Final = 1000


@dataclass(frozen=True, slots=True)
class Record:
    """One stored record of the listing: `source` says which (`import`, `job`, `debt_batch`,
    `call_run`); `fields` are its stored fields."""

    source: str
    fields: Mapping[str, Any]
    job: Job | None = None  # a job record's job; a file import's job, where it was read


@dataclass(frozen=True, slots=True)
class ActivityQuery:
    name: str | None = None
    status: str | None = None
    kind: str | None = None
    type: str | None = None
    file_key: str | None = None


class ActivityRecords(Protocol):
    def newest_first(self, tenant_id: str, cursor: str | None) -> Iterator[tuple[Record, str | None]]:
        """Every record newest first, each with the cursor that resumes after it (None after the
        last). Raises ValueError for a cursor that is not this tenant's."""
        ...

    def jobs(self, tenant_id: str, job_ids: Sequence[str]) -> Mapping[str, Job]:
        """The jobs of these ids that exist."""
        ...

    def find(self, tenant_id: str, item_id: str) -> Record | None:
        """The record an item id names: a job (a file's job resolves to its import, with the job),
        an import, a debts batch or a call run."""
        ...


def _draft(record: Record) -> dict[str, Any] | None:
    """The item without its job's live state (None: a record that is not listed on its own)."""
    fields = record.fields
    if record.source == "import":
        return import_item(fields, None)
    if record.source == "debt_batch":
        return debt_batch_item(fields)
    if record.source == "call_run":
        return call_run_item(fields)
    return None


def _matches_before_status(item: Mapping[str, Any], query: ActivityQuery) -> bool:
    if query.type and item["type"] != query.type:
        return False
    if query.kind and item["kind"] != query.kind:
        return False
    if query.file_key and item.get("file_key") != query.file_key:
        return False
    names = f"{item.get('name') or ''}\n{item.get('batch_name') or ''}".casefold()
    return not (query.name and query.name.casefold() not in names)


def _resolve(
    records: ActivityRecords,
    principal: Principal,
    batch: Sequence[tuple[Record, str | None]],
    query: ActivityQuery,
) -> list[tuple[dict[str, Any], str | None]]:
    """The batch's items that the key may read and the query asks for, with their cursors."""
    drafts: list[tuple[Record, dict[str, Any] | None, Job | None, str | None]] = []
    wanted: list[str] = []
    for record, cursor in batch:
        if record.source == "job":
            job = record.job
            if job is None or job.source == "s3":
                continue  # listed as its import
            drafts.append((record, job_item(job), job, cursor))
            continue
        draft = _draft(record)
        drafts.append((record, draft, None, cursor))
        if (
            draft is not None
            and draft["type"] == FILE_IMPORT
            and draft.get("job_id")
            and not draft["terminal"]
        ):
            wanted.append(str(draft["job_id"]))
    live = records.jobs(principal.tenant_id, wanted) if wanted else {}
    found: list[tuple[dict[str, Any], str | None]] = []
    for record, draft, own_job, cursor in drafts:
        if draft is None or not may_read(principal, draft) or not _matches_before_status(draft, query):
            continue
        job = live.get(str(draft.get("job_id"))) if draft["type"] == FILE_IMPORT else own_job
        item = import_item(record.fields, job) if draft["type"] == FILE_IMPORT and job else draft
        if query.status and item["status"] != query.status:
            continue
        created_by = job.options.get("created_by") if job is not None else None
        item["actions"] = actions(principal, item, created_by)
        found.append((item, cursor))
    return found


def _batches(
    stream: Iterable[tuple[Record, str | None]], size: int, max_read: int
) -> Iterator[tuple[list[tuple[Record, str | None]], bool]]:
    """The stream in batches (one BatchGetItem of live jobs each); True with the batch that used up
    the read budget."""
    batch: list[tuple[Record, str | None]] = []
    for read, entry in enumerate(stream, start=1):
        batch.append(entry)
        if read >= max_read:
            yield batch, True
            return
        if len(batch) >= size:
            yield batch, False
            batch = []
    if batch:
        yield batch, False


def list_activity(
    records: ActivityRecords,
    principal: Principal,
    query: ActivityQuery,
    limit: int,
    cursor: str | None,
    max_read: int = MAX_READ,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of items newest first and the cursor of the next page (None: nothing more)."""
    results: list[dict[str, Any]] = []
    last_cursor: str | None = None
    stream = records.newest_first(principal.tenant_id, cursor)
    for batch, budget_spent in _batches(stream, max(limit, 25), max_read):
        for item, item_cursor in _resolve(records, principal, batch, query):
            results.append(item)
            if len(results) == limit:
                return results, item_cursor
        last_cursor = batch[-1][1]
        if budget_spent:
            return results, last_cursor
    return results, None


def _timings(record: Record, job: Job | None) -> dict[str, str | None]:
    fields = record.fields
    created = fields.get("created_at") or (job.created_at if job else None)
    return {
        "created_at": created,
        # When its rows began: the job is written as the file starts being read, or as the request
        # is accepted; a debts batch or a call run starts as it is created.
        "started_at": job.created_at if job is not None else created,
        "read_at": fields.get("read_at"),
        "finished_at": fields.get("finished_at") or (job.finished_at if job else None),
        "canceled_at": job.canceled_at if job is not None else None,
    }


def activity_detail(records: ActivityRecords, principal: Principal, item_id: str) -> dict[str, Any]:
    """One item, as the list shows it, with its timings, the columns its file was read with, its
    outcome and which reports can be downloaded (GET /imports/{id}/files/{name})."""
    record = records.find(principal.tenant_id, item_id)
    if record is None:
        raise NotFound("Job not found", {"id": item_id})
    job = record.job
    if record.source == "job" and job is not None:
        item = job_item(job)
    elif record.source == "import":
        item = import_item(record.fields, job)
    else:
        draft = _draft(record)
        assert draft is not None
        item = draft
    if not may_read(principal, item):
        scope = (
            FILE_SCOPE if item["type"] == FILE_IMPORT else READ_SCOPE_BY_KIND.get(item["kind"], FILE_SCOPE)
        )
        raise Forbidden(f"This API key lacks the scope {scope}", {"required_scope": scope})
    item["actions"] = actions(principal, item, job.options.get("created_by") if job else None)
    fields = record.fields if record.source == "import" else {}
    item.update(
        timings=_timings(record, job),
        column_mapping=dict(fields.get("column_mapping") or {}),
        mapped_columns=dict(fields.get("mapped_columns") or {}),
        metadata_columns=list(fields.get("metadata_columns") or []),
        outcome=(job.outcome if job is not None else None)
        or fields.get("reason")
        or record.fields.get("outcome"),
        downloads={
            "report.json": bool(fields.get("report_key")),
            "errors.csv": bool(fields.get("errors_key")),
        },
        rows=f"/jobs/{job.job_id}/rows" if job is not None else None,
    )
    return item
