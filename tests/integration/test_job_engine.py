"""The job engine against moto: exactly-once counting under redelivery, crashes, throttling, poison."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from debtload.adapters.dynamodb.jobs import DynamoJobStore
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.s3_files import S3ClaimStore
from debtload.domain.jobs.model import Job, JobRow, JobStatus, OutboxEvent, RowOutcome
from debtload.domain.jobs.submit import EnqueueFailed, JobSubmitter
from debtload.domain.jobs.worker import JobWorker
from tests.conftest import MotoResources
from tests.fakes.jobs import ListQueue, RecordingPublisher

pytestmark = pytest.mark.faults
TENANT = "t1"


class WritingProcessor:
    """Writes one item per row under a deterministic key; rows with "bad" fail; can crash mid-chunk."""

    def __init__(self, table: DynamoTable) -> None:
        self.table = table
        self.crash_after: int | None = None
        self.poison: set[int] = set()

    def process(self, job: Job, rows: Sequence[JobRow]) -> list[RowOutcome]:
        outcomes = []
        for done, row in enumerate(rows):
            if self.crash_after is not None and done == self.crash_after:
                self.crash_after = None
                raise RuntimeError("worker killed mid-chunk")
            if row.row in self.poison:
                raise RuntimeError("poison row")
            if row.data.get("bad"):
                outcomes.append(RowOutcome(row.row, False, row.data, error="bad row"))
                continue
            self.table.put(
                {"PK": f"TENANT#{job.tenant_id}", "SK": f"TEST#{job.job_id}#{row.row}", **row.data}
            )
            outcomes.append(RowOutcome(row.row, True, row.data, ref=f"item-{row.row}"))
        return outcomes


class Engine:
    def __init__(self, resources: MotoResources, table: DynamoTable | None = None) -> None:
        self.table = table or DynamoTable(resources.table_name)
        self.store = DynamoJobStore(self.table)
        self.queue = ListQueue()
        self.publisher = RecordingPublisher()
        self.processor = WritingProcessor(self.table)
        claims = S3ClaimStore(resources.bucket)
        self.submitter = JobSubmitter(self.store, self.queue, claims, self.publisher)
        self.worker = JobWorker(self.store, claims, self.publisher, {"test": self.processor})

    def written_items(self, job_id: str) -> int:
        items, _ = self.table.query(f"TENANT#{TENANT}", f"TEST#{job_id}#")
        start = _
        while start:
            more, start = self.table.query(f"TENANT#{TENANT}", f"TEST#{job_id}#", start_key=start)
            items += more
        return len(items)

    def outbox(self) -> list[dict[str, Any]]:
        items, _ = self.table.query(f"TENANT#{TENANT}", "EVENT#")
        return items


def rows(n: int, bad: Sequence[int] = ()) -> list[JobRow]:
    return [JobRow(i, {"n": i, **({"bad": True} if i in bad else {})}) for i in range(n)]


def test_every_chunk_delivered_twice_leaves_exact_counters(moto_resources: MotoResources) -> None:
    engine = Engine(moto_resources)
    # Given a job of 1,234 rows, two bad, in three chunks
    job = engine.submitter.submit(TENANT, "test", rows(1234, bad=[7, 900]))
    assert [len(b["rows"]) for b in engine.queue.bodies] == [500, 500, 234]

    # When every chunk is delivered twice
    for body in engine.queue.bodies + engine.queue.bodies:
        engine.worker.handle_chunk(body)

    # Then the counters are exact, each row written once, and one job.completed is published
    final = engine.store.get_job(TENANT, job.job_id)
    assert final is not None
    assert (final.rows_total, final.rows_succeeded, final.rows_failed) == (1234, 1232, 2)
    assert final.status is JobStatus.COMPLETED_WITH_ERRORS and final.status.code == 3
    assert engine.written_items(job.job_id) == 1232
    assert len(engine.outbox()) == 1
    assert {e.event_id for e in engine.publisher.events} == {engine.outbox()[0]["event_id"]}
    assert engine.outbox()[0]["type"] == "job.completed"


def test_worker_killed_mid_chunk_finishes_on_redelivery_without_duplicates(
    moto_resources: MotoResources,
) -> None:
    engine = Engine(moto_resources)
    # Given a chunk whose worker is killed half-way
    job = engine.submitter.submit(TENANT, "test", rows(300))
    (body,) = engine.queue.bodies
    engine.processor.crash_after = 150
    with pytest.raises(RuntimeError, match="killed"):
        engine.worker.handle_chunk(body)
    mid = engine.store.get_job(TENANT, job.job_id)
    assert mid is not None and mid.status is JobStatus.IN_PROGRESS and mid.rows_succeeded == 0

    # When it is redelivered
    engine.worker.handle_chunk(body)

    # Then the job completes with every row written once
    final = engine.store.get_job(TENANT, job.job_id)
    assert final is not None and final.status is JobStatus.COMPLETED
    assert final.rows_succeeded == 300 and engine.written_items(job.job_id) == 300


class ThrottlingClient:
    """Delegates to a real client, but BatchWriteItem first throttles then returns half unprocessed.
    A request's chunks are written concurrently, so the call count is kept under a lock."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.batch_calls = 0
        self._count_lock = threading.Lock()
        self.exceptions = real.exceptions

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> dict[str, Any]:
        with self._count_lock:
            self.batch_calls += 1
            call = self.batch_calls
        if call == 1:
            raise self._real.exceptions.ProvisionedThroughputExceededException(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
                "BatchWriteItem",
            )
        ((table, requests),) = RequestItems.items()
        if call % 2 == 0 and len(requests) > 1:
            half = len(requests) // 2
            self._real.batch_write_item(RequestItems={table: requests[:half]})
            return {"UnprocessedItems": {table: requests[half:]}}
        return self._real.batch_write_item(RequestItems=RequestItems)


