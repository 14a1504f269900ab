"""The two files a person reads when an import ends, and the `import.completed` event.

- reports/<tenant>/<kind>/<name>.report.json: status, counts, timings, the first 1,000 errors and
  skipped rows with their line numbers;
- reports/<tenant>/<kind>/<name>.errors.csv: every failed row's original columns, then `line` and
  `error`, UTF-8 with a BOM, `;`-delimited when the file was, formulas neutralised.

Writing them again gives the same files and the same event id, so the job engine may call this on
every redelivery. The errors CSV is written through a spooled file, page by page: memory does not
grow with the number of errors.
"""

from __future__ import annotations

import io
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from debtload.domain import imports
from debtload.domain.jobs.model import Job, OutboxEvent
from debtload.domain.jobs.ports import EventPublisher, JobStore
from debtload.domain.spreadsheet_csv import RowsCsvWriter

MAX_LISTED = 1000
PAGE = 1000
EVENT_TYPE = "import.completed"
# Import statuses: registered, then reading the file, then processing the job; the end is the
# job's own status, or "rejected" for a file that never became a job.
RECEIVED, READING, PROCESSING, REJECTED = "received", "reading", "processing", "rejected"
FINISHED = frozenset({"completed", "completed_with_errors", "failed", "canceled", REJECTED})


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def import_event(tenant_id: str, import_id: str, data: Mapping[str, Any]) -> OutboxEvent:
    event_id = "evt_" + uuid.uuid5(uuid.NAMESPACE_URL, f"{tenant_id}/{import_id}/{EVENT_TYPE}").hex
    return OutboxEvent(event_id, tenant_id, EVENT_TYPE, dict(data), now_iso())


def _seconds(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    try:
        return round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds(), 3)
    except ValueError:
        return None


def file_section(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: record.get(name)
        for name in ("bucket", "key", "file_name", "etag", "size", "format", "encoding", "delimiter", "sheet")
        if record.get(name) is not None
    }


def skipped_section(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"line": line, "reason": reason} for line, reason in record.get("skipped", [])]


def rejection_report(record: Mapping[str, Any], reason: str) -> dict[str, Any]:
    return {
        "import_id": record.get("import_id"),
        "status": REJECTED,
        "reason": reason,
        "tenant_id": record.get("tenant_id"),
        "kind": record.get("kind"),
        "campaign_id": record.get("campaign_id"),
        "file": file_section(record),
        "counts": {"rows": 0, "succeeded": 0, "failed": 0, "skipped": int(record.get("skipped_count", 0))},
        "skipped": skipped_section(record),
        "timings": {"received_at": record.get("created_at"), "finished_at": record.get("finished_at")},
        "rejected_at": record.get("finished_at"),
    }


def errors_csv_layout(record: Mapping[str, Any]) -> tuple[list[str], str]:
    """The columns and delimiter of an import's failed-rows CSV: the file's columns (without the
    `line` and `error` of a resubmitted errors.csv), `;` when the file used it. GET /jobs/{id}/rows
    as CSV takes the same, so both give the same bytes."""
    columns = [str(c) for c in record.get("columns", [])]
    return columns, ";" if record.get("delimiter") == ";" else ","


