"""Handles an S3 drop: checks the key's tenant, kind and campaign, registers the import exactly once
(per key and ETag), reads the file as a stream into a job of its kind, and rejects what it cannot
take with a report next to the file (the file moves to rejected/), so no drop is ever silent.

The reports of an accepted file are written when its job ends (ImportReporter, called by the job
engine); when the job has already ended by the time the file is read through, they are written here.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from debtload.domain import imports
from debtload.domain.file_import import reader
from debtload.domain.file_import.kinds import KIND_SPECS
from debtload.domain.file_import.mappings import MappingStore
from debtload.domain.file_import.options import OptionProblem, read_options
from debtload.domain.file_import.records import ROW_ERROR, ColumnMap, map_columns, missing_columns
from debtload.domain.file_import.report import (
    FINISHED,
    MAX_LISTED,
    PROCESSING,
    READING,
    RECEIVED,
    REJECTED,
    ImportReporter,
    import_event,
    now_iso,
    rejection_report,
)
from debtload.domain.file_import.resubmit import Resubmission, detect
from debtload.domain.jobs.model import JobRow
from debtload.domain.jobs.ports import JobStore
from debtload.domain.jobs.submit import EnqueueFailed, JobSubmitter

log = logging.getLogger(__name__)

MAX_EXCEL_BYTES = 200 * 1024 * 1024  # spooled to /tmp, which holds 512 MB by default
# A CSV is streamed, but one function run must read it through: about 2.5 million rows.
MAX_CSV_BYTES = 512 * 1024 * 1024
DEFAULT_LEASE_SECONDS = 300


class Rejected(Exception):
    """The file cannot be imported: the message is the report's reason."""


@dataclass(slots=True)
class ReadStats:
    lines: int = 0
    rows: int = 0
    skipped_count: int = 0
    skipped: list[tuple[int, str]] | None = None

    def skip(self, line: int, reason: str) -> None:
        self.skipped_count += 1
        if self.skipped is None:
            self.skipped = []
        if len(self.skipped) < MAX_LISTED:
            self.skipped.append((line, reason))