def test_unprocessed_items_and_throttling_are_retried_until_written(moto_resources: MotoResources) -> None:
    client = ThrottlingClient(moto_resources.client("dynamodb"))
    table = DynamoTable(moto_resources.table_name, client=client, sleep=lambda _: None)
    calls = table.batch_write(
        {"PK": f"TENANT#{TENANT}", "SK": f"TEST#bulk#{i:04d}", "n": i} for i in range(120)
    )
    items, _ = DynamoTable(moto_resources.table_name).query(f"TENANT#{TENANT}", "TEST#bulk#")
    assert len(items) == 120
    assert calls == client.batch_calls > 5  # 5 batches of 25, plus the throttled and partial calls

    engine = Engine(moto_resources, table)  # the whole engine on the throttling client
    job = engine.submitter.submit(TENANT, "test", rows(120))
    for body in engine.queue.bodies:
        engine.worker.handle_chunk(body)
    outcomes, cursor = engine.store.list_row_outcomes(TENANT, job.job_id, None, None, 200)
    assert [o["row"] for o in outcomes] == list(range(120)) and cursor is None


def test_poison_chunk_ends_in_dead_letters_and_the_job_still_terminates(
    moto_resources: MotoResources,
) -> None:
    engine = Engine(moto_resources)
    # Given a job whose second chunk fails on every delivery
    job = engine.submitter.submit(TENANT, "test", rows(700))
    good, poison = engine.queue.bodies
    engine.processor.poison = {600}
    engine.worker.handle_chunk(good)
    for _ in range(3):
        with pytest.raises(RuntimeError, match="poison"):
            engine.worker.handle_chunk(poison)

    # When it reaches the dead-letter queue (and is redelivered from it)
    engine.worker.handle_dead_chunk(poison, "moved to the dead-letter queue")
    engine.worker.handle_dead_chunk(poison, "moved to the dead-letter queue")  # redelivered from the DLQ too

    # Then the job fails with that chunk's rows failed, and one job.failed is published
    final = engine.store.get_job(TENANT, job.job_id)
    assert final is not None
    assert final.status is JobStatus.FAILED and final.status.code == 4
    assert (final.rows_succeeded, final.rows_failed) == (500, 200)
    failed, _ = engine.store.list_row_outcomes(TENANT, job.job_id, "failed", None, 500)
    assert len(failed) == 200 and failed[0]["error"] == "moved to the dead-letter queue"
    assert [e["type"] for e in engine.outbox()] == ["job.failed"]


