"""One request's BatchWriteItem / BatchGetItem calls run concurrently, bounded by the setting, and
still write everything or raise. The fake clients block calls on a condition, not on time."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from debtload.adapters import aws
from debtload.adapters.dynamodb.fan_out import fan_out
from debtload.adapters.dynamodb.table import DynamoTable, UnprocessedItemsError, deserialize
from debtload.config import Config

TABLE = "t"
SAFETY_SECONDS = 10  # only a broken implementation waits this long; no assertion depends on it


class GatedClient:
    """Holds each chunk's first call until `bound` calls are in flight (or every chunk has started),
    so the highest count seen is the concurrency the table really used. Retries are not held: a
    chunk's retry can only follow its own first call."""

    def __init__(self, bound: int, chunks: int) -> None:
        self.bound = bound
        self.chunks = chunks
        self.condition = threading.Condition()
        self.in_flight = 0
        self.max_in_flight = 0
        self.calls = 0
        self.first_calls = 0
        self.finished = 0
        self.seen: set[str] = set()
        self.written: list[dict[str, Any]] = []
        self.threads: set[str] = set()

    def _enter(self, chunk: str) -> None:
        with self.condition:
            self.in_flight += 1
            self.calls += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.threads.add(threading.current_thread().name)
            if chunk in self.seen:
                return
            self.seen.add(chunk)
            self.first_calls += 1
            self.condition.notify_all()
            self.condition.wait_for(
                lambda: self.in_flight >= self.bound or self.first_calls >= self.chunks, SAFETY_SECONDS
            )

    def _leave(self) -> None:
        with self.condition:
            self.in_flight -= 1
            self.finished += 1
            self.condition.notify_all()

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> dict[str, Any]:
        self._enter(chunk_of(RequestItems[TABLE]))
        try:
            return self.write(RequestItems[TABLE])
        finally:
            self._leave()

    def write(self, requests: list[Any]) -> dict[str, Any]:
        with self.condition:
            self.written.extend(deserialize(r["PutRequest"]["Item"]) for r in requests)
        return {}


class HalfUnprocessed(GatedClient):
    """The first attempt of each chunk writes half of it and hands the rest back."""

    def write(self, requests: list[Any]) -> dict[str, Any]:
        if requests[0].get("_retried"):
            return super().write(requests)
        half = len(requests) // 2
        super().write(requests[:half])
        return {"UnprocessedItems": {TABLE: [{**r, "_retried": True} for r in requests[half:]]}}


class OneChunkNeverWrites(GatedClient):
    def write(self, requests: list[Any]) -> dict[str, Any]:
        if any(deserialize(r["PutRequest"]["Item"])["SK"] == "item#0077" for r in requests):
            return {"UnprocessedItems": {TABLE: requests}}
        return super().write(requests)


def chunk_of(requests: list[Any]) -> str:
    """A chunk's name: its last item, which every retry of the chunk still holds in these fakes."""
    return str(requests[-1]["PutRequest"]["Item"]["SK"]["S"])


def items(count: int) -> list[dict[str, Any]]:
    return [{"PK": "P", "SK": f"item#{i:04d}"} for i in range(count)]


def table(client: Any, concurrency: int) -> DynamoTable:
    return DynamoTable(TABLE, client=client, sleep=lambda _: None, batch_concurrency=concurrency)


@pytest.mark.parametrize("concurrency", [1, 3, 8])
def test_batch_write_runs_at_most_the_configured_calls_at_once(concurrency: int) -> None:
    client = GatedClient(bound=concurrency, chunks=20)
    calls = table(client, concurrency).batch_write(items(500))
    assert calls == 20
    assert client.max_in_flight == concurrency
    assert sorted(i["SK"] for i in client.written) == [i["SK"] for i in items(500)]


def test_unprocessed_items_are_retried_until_written_under_concurrency() -> None:
    client = HalfUnprocessed(bound=4, chunks=20)
    calls = table(client, 4).batch_write(items(500))
    assert calls == 40  # every chunk: one call, then one retry of its unprocessed half
    assert sorted(i["SK"] for i in client.written) == [i["SK"] for i in items(500)]
    assert client.max_in_flight == 4


def test_a_chunk_that_never_writes_raises_once_the_running_calls_are_done() -> None:
    client = OneChunkNeverWrites(bound=1, chunks=20)  # not held: the chunks after the failure never start
    with pytest.raises(UnprocessedItemsError):
        table(client, 4).batch_write(items(500))
    assert client.in_flight == 0
    assert client.calls == client.finished  # nothing still landing after the error