@dataclass(frozen=True, slots=True)
class FileImportTask:
    store: imports.ImportStore
    files: imports.FileStore
    submitter: JobSubmitter
    jobs: JobStore
    reporter: ImportReporter
    importable_kinds: frozenset[str]
    tmp_dir: str | None = None
    mappings: MappingStore | None = None  # the tenants' saved column mappings, applied first

    def handle(self, event: Mapping[str, Any], lease_seconds: float | None = None) -> list[dict[str, Any]]:
        return [self._one(dropped, lease_seconds) for dropped in imports.dropped_files(event)]

    # ------------------------------------------------------------------------------------ checks

    def _one(self, dropped: imports.DroppedFile, lease_seconds: float | None) -> dict[str, Any]:
        now = now_iso()
        try:
            key = self._check_key(dropped)
        except imports.KeyProblem as problem:
            self._reject_unregistered(dropped, str(problem), now)
            return {"key": dropped.key, "status": REJECTED, "reason": str(problem)}
        import_id = imports.import_id_of(dropped)
        lease = timedelta(seconds=lease_seconds or DEFAULT_LEASE_SECONDS)
        record: dict[str, Any] = {
            "import_id": import_id,
            "tenant_id": key.tenant_id,
            "kind": key.kind,
            "campaign_id": key.campaign_id,
            "file_name": key.name,
            "bucket": dropped.bucket,
            "key": dropped.key,
            "etag": dropped.etag,
            "size": dropped.size,
            "dropped_by": dropped.dropped_by(),
            "status": RECEIVED,
            "attempt": 1,
            "created_at": now,
            "lease_until": (datetime.fromisoformat(now) + lease).isoformat(timespec="milliseconds"),
        }
        if not self.store.register_import(key.tenant_id, import_id, record):
            existing = self.store.get_import(key.tenant_id, import_id) or {}
            if existing.get("status") in (*FINISHED, PROCESSING):
                return {"key": dropped.key, "status": "duplicate", "import_id": import_id}
            if str(existing.get("lease_until", "")) > now:
                # Another delivery of the same notification is reading the file right now.
                return {"key": dropped.key, "status": "in_progress", "import_id": import_id}
            record = self._take_over(key.tenant_id, existing, now, lease)
        try:
            return self._import(key, dropped, record)
        except Exception:
            # Unexpected (DynamoDB, S3 or SQS down): give the lease back so Lambda's retry of this
            # notification reads the file again instead of finding it "in progress".
            self.store.update_import(key.tenant_id, import_id, {"lease_until": None})
            raise

    def _check_key(self, dropped: imports.DroppedFile) -> imports.ImportKey:
        key = imports.parse_import_key(dropped.key)
        if not self.store.tenant_exists(key.tenant_id):
            raise imports.KeyProblem(f"Unknown tenant {key.tenant_id!r}")
        return key

    def _check_target(self, key: imports.ImportKey) -> None:
        """Problems of a known tenant's drop: recorded as a rejected import the tenant can list."""
        if key.campaign_id is not None and not self.store.campaign_exists(key.tenant_id, key.campaign_id):
            raise Rejected(f"Unknown campaign {key.campaign_id!r}")
        if key.kind not in self.importable_kinds or key.kind not in KIND_SPECS:
            raise Rejected(f"{key.kind} files cannot be imported by this deployment yet")

    def _take_over(
        self, tenant_id: str, existing: Mapping[str, Any], now: str, lease: timedelta
    ) -> dict[str, Any]:
        """A previous attempt stopped mid-file (Lambda timeout): this one continues the same job.

        The job's id is the import's, and chunking is deterministic, so the file is read again but
        only the chunks the previous attempt did not send are sent (docs/decisions.md)."""
        attempt = int(existing.get("attempt", 1)) + 1
        fields = {
            "status": RECEIVED,
            "attempt": attempt,
            "lease_until": (datetime.fromisoformat(now) + lease).isoformat(timespec="milliseconds"),
        }
        self.store.update_import(tenant_id, str(existing["import_id"]), fields)
        return {**existing, **fields}

    # ----------------------------------------------------------------------------------- reading

    def _import(
        self, key: imports.ImportKey, dropped: imports.DroppedFile, record: dict[str, Any]
    ) -> dict[str, Any]:
        import_id = str(record["import_id"])
        stats = ReadStats()
        with contextlib.ExitStack() as cleanup:
            try:
                self._check_target(key)
                spec = KIND_SPECS[key.kind]
                fmt = reader.file_format(key.name)
                _check_size(fmt, dropped.size)  # the event's size: refused before any read
                info = self.files.head(dropped.bucket, dropped.key)
                _check_size(fmt, info.size)
                options = read_options(key.kind, info.metadata)
                table = self._open(fmt, dropped, info, options, cleanup)
                saved = self.mappings.get_mapping(key.tenant_id, key.kind) if self.mappings else None
                resubmission = detect(table.header)  # a corrected errors.csv: without line, error
                header = resubmission.header(table.header) if resubmission else table.header
                columns = map_columns(spec, header, saved.index() if saved else None)
                missing = missing_columns(spec, columns)
                if missing:
                    raise Rejected("The file cannot be imported: " + "; ".join(missing))
                for line, reason in table.leading_skipped:
                    stats.skip(line, reason)
                rows = self._job_rows(table, columns, stats, resubmission)
                first = next(rows, None)
                if first is None:
                    raise Rejected("The file has a header but no data rows")
            except (reader.BadFile, OptionProblem, Rejected) as problem:
                return self._reject(record, str(problem), stats)
            except imports.ObjectMissing as problem:
                return self._reject(record, str(problem), stats, move=False)

            # One job per import, whatever the attempt: the rows' ids, charges and call runs derive
            # from it, so a take-over continues them instead of doing them again.
            job_id = import_id
            resumed = self.jobs.get_job(key.tenant_id, job_id) if record.get("job_id") else None
            job_options = {
                **options.job,
                **columns.to_options(),
                "import_id": import_id,
                **({"campaignId": key.campaign_id} if key.campaign_id else {}),
            }
            self.store.update_import(
                key.tenant_id,
                import_id,
                {
                    "status": READING,
                    "job_id": job_id,
                    "format": table.format,
                    "encoding": table.encoding,
                    "delimiter": table.delimiter,
                    "sheet": table.sheet,
                    "columns": list(columns.headers),
                    "mapped_columns": columns.mapped(),
                    "metadata_columns": columns.unmapped(),
                    "column_mapping": saved.applied_to(header) if saved else {},
                    "resubmission": resubmission.to_report() if resubmission else None,
                    "options": options.job,
                },
            )
            failure: str | None = None
            stopped: list[bool] = []
            try:
                job = self.submitter.submit_stream(
                    key.tenant_id,
                    key.kind,
                    _chain(first, rows),
                    source="s3",
                    options=job_options,
                    job_id=job_id,
                    resume=resumed,
                    chunks_sent=int(record.get("chunks_sent") or 0) if resumed is not None else 0,
                    on_sent=lambda sent: self.store.update_import(
                        key.tenant_id, import_id, {"chunks_sent": sent}
                    ),
                    read_deadline=_deadline(record),
                    on_canceled=functools.partial(
                        self._record_stopped_read, key.tenant_id, import_id, stats, stopped
                    ),
                )
            except EnqueueFailed as error:  # includes a file that turned unreadable mid-way
                failure = str(error)
                job = self.jobs.get_job(key.tenant_id, job_id)  # type: ignore[assignment]
        if not stopped:  # a canceled read wrote its stats already, and the cancel may have ended it
            self.store.update_import(key.tenant_id, import_id, _read_stats(stats))
        # The job may have ended before its record said the file was read: then the engine's hook
        # skipped the reports, and they are written here (writing twice gives the same files).
        latest = self.jobs.get_job(key.tenant_id, job_id) or job
        if latest is not None and latest.status.terminal:
            self.reporter.write(latest, {**record, **self.store.get_import(key.tenant_id, import_id)})  # type: ignore[dict-item]
        result: dict[str, Any] = {
            "key": dropped.key,
            "status": "queued",
            "import_id": import_id,
            "job_id": job_id,
        }
        if latest is not None:
            result.update(rows=latest.rows_total, skipped=stats.skipped_count, job_status=latest.status.value)
        if failure:
            result.update(status="failed", reason=failure)
        return result

    def _record_stopped_read(
        self, tenant_id: str, import_id: str, stats: ReadStats, stopped: list[bool], last_line: int
    ) -> None:
        # Written before the reader gives its lease back, so the cancel's report hook finds the file
        # read (as far as it was) and the import says canceled when the cancel answers.
        stopped.append(True)
        read = {**_read_stats(stats), "lines": last_line, "read_stopped_at_line": last_line}
        self.store.update_import(tenant_id, import_id, read)

    def _open(
        self,
        fmt: str,
        dropped: imports.DroppedFile,
        info: imports.ObjectInfo,
        options: Any,
        cleanup: contextlib.ExitStack,
    ) -> reader.Table:
        if fmt == "csv":
            stream = self.files.open_stream(dropped.bucket, dropped.key, dropped.etag)
            cleanup.callback(stream.close)
            return reader.open_csv(stream, encoding=options.encoding, delimiter=options.delimiter)
        # A workbook is a zip archive, which is read from its end: it is spooled to local disk.
        handle, path = tempfile.mkstemp(suffix=os.path.splitext(dropped.key)[1], dir=self.tmp_dir)
        os.close(handle)
        cleanup.callback(_remove_quietly, path)
        self.files.download(dropped.bucket, dropped.key, dropped.etag, path)
        return reader.open_excel(path, sheet=options.sheet)

    def _job_rows(
        self, table: reader.Table, columns: ColumnMap, stats: ReadStats, resubmission: Resubmission | None
    ) -> Iterator[JobRow]:
        width = len(columns.headers)
        headers = columns.headers
        for source in table.rows:
            stats.lines = source.line
            cells = resubmission.cells(source.cells) if resubmission else source.cells
            reason = reader.skip_reason(cells)
            if reason is not None:
                stats.skip(source.line, reason)
                continue
            data: dict[str, Any] = dict(zip(headers, cells, strict=False))
            if len(cells) > width:
                extra = [c for c in cells[width:] if c is not None and c != ""]
                if extra:
                    data[ROW_ERROR] = (
                        f"Line {source.line} has {len(cells)} values but the header has {width} columns "
                        f"(extra: {', '.join(repr(str(c))[:40] for c in extra[:3])}); "
                        "check for an unquoted delimiter inside a value"
                    )
            stats.rows += 1
            yield JobRow(source.line, data)

    # --------------------------------------------------------------------------------- rejecting

    def _reject(
        self, record: dict[str, Any], reason: str, stats: ReadStats, move: bool = True
    ) -> dict[str, Any]:
        tenant_id, import_id = str(record["tenant_id"]), str(record["import_id"])
        bucket, key = str(record["bucket"]), str(record["key"])
        report_key = imports.report_key(key)
        finished = {
            **record,
            "status": REJECTED,
            "reason": reason,
            "finished_at": now_iso(),
            "skipped_count": stats.skipped_count,
            "skipped": [list(s) for s in stats.skipped or []],
            "report_key": report_key,
            "rejected_key": imports.rejected_key(key) if move else None,
            "lease_until": None,
        }
        self.files.put_json(bucket, report_key, rejection_report(finished, reason))
        if move:
            try:
                self.files.move(bucket, key, imports.rejected_key(key))
            except imports.ObjectMissing:
                finished["rejected_key"] = None
        event = import_event(
            tenant_id,
            import_id,
            {
                "import_id": import_id,
                "status": REJECTED,
                "kind": record.get("kind"),
                "file": key,
                "reason": reason,
                "report": {"bucket": bucket, "key": report_key},
            },
        )
        fields = {k: v for k, v in finished.items() if k not in ("PK", "SK")}
        self.store.record_completion(tenant_id, import_id, fields, event)
        self.reporter.publisher.publish(event)
        return {"key": key, "status": REJECTED, "import_id": import_id, "reason": reason}

    def _reject_unregistered(self, dropped: imports.DroppedFile, reason: str, now: str) -> None:
        """A key that names no importable tenant/kind: a report and a move, but no record nor event."""
        report = {"status": REJECTED, "file": dropped.key, "reason": reason, "rejected_at": now}
        self.files.put_json(dropped.bucket, imports.report_key(dropped.key), report)
        with contextlib.suppress(imports.ObjectMissing):
            self.files.move(dropped.bucket, dropped.key, imports.rejected_key(dropped.key))


def _check_size(fmt: str, size: int) -> None:
    if fmt == "csv" and size > MAX_CSV_BYTES:
        raise Rejected(
            f"The file is {size / 1_000_000:,.0f} MB; CSV files up to {MAX_CSV_BYTES // 1_000_000} MB "
            "are read. Split it into several files"
        )
    if fmt != "csv" and size > MAX_EXCEL_BYTES:
        raise Rejected(
            f"The workbook is {size // 1_000_000} MB; Excel files up to "
            f"{MAX_EXCEL_BYTES // 1_000_000} MB are read. Export larger ones as CSV"
        )


def _read_stats(stats: ReadStats) -> dict[str, Any]:
    return {
        "status": PROCESSING,
        "read_at": now_iso(),
        "lines": stats.lines,
        "skipped_count": stats.skipped_count,
        "skipped": [list(s) for s in stats.skipped or []],
        "lease_until": None,
    }


def _deadline(record: Mapping[str, Any]) -> float:
    """When this reader is surely gone: its lease on the import (epoch seconds)."""
    return datetime.fromisoformat(str(record["lease_until"])).timestamp()


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def _chain(first: JobRow, rest: Iterator[JobRow]) -> Iterator[JobRow]:
    yield first
    yield from rest