def test_oversize_chunk_travels_as_a_claim_check(moto_resources: MotoResources) -> None:
    engine = Engine(moto_resources)
    big = [JobRow(0, {"text": "x" * 300_000}), JobRow(1, {"text": "small"})]
    job = engine.submitter.submit(TENANT, "test", big)
    bodies = engine.queue.bodies
    assert any("claim" in b for b in bodies)
    assert all(len(json.dumps(b)) < 256 * 1024 for b in bodies)
    for body in bodies:
        engine.worker.handle_chunk(body)
    final = engine.store.get_job(TENANT, job.job_id)
    assert final is not None and final.status is JobStatus.COMPLETED and final.rows_succeeded == 2


def test_a_job_whose_rows_cannot_be_queued_fails_instead_of_hanging(moto_resources: MotoResources) -> None:
    engine = Engine(moto_resources)
    engine.queue.fail_after = 1
    with pytest.raises(EnqueueFailed):
        engine.submitter.submit(TENANT, "test", rows(1200))
    (job_item,) = engine.table.query(f"TENANT#{TENANT}", "JOB#")[0]
    job = engine.store.get_job(TENANT, job_item["job_id"])
    assert job is not None and job.status is JobStatus.FAILED and "Could not queue" in (job.outcome or "")
    engine.worker.handle_chunk(engine.queue.bodies[0])  # the chunk that did go out is dropped
    assert engine.written_items(job.job_id) == 0


def test_streamed_job_is_sealed_and_finished_even_if_chunks_finish_first(
    moto_resources: MotoResources,
) -> None:
    engine = Engine(moto_resources)

    def stream() -> Any:
        yield from rows(1100)

    job = engine.submitter.submit_stream(TENANT, "test", stream())
    assert job.sealed and job.rows_total == 1100 and job.chunks_total == 3
    for body in engine.queue.bodies:
        engine.worker.handle_chunk(body)
    final = engine.store.get_job(TENANT, job.job_id)
    assert final is not None and final.status is JobStatus.COMPLETED and final.rows_succeeded == 1100


def test_row_outcomes_page_with_status_filter(moto_resources: MotoResources) -> None:
    engine = Engine(moto_resources)
    job = engine.submitter.submit(TENANT, "test", rows(60, bad=[3, 30, 59]))
    for body in engine.queue.bodies:
        engine.worker.handle_chunk(body)
    page, cursor = engine.store.list_row_outcomes(TENANT, job.job_id, "failed", None, 2)
    assert [r["row"] for r in page] == [3, 30] and cursor
    rest, cursor = engine.store.list_row_outcomes(TENANT, job.job_id, "failed", cursor, 2)
    assert [r["row"] for r in rest] == [59] and cursor is None


class FlakyClaims:
    """S3 GetObject fails the first time, as a throttled or briefly unreachable S3 would."""

    def __init__(self, real: S3ClaimStore) -> None:
        self.real = real
        self.failures_left = 1

    def put_rows(self, tenant_id: str, job_id: str, chunk: int, rows: Sequence[JobRow]) -> Any:
        return self.real.put_rows(tenant_id, job_id, chunk, rows)

    def get_rows(self, claim: Any) -> list[JobRow]:
        if self.failures_left:
            self.failures_left -= 1
            raise ConnectionError("S3 GetObject failed")
        return self.real.get_rows(claim)


def test_s3_get_object_failing_once_is_retried_without_loss(moto_resources: MotoResources) -> None:
    engine = Engine(moto_resources)
    flaky = FlakyClaims(S3ClaimStore(moto_resources.bucket))
    worker = JobWorker(engine.store, flaky, engine.publisher, {"test": engine.processor})
    job = JobSubmitter(engine.store, engine.queue, flaky, engine.publisher).submit(
        TENANT, "test", [JobRow(0, {"text": "x" * 300_000}), JobRow(1, {"text": "y"})]
    )
    (claimed,) = [b for b in engine.queue.bodies if "claim" in b]
    with pytest.raises(ConnectionError):
        worker.handle_chunk(claimed)
    for body in engine.queue.bodies:  # SQS redelivers the failed chunk
        worker.handle_chunk(body)
    final = engine.store.get_job(TENANT, job.job_id)
    assert final is not None and final.status is JobStatus.COMPLETED and final.rows_succeeded == 2
    assert engine.written_items(job.job_id) == 2


