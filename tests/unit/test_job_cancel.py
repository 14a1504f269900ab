"""The cancel rules (domain/jobs/cancel.py, decision 91): from which states, the lease a chunk takes
before writing, the wait for chunks in flight, the views of a canceled job, and a call run's refund."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest

from debtload.domain import ingestion
from debtload.domain.calls.cancel import cancel_call_run, refund_not_dialed
from debtload.domain.calls.dispatch import credits_of, dispatch_batch
from debtload.domain.collections.bulks import bulk_view
from debtload.domain.errors import Conflict, NotFound
from debtload.domain.jobs.cancel import JobCanceler, canceled_event, job_view, lease, live_leases
from debtload.domain.jobs.model import ChunkMessage, Job, JobRow, JobStatus, OutboxEvent, RowOutcome
from debtload.domain.jobs.worker import JobWorker
from tests.fakes.calls import MemoryCallRuns, RecordingDialer
from tests.fakes.jobs import RecordingPublisher

NOW = 1_800_000_000.0


class Jobs:
    """The JobStore's conditions, in memory."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.counted: set[int] = set()
        self.outcomes: list[RowOutcome] = []
        self.events: list[OutboxEvent] = []

    def get_job(self, tenant_id: str, job_id: str) -> Job | None:
        return self.job if job_id == self.job.job_id else None

    def is_chunk_counted(self, tenant_id: str, job_id: str, chunk: int) -> bool:
        return chunk in self.counted

    def save_row_outcomes(self, tenant_id: str, job_id: str, outcomes: Sequence[RowOutcome]) -> None:
        self.outcomes.extend(outcomes)

    def claim_chunk(self, tenant_id: str, job_id: str, held: str) -> bool:
        if self.job.status.terminal:
            return False
        self.job = replace(self.job, status=JobStatus.IN_PROGRESS, in_flight=self.job.in_flight | {held})
        return True

    def release_chunk(self, tenant_id: str, job_id: str, held: str) -> None:
        self.job = replace(self.job, in_flight=self.job.in_flight - {held})

    def count_chunk(
        self,
        tenant_id: str,
        job_id: str,
        chunk: int,
        succeeded: int,
        failed: int,
        dead: bool,
        lease: str | None = None,
    ) -> Job | None:
        running = not self.job.status.terminal
        leased = self.job.status is JobStatus.CANCELED and lease in self.job.in_flight
        if chunk in self.counted or not (running or leased):
            return None
        self.counted.add(chunk)
        self.job = replace(
            self.job,
            rows_succeeded=self.job.rows_succeeded + succeeded,
            rows_failed=self.job.rows_failed + failed,
            chunks_done=self.job.chunks_done + 1,
            in_flight=self.job.in_flight - {lease} if lease else self.job.in_flight,
        )
        return self.job

    def cancel(self, job: Job, canceled_at: str) -> bool:
        if self.job.status.terminal:
            return False
        self.job = replace(self.job, status=JobStatus.CANCELED, canceled_at=canceled_at)
        return True

    def finish_canceled(self, job: Job, outcome: str, event: OutboxEvent) -> bool:
        if self.job.finished_at is not None:
            return False
        self.job = replace(self.job, outcome=outcome, finished_at=job.finished_at)
        self.events.append(event)
        return True

    def finish(self, job: Job, status: JobStatus, outcome: str, event: OutboxEvent) -> bool:
        if self.job.status.terminal:
            return False
        self.job = replace(self.job, status=status, outcome=outcome, finished_at="t")
        self.events.append(event)
        return True


def a_job(**changes: Any) -> Job:
    base = Job("t1", "job-1", "notes", "api", JobStatus.IN_PROGRESS, rows_total=1000, chunks_total=2)
    return replace(base, **changes)


class Ok:
    def __init__(self) -> None:
        self.rows: list[int] = []

    def process(self, job: Job, rows: Sequence[JobRow]) -> list[RowOutcome]:
        self.rows.extend(r.row for r in rows)
        return [RowOutcome(r.row, True, r.data, ref=str(r.row)) for r in rows]