@dataclass(frozen=True, slots=True)
class ImportReporter:
    store: imports.ImportStore
    jobs: JobStore
    files: imports.FileStore
    publisher: EventPublisher

    def on_terminal(self, job: Job) -> None:
        """The job engine's completion hook: reports for file imports, nothing for other jobs."""
        import_id = job.options.get("import_id")
        if job.source != "s3" or not import_id:
            return
        record = self.store.get_import(job.tenant_id, str(import_id))
        # Until the file is read to its end, the file import writes the reports itself.
        if record is None or record.get("job_id") != job.job_id:
            return
        if record.get("status") not in (PROCESSING, *FINISHED):
            return
        self.write(job, record)

    def write(self, job: Job, record: Mapping[str, Any]) -> None:
        bucket, key = str(record["bucket"]), str(record["key"])
        report_key = imports.report_key(key)
        errors_key = imports.report_key(key, ".errors.csv")
        errors = self._write_errors_csv(job, record, bucket, errors_key)
        finished = job.finished_at or job.updated_at
        skipped_count = int(record.get("skipped_count", 0))
        report = {
            "import_id": record.get("import_id"),
            "status": job.status.value,
            "status_code": job.status.code,
            "outcome": job.outcome,
            "tenant_id": job.tenant_id,
            "kind": record.get("kind"),
            "campaign_id": record.get("campaign_id"),
            "job_id": job.job_id,
            "file": file_section(record),
            "counts": {
                "lines": int(record.get("lines", 0)),
                "rows": job.rows_total,
                "succeeded": job.rows_succeeded,
                "failed": job.rows_failed,
                "skipped": skipped_count,
            },
            "timings": {
                "received_at": record.get("created_at"),
                "read_at": record.get("read_at"),
                "finished_at": finished,
                "read_seconds": _seconds(record.get("created_at"), record.get("read_at")),
                "total_seconds": _seconds(record.get("created_at"), finished),
            },
            "columns": {
                "mapped": record.get("mapped_columns", {}),
                "metadata": record.get("metadata_columns", []),
            },
            # The tenant's saved mapping (PUT /import-mappings/{kind}): the columns it filled, and
            # the columns that filled no field (their values are kept in each row's metadata).
            "column_mapping": record.get("column_mapping", {}),
            # A file canceled while it was read: the last line read (the rest was never read).
            "read_stopped_at_line": record.get("read_stopped_at_line"),
            "ignored_columns": record.get("metadata_columns", []),
            # A corrected errors.csv dropped back: its `line` and `error` columns, read as no data.
            "resubmission": record.get("resubmission"),
            "options": record.get("options", {}),
            "errors": errors,
            "errors_truncated": job.rows_failed > len(errors),
            "skipped": skipped_section(record),
            "skipped_truncated": skipped_count > len(record.get("skipped", [])),
            "reports": {"report": report_key, "errors_csv": errors_key},
        }
        self.files.put_json(bucket, report_key, report)
        data = {
            "import_id": record.get("import_id"),
            "status": job.status.value,
            "kind": record.get("kind"),
            "file": key,
            "job_id": job.job_id,
            "rows_total": job.rows_total,
            "rows_succeeded": job.rows_succeeded,
            "rows_failed": job.rows_failed,
            "rows_skipped": skipped_count,
            "report": {"bucket": bucket, "key": report_key},
            "errors_csv": {"bucket": bucket, "key": errors_key},
        }
        event = import_event(job.tenant_id, str(record["import_id"]), data)
        fields = {
            "status": job.status.value,
            "job_id": job.job_id,
            "report_key": report_key,
            "errors_key": errors_key,
            "rows_total": job.rows_total,
            "rows_succeeded": job.rows_succeeded,
            "rows_failed": job.rows_failed,
            "finished_at": finished,
        }
        self.store.record_completion(job.tenant_id, str(record["import_id"]), fields, event)
        # Published on every call: delivery dedupes by event id, and a crash between the outbox write
        # and this line must not lose the event.
        self.publisher.publish(event)

    def _write_errors_csv(
        self, job: Job, record: Mapping[str, Any], bucket: str, key: str
    ) -> list[dict[str, Any]]:
        columns, delimiter = errors_csv_layout(record)
        listed: list[dict[str, Any]] = []
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b") as spool:
            text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
            writer = RowsCsvWriter(text, columns, delimiter=delimiter, position="line")
            cursor: str | None = None
            # A job with no failed row has nothing to list: reading every outcome to find none would
            # be the costliest part of reporting a clean 100,000-row import.
            found = 0
            while found < job.rows_failed:
                page, cursor = self.jobs.list_row_outcomes(job.tenant_id, job.job_id, "failed", cursor, PAGE)
                found += len(page)
                for outcome in page:
                    writer.write(outcome)
                    if len(listed) < MAX_LISTED:
                        listed.append({"line": outcome.get("row"), "error": outcome.get("error") or ""})
                if cursor is None:
                    break
            text.flush()
            text.detach()  # the spool stays open for the upload
            spool.seek(0)
            self.files.put_file(bucket, key, spool, "text/csv; charset=utf-8")
        return listed