def test_groups_share_one_pool_and_a_failed_group_stops_no_other() -> None:
    # Given 4 groups of 125 items (5 chunks each), the chunk holding item#0077 never written
    every = items(500)
    groups = [every[start : start + 125] for start in range(0, 500, 125)]
    client = OneChunkNeverWrites(bound=8, chunks=20)

    # When every group is written at once
    failures = table(client, 8).batch_write_groups(groups)

    # Then the first group reports its error, the others are written whole, on one pool of 8
    assert isinstance(failures[0], UnprocessedItemsError)
    assert failures[1:] == [None, None, None]
    written = {i["SK"] for i in client.written}
    assert {i["SK"] for i in every[125:]} <= written
    assert "item#0077" not in written
    assert client.max_in_flight == 8
    assert client.in_flight == 0


def test_a_lone_chunk_is_written_on_the_callers_thread_and_nothing_makes_no_call() -> None:
    client = GatedClient(bound=1, chunks=1)
    assert table(client, 8).batch_write([]) == 0
    assert client.calls == 0
    assert table(client, 8).batch_write(items(25)) == 1
    assert client.threads == {threading.current_thread().name}


class GatedReader(GatedClient):
    """BatchGetItem over a fixed set of stored SKs; the first attempt of each call leaves its last
    key unprocessed."""

    def __init__(self, bound: int, chunks: int, stored: set[str]) -> None:
        super().__init__(bound, chunks)
        self.stored = stored

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        request = RequestItems[TABLE]
        self._enter(str(request["Keys"][-1]["SK"]["S"]))
        try:
            keys = request["Keys"]
            if not request.get("_retried") and len(keys) > 1:
                keys, rest = keys[:-1], keys[-1:]
                unprocessed = {"UnprocessedKeys": {TABLE: {"Keys": rest, "_retried": True}}}
            else:
                unprocessed = {}
            found = [key for key in keys if key["SK"]["S"] in self.stored]
            return {"Responses": {TABLE: found}, **unprocessed}
        finally:
            self._leave()


def test_batch_get_reads_every_chunk_concurrently_and_retries_unprocessed_keys() -> None:
    wanted = [("P", f"item#{i:04d}") for i in range(450)]  # 5 calls of at most 100 keys
    stored = {sk for _, sk in wanted[::3]}
    client = GatedReader(bound=3, chunks=5, stored=stored)
    found = table(client, 3).batch_get(wanted + wanted[:10])  # duplicates are read once
    assert sorted(item["SK"] for item in found) == sorted(stored)
    assert client.calls == 10
    assert client.max_in_flight == 3


def test_batch_get_of_no_keys_makes_no_call_and_one_chunk_stays_on_the_callers_thread() -> None:
    client = GatedReader(bound=1, chunks=1, stored={"item#0001"})
    assert table(client, 8).batch_get([]) == []
    assert client.calls == 0
    assert [i["SK"] for i in table(client, 8).batch_get([("P", "item#0001"), ("P", "item#0002")])] == [
        "item#0001"
    ]
    assert client.threads == {threading.current_thread().name}


def test_fan_out_keeps_the_tasks_order_and_stops_drawing_tasks_after_a_failure() -> None:
    assert fan_out(lambda n: n * n, iter(range(30)), 4) == [n * n for n in range(30)]

    ran: list[int] = []

    def call(n: int) -> int:
        ran.append(n)
        if n in (2, 3):
            raise ValueError(n)
        return n

    with pytest.raises(ValueError, match=r"^2$"):
        fan_out(call, iter(range(100)), 1)
    assert max(ran) <= 3  # at most twice `workers` tasks were queued when task 2 failed


def test_the_setting_is_read_from_the_environment() -> None:
    assert Config.from_env({}).dynamodb_batch_concurrency == 16
    assert Config.from_env({"DYNAMODB_BATCH_CONCURRENCY": "3"}).dynamodb_batch_concurrency == 3
    assert Config.from_env({"DYNAMODB_BATCH_CONCURRENCY": "0"}).dynamodb_batch_concurrency == 1


def test_the_shared_client_pool_holds_a_request_s_calls_and_the_other_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    DynamoTable(TABLE, batch_concurrency=24)
    assert aws.pool_connections() >= 24 + aws.OTHER_CALLS
    try:
        assert aws.client("dynamodb").meta.config.max_pool_connections == aws.pool_connections()
    finally:
        aws.reset_clients()  # the client was made with this test's environment