def chunk(index: int) -> dict[str, Any]:
    rows = tuple(JobRow(index * 500 + i, {"i": i}) for i in range(500))
    return ChunkMessage("t1", "job-1", index, 500, rows=rows).to_body()


def canceler(jobs: Jobs, **kwargs: Any) -> JobCanceler:
    return JobCanceler(jobs, RecordingPublisher(), clock=lambda: NOW, sleep=lambda _: None, **kwargs)


@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.IN_PROGRESS])
def test_a_running_job_is_canceled_once_with_its_event(status: JobStatus) -> None:
    jobs = Jobs(a_job(status=status, rows_succeeded=500, chunks_done=1))
    publisher = RecordingPublisher()
    done = JobCanceler(jobs, publisher, clock=lambda: NOW).cancel("t1", "job-1")
    assert done.status is JobStatus.CANCELED and done.rows_remaining == 500 and done.finished_at
    assert [e.type for e in publisher.events] == ["job.canceled"]
    assert publisher.events[0].data["rows_skipped"] == 500 and publisher.events[0].data["canceled"] is True
    with pytest.raises(Conflict):
        canceler(jobs).cancel("t1", "job-1")


@pytest.mark.parametrize(
    "status", [JobStatus.COMPLETED, JobStatus.COMPLETED_WITH_ERRORS, JobStatus.FAILED, JobStatus.CANCELED]
)
def test_a_terminal_job_is_a_409_and_an_unknown_one_a_404(status: JobStatus) -> None:
    jobs = Jobs(a_job(status=status))
    with pytest.raises(Conflict):
        canceler(jobs).cancel("t1", "job-1")
    with pytest.raises(NotFound):
        canceler(jobs).cancel("t1", "nope")


def test_a_bulk_awaiting_approval_is_rejected_not_canceled() -> None:
    jobs = Jobs(a_job(kind="collections", options={"approval": "awaiting"}))
    with pytest.raises(Conflict, match="reject"):
        canceler(jobs).cancel("t1", "job-1")


def test_a_chunk_after_the_cancel_writes_nothing_and_a_redelivery_finishes_a_crashed_cancel() -> None:
    jobs = Jobs(a_job(status=JobStatus.CANCELED, canceled_at="t"))
    processor = Ok()
    JobWorker(jobs, None, RecordingPublisher(), {"notes": processor}, clock=lambda: NOW).handle_chunk(
        chunk(1)
    )  # type: ignore[arg-type]
    assert processor.rows == [] and jobs.outcomes == [] and jobs.job.chunks_done == 0
    assert jobs.job.finished_at is not None and [e.type for e in jobs.events] == ["job.canceled"]


def test_a_chunk_that_took_its_lease_before_the_cancel_is_counted_on_the_canceled_job() -> None:
    jobs = Jobs(a_job())

    class CanceledMeanwhile(Ok):
        def process(self, job: Job, rows: Sequence[JobRow]) -> list[RowOutcome]:
            assert live_leases(jobs.job, NOW)  # the lease is taken before any row is written
            assert jobs.cancel(jobs.job, "t")
            return super().process(job, rows)

    worker = JobWorker(jobs, None, RecordingPublisher(), {"notes": CanceledMeanwhile()}, clock=lambda: NOW)  # type: ignore[arg-type]
    worker.handle_chunk(chunk(0))
    assert jobs.job.status is JobStatus.CANCELED
    assert (jobs.job.rows_succeeded, jobs.job.chunks_done, jobs.job.in_flight) == (500, 1, frozenset())


def test_the_cancel_waits_for_live_leases_and_not_for_expired_ones() -> None:
    clock = [NOW]
    jobs = Jobs(a_job(in_flight=frozenset({lease(0, NOW + 60), lease(1, NOW - 5)})))
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds
        if len(sleeps) == 3:  # the chunk in flight is counted
            jobs.count_chunk("t1", "job-1", 0, 500, 0, False, lease=lease(0, NOW + 60))

    done = JobCanceler(jobs, RecordingPublisher(), clock=lambda: clock[0], sleep=sleep).cancel("t1", "job-1")
    assert len(sleeps) == 3 and done.rows_succeeded == 500 and done.rows_remaining == 500