# --- One oversized row must not wedge a job (issue 13, defect 3) ---------------------------------


def test_moto_refuses_items_over_400_kb_as_dynamodb_does(moto_resources: MotoResources) -> None:
    """The tests below rely on moto refusing a >400 KB item on the write paths the engine uses."""
    table = DynamoTable(moto_resources.table_name)
    big = {"PK": f"TENANT#{TENANT}", "SK": "TEST#big", "v": "x" * 500_000}
    for write in (
        lambda: table.put(big),
        lambda: table.batch_write([big]),
        lambda: table.transact([{"Put": {"Item": big}}]),
    ):
        with pytest.raises(Exception, match="Item size has exceeded the maximum allowed size"):
            write()


def test_a_failed_row_with_a_1_mb_cell_is_stored_truncated_and_the_job_ends(
    moto_resources: MotoResources,
) -> None:
    engine = Engine(moto_resources)
    job = engine.submitter.submit(
        TENANT, "test", [JobRow(0, {"bad": True, "cell": "é" * 1_000_000, "id": "A-1"}), *rows(3)[1:]]
    )
    for body in engine.queue.bodies:
        engine.worker.handle_chunk(body)
    final = engine.store.get_job(TENANT, job.job_id)
    assert final is not None and final.status is JobStatus.COMPLETED_WITH_ERRORS
    assert (final.rows_total, final.rows_succeeded, final.rows_failed) == (3, 2, 1)
    (failed,), _ = engine.store.list_row_outcomes(TENANT, job.job_id, "failed", None, 10)
    assert failed["row"] == 0 and failed["error"] == "bad row" and failed["truncated"] is True
    assert failed["data"]["id"] == "A-1"  # small values are kept whole
    assert "truncated" in failed["data"]["cell"] and "2,000,000 bytes" in failed["data"]["cell"]
    assert len(failed["data"]["cell"].encode()) < 20_000


def test_a_dead_chunk_with_an_oversized_row_is_counted_and_never_raises(
    moto_resources: MotoResources,
) -> None:
    engine = Engine(moto_resources)
    job = engine.submitter.submit(TENANT, "test", [JobRow(0, {"text": "x" * 500_000}), *rows(3)[1:]])
    assert len(engine.queue.bodies) == 2
    for body in engine.queue.bodies:  # both chunks exhausted their retries
        engine.worker.handle_dead_chunk(body, "moved to the dead-letter queue")
    final = engine.store.get_job(TENANT, job.job_id)
    assert final is not None and final.status is JobStatus.FAILED
    assert (final.rows_succeeded, final.rows_failed) == (0, 3)
    failed, _ = engine.store.list_row_outcomes(TENANT, job.job_id, "failed", None, 10)
    assert [r["row"] for r in failed] == [0, 1, 2]
    assert failed[0]["truncated"] is True and failed[1]["truncated"] is False


class RefusingOutcomesStore(DynamoJobStore):
    """Row outcomes that carry data are refused, as a write DynamoDB rejects for any reason would be."""

    def save_row_outcomes(self, tenant_id: str, job_id: str, outcomes: Sequence[RowOutcome]) -> None:
        if any(o.data for o in outcomes):
            raise RuntimeError("ValidationException: Item size has exceeded the maximum allowed size")
        super().save_row_outcomes(tenant_id, job_id, outcomes)


