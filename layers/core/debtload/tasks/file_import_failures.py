"""The end of a file import that every attempt failed: Lambda's OnFailure destination
(FileImportFailuresQueue) hands back the S3 event with the last error, and the import is made
`failed` with a report that says why, so it never stays `reading`.

An import whose job already holds every chunk (status processing or later) is left to its job.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from debtload.domain import imports
from debtload.domain.file_import.report import FINISHED, PROCESSING, ImportReporter, import_event, now_iso
from debtload.domain.jobs.events import terminal_event
from debtload.domain.jobs.model import JobStatus
from debtload.domain.jobs.ports import JobStore

log = logging.getLogger(__name__)
FAILED = JobStatus.FAILED.value


def failure_reason(record: Mapping[str, Any]) -> str:
    """A sentence from a Lambda destination record: how many attempts, and the last error."""
    context = record.get("requestContext") or {}
    response = record.get("responsePayload") or {}
    error = str(response.get("errorMessage") or "no error message").strip()
    kind = response.get("errorType")
    attempts = context.get("approximateInvokeCount")
    condition = context.get("condition") or "RetriesExhausted"
    return (
        f"The file import failed on each of its {attempts or 'several'} attempts ({condition}); "
        f"the last one ended with {kind + ': ' if kind else ''}{error}"
    )


def destination_records(event: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The Lambda destination records carried by an SQS event (bodies that are not one are skipped)."""
    found = []
    for message in event.get("Records", []):
        try:
            body = json.loads(message.get("body") or "")
        except ValueError:
            log.warning("file import failure message %s is not JSON", message.get("messageId"))
            continue
        if isinstance(body, dict) and isinstance(body.get("requestPayload"), dict):
            found.append(body)
    return found


@dataclass(frozen=True, slots=True)
class ImportFailures:
    store: imports.ImportStore
    files: imports.FileStore
    jobs: JobStore
    reporter: ImportReporter

    def handle(self, event: Mapping[str, Any]) -> list[dict[str, Any]]:
        results = []
        for record in destination_records(event):
            reason = failure_reason(record)
            payload = record["requestPayload"]
            if payload.get("source") == "aws.events":
                # The lease sweep shares this destination; its next tick sweeps again, but an
                # operator should see that one failed every attempt.
                log.error("scheduled lease sweep failed: %s", reason)
                results.append({"schedule": payload.get("resources"), "status": "sweep_failed"})
                continue
            for dropped in imports.dropped_files(payload):
                results.append(self.fail(dropped, reason))
        return results

    def fail(self, dropped: imports.DroppedFile, reason: str) -> dict[str, Any]:
        try:
            key = imports.parse_import_key(dropped.key)
        except imports.KeyProblem:
            return {"key": dropped.key, "status": "ignored"}  # never registered: nothing to end
        import_id = imports.import_id_of(dropped)
        record = self.store.get_import(key.tenant_id, import_id)
        if record is None or record.get("status") in (*FINISHED, PROCESSING):
            return {"key": dropped.key, "status": "unchanged", "import_id": import_id}
        job = self.jobs.get_job(key.tenant_id, str(record["job_id"])) if record.get("job_id") else None
        if job is not None:
            if not job.status.terminal:
                event = terminal_event(job, JobStatus.FAILED, reason)
                if self.jobs.finish(job, JobStatus.FAILED, reason, event):
                    self.reporter.publisher.publish(event)
            latest = self.jobs.get_job(key.tenant_id, job.job_id) or job
            # The report of a job: the rows done before the failure, the failed ones, the reason.
            self.store.update_import(key.tenant_id, import_id, {"reason": reason, "lease_until": None})
            self.reporter.write(latest, {**record, "reason": reason})
        else:
            self._fail_without_job(record, reason)
        return {"key": dropped.key, "status": FAILED, "import_id": import_id, "reason": reason}

    def _fail_without_job(self, record: Mapping[str, Any], reason: str) -> None:
        tenant_id, import_id = str(record["tenant_id"]), str(record["import_id"])
        bucket, key = str(record["bucket"]), str(record["key"])
        report_key = imports.report_key(key)
        finished = now_iso()
        self.files.put_json(
            bucket,
            report_key,
            {
                "import_id": import_id,
                "status": FAILED,
                "reason": reason,
                "tenant_id": tenant_id,
                "kind": record.get("kind"),
                "file": {
                    "bucket": bucket,
                    "key": key,
                    "etag": record.get("etag"),
                    "size": record.get("size"),
                },
                "counts": {"rows": 0, "succeeded": 0, "failed": 0, "skipped": 0},
                "timings": {"received_at": record.get("created_at"), "finished_at": finished},
            },
        )
        event = import_event(
            tenant_id,
            import_id,
            {
                "import_id": import_id,
                "status": FAILED,
                "kind": record.get("kind"),
                "file": key,
                "reason": reason,
                "report": {"bucket": bucket, "key": report_key},
            },
        )
        fields = {
            "status": FAILED,
            "reason": reason,
            "finished_at": finished,
            "report_key": report_key,
            "lease_until": None,
        }
        self.store.record_completion(tenant_id, import_id, fields, event)
        self.reporter.publisher.publish(event)