def test_the_wait_is_bounded() -> None:
    clock = [NOW]
    jobs = Jobs(a_job(in_flight=frozenset({lease(0, NOW + 600)})))

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    JobCanceler(jobs, RecordingPublisher(), wait_seconds=2, clock=lambda: clock[0], sleep=sleep).cancel(
        "t1", "job-1"
    )
    assert clock[0] - NOW == pytest.approx(2, abs=0.3)


def test_a_processor_that_raises_gives_its_lease_back() -> None:
    jobs = Jobs(a_job())

    class Boom(Ok):
        def process(self, job: Job, rows: Sequence[JobRow]) -> list[RowOutcome]:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        JobWorker(jobs, None, RecordingPublisher(), {"notes": Boom()}).handle_chunk(chunk(0))  # type: ignore[arg-type]
    assert jobs.job.in_flight == frozenset()


def test_views_of_a_canceled_job() -> None:
    job = a_job(
        status=JobStatus.CANCELED, rows_succeeded=400, rows_failed=100, canceled_at="t", finished_at="u"
    )
    assert ingestion.job_view(job) == {
        "status": 4,
        "canceled": True,
        "rowsTotal": 1000,
        "rowsSucceeded": 400,
        "rowsFailed": 100,
    }
    assert "canceled" not in ingestion.job_view(replace(job, status=JobStatus.FAILED))
    bulk = bulk_view(replace(job, kind="collections"), canceled=10)
    assert (
        bulk["status"],
        bulk["collections_canceled"],
        bulk["collections_confirmed"],
        bulk["canceled"],
    ) == (
        "completed",
        510,
        390,
        True,
    )
    assert job_view(job)["rows_skipped"] == 500
    assert canceled_event(job, "o", "t").event_id == canceled_event(job, "other", "u").event_id


def test_a_canceled_run_refunds_what_was_charged_and_not_dialed_and_dials_nobody_after() -> None:
    from datetime import UTC, datetime

    runs = MemoryCallRuns(customers=3)
    batch = runs.get_batch("t1", "run-1", 0)
    charges = {c["key"]: credits_of(c) for c in batch["customers"][:2]}
    assert runs.reserve_credits("t1", "run-1", 0, charges)
    charged = runs.balance
    assert cancel_call_run(runs, None, "t1", "run-1", "t")
    assert runs.balance == charged + sum(charges.values())
    assert runs.get_run("t1", "run-1")["status"] == "canceled"  # type: ignore[index]
    assert refund_not_dialed(runs, "t1", "run-1", runs.get_batch("t1", "run-1", 0)) == 0  # not twice
    dialer = RecordingDialer()
    result = dispatch_batch(runs, dialer, "t1", "run-1", 0, now=datetime.now(UTC))
    assert result["canceled"] is True and dialer.calls == []


def test_a_cancel_landing_while_a_batch_reserves_its_credits_dials_nobody_and_gives_them_back() -> None:
    from datetime import UTC, datetime

    class CanceledWhileReserving(MemoryCallRuns):
        def reserve_credits(self, tenant_id: str, call_run_id: str, index: int, charges: Any) -> bool:
            reserved = super().reserve_credits(tenant_id, call_run_id, index, charges)
            self.run["status"] = "canceled"
            return reserved

    runs = CanceledWhileReserving(customers=3)
    before = runs.balance
    dialer = RecordingDialer()
    result = dispatch_batch(runs, dialer, "t1", "run-1", 0, now=datetime.now(UTC))
    assert result["canceled"] is True and dialer.calls == [] and runs.balance == before


def test_a_batch_dialing_holds_its_claim_until_its_calls_are_marked() -> None:
    from datetime import UTC, datetime

    runs = MemoryCallRuns(customers=2)
    seen: list[Any] = []

    class Watching(RecordingDialer):
        def request_calls(self, calls: Any) -> list[str | None]:
            seen.append(set(runs.run.get("dialing", set())))
            return super().request_calls(calls)

    dispatch_batch(runs, Watching(), "t1", "run-1", 0, now=datetime.now(UTC))
    assert seen == [{0}] and not runs.run.get("dialing")
