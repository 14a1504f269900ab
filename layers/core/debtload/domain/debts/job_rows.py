"""Debts as a job kind: the rows of a dropped debts file, a chunk at a time, through the same rules
and the same batch code as POST /debts/batch.

The job is the import: its id is the debts' import_id (GET /debts?import_id=<job id>), row numbers
fix the debt ids, and each chunk is charged once under its own entry, so a redelivered chunk writes
the same debts again and charges nothing twice. Civility credits are rounded up per chunk.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from debtload.domain.debts.batch import BatchRequest, BatchServices, run_batch
from debtload.domain.errors import PaymentRequired
from debtload.domain.jobs.model import Job, JobRow, RowOutcome

KIND = "debts"


class DebtsRowProcessor:
    def __init__(self, services: BatchServices) -> None:
        self.services = services

    def process(self, job: Job, rows: Sequence[JobRow]) -> list[RowOutcome]:
        options = job.options
        request = BatchRequest(
            debts=[dict(r.data) for r in rows],
            batch_name=str(options.get("batch_name") or "") or None,
            accept_expensive_destination=options.get("accept_expensive_destination") is True,
            auto_civility=options.get("civility_completion") is not False,
            validate_emails=options.get("email_validation") is True,
        )
        now = datetime.fromisoformat(job.created_at) if job.created_at else datetime.now(UTC)
        numbers = [r.row for r in rows]
        try:
            outcome = run_batch(
                self.services,
                job.tenant_id,
                request,
                import_id=job.job_id,
                now=now,
                dry_run=False,
                row_numbers=numbers,
                charge_id=f"{job.job_id}:{numbers[0] if numbers else 0}",
            )
        except PaymentRequired as refused:
            return [RowOutcome(r.row, False, r.data, error=f"Not imported: {refused.message}") for r in rows]
        data = {r.row: r.data for r in rows}
        results = [RowOutcome(c["index"], True, data[c["index"]], ref=c["debt_id"]) for c in outcome.created]
        results += [
            RowOutcome(f["index"], False, data[f["index"]], error=_reason(f["errors"]))
            for f in outcome.failed
        ]
        results += [
            RowOutcome(s["index"], False, data[s["index"]], error=f"Skipped: {s['reason']}")
            for s in outcome.skipped
        ]
        return sorted(results, key=lambda o: o.row)


def _reason(errors: dict[str, list[str]]) -> str:
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
