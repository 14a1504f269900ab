"""A batch of webhook events: one tenant's slow receiver delays nobody else, and the function stops
before its own deadline, handing back what it did not attempt.

Receivers are loopback servers; the store is in memory (what is under test is the batch, not DynamoDB).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from debtload.adapters.http_sender import PinnedHttpSender
from debtload.domain import webhooks
from debtload.tasks.webhooks import WebhookDeliveryTask
from tests.fakes.webhooks import MemoryWebhookStore, VisibilityLog
from tests.receivers import serve


def _receiver(mode: str) -> Iterator[tuple[int, list[float]]]:
    for server, _ in serve(mode):
        yield server.server_address[1], server.RequestHandlerClass.arrivals  # type: ignore[attr-defined]


@pytest.fixture
def slow() -> Iterator[tuple[int, list[float]]]:
    yield from _receiver("trickle")


@pytest.fixture
def fast() -> Iterator[tuple[int, list[float]]]:
    yield from _receiver("ok")


def _setup(store: MemoryWebhookStore, tenant: str, port: int, count: int) -> list[dict[str, Any]]:
    store.put_endpoint(
        tenant,
        webhooks.Endpoint(
            url=f"http://hooks.{tenant}.example:{port}/h", events=("job.completed",), secret="s"
        ),
    )
    records = []
    for n in range(count):
        event_id = f"evt_{tenant}_{n}"
        store.events[(tenant, event_id)] = {
            "event_id": event_id,
            "type": "job.completed",
            "created_at": "2026-12-02T00:00:00Z",
            "data": {},
            "delivery_status": "pending",
        }
        records.append(
            {
                "messageId": f"msg-{event_id}",
                "receiptHandle": f"rh-{event_id}",
                "body": json.dumps({"tenant_id": tenant, "event_id": event_id}),
            }
        )
    return records


def _task(store: MemoryWebhookStore, sqs: VisibilityLog) -> WebhookDeliveryTask:
    sender = PinnedHttpSender(allow_private=True, resolver=lambda host: ["127.0.0.1"])
    return WebhookDeliveryTask(store, sender, "queue-url", sqs, delivery_timeout=1.0)


def _countdown(milliseconds: int) -> Callable[[], int]:
    deadline = time.monotonic() + milliseconds / 1000
    return lambda: max(0, int((deadline - time.monotonic()) * 1000))


def test_a_slow_tenant_does_not_delay_the_others(slow: Any, fast: Any) -> None:
    store, sqs = MemoryWebhookStore(), VisibilityLog()
    # Given three events for a trickling receiver and three for a quick one
    slow_records = _setup(store, "slowco", slow[0], 3)
    fast_records = _setup(store, "fastco", fast[0], 3)
    # When one batch delivers them all
    started = time.monotonic()
    result = _task(store, sqs).handle_batch(slow_records + fast_records, _countdown(30_000))
    elapsed = time.monotonic() - started

    # Then the quick tenant is served at once, and each slow delivery ends at its deadline
    fast_arrivals = fast[1]
    assert len(fast_arrivals) == 3 and max(fast_arrivals) - started < 1.0  # not queued behind slowco
    assert all(
        store.events[("fastco", f"evt_fastco_{n}")]["delivery_status"] == "delivered" for n in range(3)
    )
    # slowco's three deliveries each end at the 1 s total deadline, though each byte came within 0.2 s
    assert elapsed < 4.0
    assert {f["itemIdentifier"] for f in result["batchItemFailures"]} == {
        r["messageId"] for r in slow_records
    }
    assert sorted(sqs.changed) == sorted(r["receiptHandle"] for r in slow_records)  # each backs off
    assert "deadline" in store.events[("slowco", "evt_slowco_0")]["last_attempt"]


def test_the_batch_stops_before_the_function_deadline_and_returns_what_it_did_not_try(slow: Any) -> None:
    store, sqs = MemoryWebhookStore(), VisibilityLog()
    # Given five events for a trickling receiver
    records = _setup(store, "slowco", slow[0], 5)
    started = time.monotonic()
    # When the function has 3.5 s left
    # 3.5 s left: one 1 s delivery fits with the 1 s safety margin, a third would not.
    result = _task(store, sqs).handle_batch(records, _countdown(3_500))
    assert time.monotonic() - started < 3.0
    # Then it stops in time and hands back every message, the unattempted ones untouched
    attempted = [
        r for r in records if store.events[("slowco", json.loads(r["body"])["event_id"])].get("attempts")
    ]
    untouched = [r for r in records if r not in attempted]
    assert 1 <= len(attempted) <= 2 and untouched
    assert {f["itemIdentifier"] for f in result["batchItemFailures"]} == {r["messageId"] for r in records}
    # Messages not attempted keep their visibility: they come back as they are, with no attempt counted.
    assert sorted(sqs.changed) == sorted(r["receiptHandle"] for r in attempted)
