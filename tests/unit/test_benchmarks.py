"""The bench's own machinery: the loopback DynamoDB's latency switch and the shape of a result row.
Timings are never asserted (docs/performance.md): a busy machine would make them flaky."""

from __future__ import annotations

import io
import json

import pytest

from benchmarks import common, dynamo_stub
from benchmarks.common import Result, round_trip_budget
from benchmarks.dynamo_stub import LATENCY_ENV, bench_latencies_ms, latency_label, stub_latency_ms


def test_without_the_variable_the_bench_runs_at_0_and_8_ms() -> None:
    assert bench_latencies_ms({}) == [0.0, 8.0]
    assert bench_latencies_ms({LATENCY_ENV: " "}) == [0.0, 8.0]
    assert stub_latency_ms({}) == 0.0


def test_with_the_variable_the_bench_runs_at_that_latency_only() -> None:
    assert bench_latencies_ms({LATENCY_ENV: "3"}) == [3.0]
    assert stub_latency_ms({LATENCY_ENV: "2.5"}) == 2.5


def test_a_row_name_says_its_latency() -> None:
    assert latency_label(8.0) == "DynamoDB 8 ms"
    assert latency_label(0.0) == "DynamoDB 0 ms"
    assert latency_label(2.5) == "DynamoDB 2.5 ms"


def _post(latency_s: float, target: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[float], bytes]:
    """One call answered by the stub's request handler, without a socket; the sleeps it made."""
    slept: list[float] = []
    monkeypatch.setattr(dynamo_stub.time, "sleep", slept.append)
    monkeypatch.setattr(dynamo_stub._DynamoStub, "latency_s", latency_s)
    monkeypatch.setattr(dynamo_stub._DynamoStub, "calls", dynamo_stub.Counter())
    handler = dynamo_stub._DynamoStub.__new__(dynamo_stub._DynamoStub)
    handler.headers = {"Content-Length": "2", "X-Amz-Target": f"DynamoDB_20120810.{target}"}  # type: ignore[assignment]
    handler.rfile = io.BytesIO(b"{}")
    handler.wfile = io.BytesIO()
    handler.request_version = "HTTP/1.1"
    handler.requestline = "POST / HTTP/1.1"
    handler.command = "POST"
    handler.do_POST()
    return slept, handler.wfile.getvalue()


def test_the_stub_answers_each_call_after_its_latency_and_counts_it(monkeypatch: pytest.MonkeyPatch) -> None:
    slept, answer = _post(0.008, "BatchWriteItem", monkeypatch)
    assert slept == [0.008]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1]) == {"UnprocessedItems": {}}
    assert dynamo_stub._DynamoStub.calls == {"BatchWriteItem": 1}


def test_the_stub_answers_at_once_at_0_ms(monkeypatch: pytest.MonkeyPatch) -> None:
    slept, _ = _post(0.0, "UpdateItem", monkeypatch)
    assert slept == []


def test_a_dynamodb_floor_is_the_phones_plus_the_round_trips_waited_for_in_a_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(common, "phone_floor_per_row_ms", lambda: 0.02)
    calls = {"BatchGetItem": 10, "BatchWriteItem": 40, "UpdateItem": 1}
    floor, note = common.dynamodb_floor(1000, calls, 8.0, concurrency=16)
    # 1 UpdateItem, ceil(10/16) = 1 round of reads, ceil(40/16) = 3 rounds of writes
    assert floor == pytest.approx(20 + 5 * 8)
    assert "5 round trips in a row (51 calls, batched ones 16 at a time) × 8 ms" in note
    assert common.sequential_round_trips(calls, 1) == 51


def test_an_upsert_by_natural_key_may_read_before_it_writes() -> None:
    assert round_trip_budget(1000) == 40 + common.ROUND_TRIP_CONSTANT
    assert round_trip_budget(1000, upserts=1000) == 40 + 10 + common.ROUND_TRIP_CONSTANT


def test_a_result_row_shows_its_budget_floor_ratio_and_round_trips() -> None:
    row = Result(
        "1,000-debt batch (DynamoDB 8 ms)",
        [100.0, 200.0, 300.0],
        budget_ms=120,
        rows=1000,
        floor_ms=50.0,
        floor_note="phones + round trips × latency",
        round_trips=51,
        round_trip_budget=round_trip_budget(1000),
    ).as_dict()
    assert {"median_ms", "min_ms", "max_ms", "budget_ms", "floor_ms", "floor_note", "ratio_to_floor"} <= set(
        row
    )
    assert (row["median_ms"], row["min_ms"], row["max_ms"]) == (200.0, 100.0, 300.0)
    assert row["ratio_to_floor"] == pytest.approx(4.0)
    assert row["round_trip_budget"] == 40 + common.ROUND_TRIP_CONSTANT
    assert row["over_budget"] == ["time", "round trips"]
    assert row["within_budget"] is False


def test_a_result_without_budget_is_neither_within_nor_over() -> None:
    row = Result("ingestion", [5.0]).as_dict()
    assert row["within_budget"] is None
    assert row["ratio_to_floor"] is None
    assert row["over_budget"] == []