def test_the_dead_letter_handler_falls_back_to_a_minimal_record_and_never_raises(
    moto_resources: MotoResources,
) -> None:
    engine = Engine(moto_resources)
    store = RefusingOutcomesStore(engine.table)
    worker = JobWorker(
        store, S3ClaimStore(moto_resources.bucket), engine.publisher, {"test": engine.processor}
    )
    job = engine.submitter.submit(TENANT, "test", rows(3))
    (body,) = engine.queue.bodies
    worker.handle_dead_chunk(body, "moved to the dead-letter queue")
    worker.handle_dead_chunk({"not": "a chunk"}, "moved to the dead-letter queue")  # malformed: logged
    final = store.get_job(TENANT, job.job_id)
    assert final is not None and final.status is JobStatus.FAILED and final.rows_failed == 3
    failed, _ = store.list_row_outcomes(TENANT, job.job_id, "failed", None, 10)
    assert [r["row"] for r in failed] == [0, 1, 2]
    assert all(r["error"] == "moved to the dead-letter queue" and r["data"] == {} for r in failed)
    assert failed[0]["truncated"] is True


# --- job.failed always goes out (issue 13, defect 11) --------------------------------------------


def test_a_job_that_cannot_be_queued_publishes_job_failed(moto_resources: MotoResources) -> None:
    engine = Engine(moto_resources)
    engine.queue.fail_after = 1
    with pytest.raises(EnqueueFailed):
        engine.submitter.submit(TENANT, "test", rows(1200))
    (event,) = engine.publisher.events
    assert event.type == "job.failed" and [e["event_id"] for e in engine.outbox()] == [event.event_id]


class DownPublisher:
    def publish(self, event: OutboxEvent) -> None:
        raise ConnectionError("webhook queue unreachable")


def test_an_unpublished_job_failed_is_swept_once_after_a_minute(moto_resources: MotoResources) -> None:
    from datetime import UTC, datetime, timedelta

    from debtload.adapters.dynamodb.outbox import DynamoOutbox
    from debtload.domain.jobs.outbox import SentMarkingPublisher, sweep_outbox

    engine = Engine(moto_resources)
    outbox = DynamoOutbox(engine.table)
    engine.queue.fail_after = 0  # SQS is down: the chunks and the event both fail to go out
    submitter = JobSubmitter(
        engine.store,
        engine.queue,
        S3ClaimStore(moto_resources.bucket),
        SentMarkingPublisher(DownPublisher(), outbox),
    )
    with pytest.raises(EnqueueFailed):
        submitter.submit(TENANT, "test", rows(3))
    (entry,) = engine.outbox()
    assert entry["type"] == "job.failed" and "published_at" not in entry

    sent = RecordingPublisher()
    now = datetime.now(UTC)
    assert sweep_outbox(outbox, sent, now) == {"published": 0, "failed": 0}  # younger than a minute
    assert sweep_outbox(outbox, sent, now + timedelta(minutes=2)) == {"published": 1, "failed": 0}
    assert [e.event_id for e in sent.events] == [entry["event_id"]] and sent.events[0].type == "job.failed"
    assert sweep_outbox(outbox, sent, now + timedelta(minutes=7)) == {"published": 0, "failed": 0}
    (marked,) = engine.outbox()
    assert "published_at" in marked and "GSI1PK" not in marked


def test_a_published_event_is_marked_sent_and_never_swept(moto_resources: MotoResources) -> None:
    from datetime import UTC, datetime, timedelta

    from debtload.adapters.dynamodb.outbox import DynamoOutbox
    from debtload.domain.jobs.outbox import SentMarkingPublisher, sweep_outbox

    engine = Engine(moto_resources)
    outbox = DynamoOutbox(engine.table)
    worker = JobWorker(
        engine.store,
        S3ClaimStore(moto_resources.bucket),
        SentMarkingPublisher(engine.publisher, outbox),
        {"test": engine.processor},
    )
    engine.submitter.submit(TENANT, "test", rows(2))
    for body in engine.queue.bodies:
        worker.handle_chunk(body)
    assert [e.type for e in engine.publisher.events] == ["job.completed"]
    swept = RecordingPublisher()
    assert sweep_outbox(outbox, swept, datetime.now(UTC) + timedelta(hours=1)) == {
        "published": 0,
        "failed": 0,
    }
