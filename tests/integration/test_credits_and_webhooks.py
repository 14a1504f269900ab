from __future__ import annotations

import base64
import json
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.dynamodb.webhooks import DynamoWebhookStore
from debtload.domain import credits, webhooks
from debtload.domain.errors import PaymentRequired
from debtload.tasks.webhooks import WebhookDeliveryTask
from devstack.demo import DEMO_EVENT_ID
from tests.conftest import MotoResources
from tests.fakes.webhooks import FakeSender
from tests.helpers import ADMIN, api_event, body_of, tenant_repository
from tests.integration.conftest import Invoke


def test_charges_are_idempotent_and_refused_when_unpayable(
    moto_resources: MotoResources, demo_tenant: str
) -> None:
    repo = tenant_repository(moto_resources.table_name)
    credits.charge(repo, demo_tenant, 30, "civility", "req-1")
    credits.charge(repo, demo_tenant, 30, "civility", "req-1")  # the same request charged twice
    assert repo.balance(demo_tenant) == 10_000 - 30
    with pytest.raises(PaymentRequired) as refused:
        credits.charge(repo, demo_tenant, 1_000_000, "calls", "req-2")
    assert refused.value.status == 402 and refused.value.details["credits_required"] == 1_000_000
    assert repo.balance(demo_tenant) == 9_970
    ledger = repo.view(demo_tenant, 10).ledger
    assert [e.amount for e in ledger][:2] == [-30, 10_000]


def record(resources: MotoResources, event_id: str = DEMO_EVENT_ID) -> dict[str, Any]:
    sqs = resources.client("sqs")
    url = resources.queue_url("WebhookQueue")
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"tenant_id": "demo-tenant", "event_id": event_id}))
    message = sqs.receive_message(QueueUrl=url)["Messages"][0]
    return {
        "body": message["Body"],
        "receiptHandle": message["ReceiptHandle"],
        "messageId": message["MessageId"],
    }


def test_webhook_routes_and_signed_delivery_with_backoff_then_success(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    # Given an endpoint set through the api, whose secret is shown masked afterwards
    put = invoke(
        "ApiFunction",
        api_event(
            "PUT",
            "/webhooks",
            body={"url": "https://93.184.216.34/hook", "events": ["job.completed"]},
            principal=ADMIN,
        ),
    )
    assert put["statusCode"] == 200
    secret = body_of(put)["secret"]
    shown = body_of(invoke("ApiFunction", api_event("GET", "/webhooks", principal=ADMIN)))
    assert shown["secret"] != secret and shown["secret"].endswith(secret[-4:])

    # When the first delivery gets a 503, the second a 200, and the message comes a third time
    store = DynamoWebhookStore(DynamoTable(moto_resources.table_name))
    sender = FakeSender([503, 200])
    task = WebhookDeliveryTask(
        store, sender, moto_resources.queue_url("WebhookQueue"), moto_resources.client("sqs")
    )
    with pytest.raises(webhooks.RetryLater) as retry:
        task.handle_record(record(moto_resources))
    # Then it backs off, delivers once, and the body is signed with the secret
    assert 24 <= retry.value.delay_seconds <= 36  # 30 s ± 20 % after the first failure
    # And the tenant sees when the next attempt is due (the console's deliveries table)
    waiting = webhooks.event_view(store.get_event("demo-tenant", DEMO_EVENT_ID) or {})
    assert waiting["delivery_status"] == "retrying" and waiting["next_attempt_at"].endswith("Z")
    assert task.handle_record(record(moto_resources)) == "delivered"
    assert task.handle_record(record(moto_resources)) == "delivered"  # a duplicate message is not re-sent
    assert len(sender.requests) == 2
    _, body, headers = sender.requests[-1]
    assert webhooks.verify_signature(secret, headers["Debtload-Signature"], body)
    assert json.loads(body)["id"] == DEMO_EVENT_ID and json.loads(body)["type"] == "job.completed"


def test_410_disables_the_endpoint(moto_resources: MotoResources, demo_data: str) -> None:
    store = DynamoWebhookStore(DynamoTable(moto_resources.table_name))
    webhooks.set_endpoint(
        store, "demo-tenant", "https://example.com/h", ["job.completed"], allow_private=True
    )
    task = WebhookDeliveryTask(
        store, FakeSender([410]), moto_resources.queue_url("WebhookQueue"), moto_resources.client("sqs")
    )
    assert task.handle_record(record(moto_resources)) == "disabled"
    endpoint = store.get_endpoint("demo-tenant")
    assert endpoint is not None and not endpoint.enabled


def test_private_targets_are_refused_on_deployed_stacks() -> None:
    with pytest.raises(Exception, match="private or loopback"):
        webhooks.check_url(
            "http://internal.example/h", allow_private=False, resolver=lambda host: ["10.0.0.7"]
        )
    with pytest.raises(Exception, match="http"):
        webhooks.check_url("ftp://example.com/h", allow_private=True)
    assert webhooks.check_url(
        "https://hooks.example/h", allow_private=False, resolver=lambda host: ["93.184.216.34"]
    )


@pytest.mark.faults
def test_receiver_down_for_a_while_gets_the_event_once_it_is_back(
    moto_resources: MotoResources, demo_data: str
) -> None:
    store = DynamoWebhookStore(DynamoTable(moto_resources.table_name))
    webhooks.set_endpoint(
        store, "demo-tenant", "https://93.184.216.34/h", ["job.completed"], allow_private=True
    )

    # Given a receiver that refuses the first four connections
    class Down(FakeSender):
        def post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
            if len(self.requests) < 4:
                self.requests.append((url, body, headers))
                raise OSError("connection refused")
            return super().post(url, body, headers, timeout)

    sender = Down([204])
    task = WebhookDeliveryTask(
        store, sender, moto_resources.queue_url("WebhookQueue"), moto_resources.client("sqs")
    )
    # When the event is retried until it is back
    delays = []
    for _ in range(4):
        with pytest.raises(webhooks.RetryLater) as retry:
            task.handle_record(record(moto_resources))
        delays.append(retry.value.delay_seconds)
    # Then the delays grow, and the fifth attempt delivers it
    assert delays == sorted(delays) and delays[0] < delays[-1]  # backing off
    assert task.handle_record(record(moto_resources)) == "delivered"
    event = store.get_event("demo-tenant", DEMO_EVENT_ID)
    assert event is not None and event["attempts"] == 5 and event["delivery_status"] == "delivered"


def test_an_event_out_of_attempts_is_marked_failed_and_can_be_replayed(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    store = DynamoWebhookStore(DynamoTable(moto_resources.table_name))
    webhooks.set_endpoint(
        store, "demo-tenant", "https://93.184.216.34/h", ["job.completed"], allow_private=True
    )
    # Given three attempts at most, each answered 503
    task = WebhookDeliveryTask(
        store,
        FakeSender([503, 503, 503]),
        moto_resources.queue_url("WebhookQueue"),
        moto_resources.client("sqs"),
        max_attempts=3,
    )
    # When all three are spent
    for _ in range(2):
        with pytest.raises(webhooks.RetryLater):
            task.handle_record(record(moto_resources))
    # Then the last attempt settles the event instead of leaving it to a dead-letter queue nobody reads.
    assert task.handle_record(record(moto_resources)) == "failed"
    event = store.get_event("demo-tenant", DEMO_EVENT_ID)
    assert event is not None and event["delivery_status"] == "failed" and event["attempts"] == 3
    assert "HTTP 503" in event["last_attempt"]

    # And the tenant finds what to replay without knowing an event id: GET /webhooks/events?status=failed.
    listed = invoke(
        "ApiFunction", api_event("GET", "/webhooks/events", principal=ADMIN, query={"status": "failed"})
    )
    assert listed["statusCode"] == 200
    failed = body_of(listed)["results"]
    assert [(e["id"], e["delivery_status"], e["attempts"]) for e in failed] == [(DEMO_EVENT_ID, "failed", 3)]
    assert "HTTP 503" in failed[0]["last_attempt"]
    bad = invoke(
        "ApiFunction", api_event("GET", "/webhooks/events", principal=ADMIN, query={"status": "lost"})
    )
    assert bad["statusCode"] == 400 and "lost" in body_of(bad)["message"]

    replayed = invoke(
        "ApiFunction", api_event("POST", f"/webhooks/events/{DEMO_EVENT_ID}/replay", principal=ADMIN)
    )
    assert replayed["statusCode"] == 200
    event = store.get_event("demo-tenant", DEMO_EVENT_ID)
    assert event is not None and event["delivery_status"] == "pending" and event["attempts"] == 0


def test_a_dead_lettered_message_marks_its_event_failed(
    moto_resources: MotoResources, demo_data: str
) -> None:
    store = DynamoWebhookStore(DynamoTable(moto_resources.table_name))
    sender = FakeSender([])
    dead_letters = moto_resources.queue_url("WebhookDeadLetterQueue")
    task = WebhookDeliveryTask(
        store,
        sender,
        moto_resources.queue_url("WebhookQueue"),
        moto_resources.client("sqs"),
        dead_letter_queue_name=dead_letters.rsplit("/", 1)[-1],
    )
    dead = record(moto_resources)
    dead["eventSourceARN"] = "arn:aws:sqs:us-east-1:123456789012:" + dead_letters.rsplit("/", 1)[-1]
    assert task.handle_record(dead) == "failed"
    assert sender.requests == []  # the dead-letter queue marks, it does not send
    event = store.get_event("demo-tenant", DEMO_EVENT_ID)
    assert event is not None and event["delivery_status"] == "failed"
    assert "dead-letter" in event["last_attempt"]


def test_two_messages_of_one_event_delivered_at_once_reach_the_receiver_once(
    moto_resources: MotoResources,
    demo_data: str,
) -> None:
    """A terminal event republished by a redelivered chunk gives two queue messages, which concurrent
    webhook workers take at the same moment: the delivery claim lets only one of them POST."""
    store = DynamoWebhookStore(DynamoTable(moto_resources.table_name))
    webhooks.set_endpoint(
        store, "demo-tenant", "https://93.184.216.34/h", ["job.completed"], allow_private=True
    )
    store.reset_event("demo-tenant", DEMO_EVENT_ID)  # the module's stack is shared; start pending
    # Given two workers that both read the event pending before either sends
    both_read = threading.Barrier(2, timeout=10)

    class SlowReader(DynamoWebhookStore):
        def get_event(self, tenant_id: str, event_id: str) -> dict[str, Any] | None:
            event = super().get_event(tenant_id, event_id)
            both_read.wait()  # both workers have seen the event pending before either sends
            return event

    sender = FakeSender([204, 204])
    slow = SlowReader(DynamoTable(moto_resources.table_name))
    task = WebhookDeliveryTask(
        slow, sender, moto_resources.queue_url("WebhookQueue"), moto_resources.client("sqs")
    )
    records = [record(moto_resources), record(moto_resources)]
    # When they handle its two messages at once
    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(task.handle_record, records))
    # Then only one POSTs, and the event counts one attempt
    assert outcomes == ["delivered", "in_flight"]
    assert len(sender.requests) == 1
    event = store.get_event("demo-tenant", DEMO_EVENT_ID)
    assert event is not None and event["attempts"] == 1 and "delivery_lease_until" not in event


def test_webhook_events_are_listed_by_status_in_pages_with_a_checked_cursor(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    from debtload.adapters.dynamodb.jobs import outbox_item
    from debtload.domain.jobs.model import OutboxEvent

    table = DynamoTable(moto_resources.table_name)
    store = DynamoWebhookStore(table)
    for n in range(7):
        table.put(
            outbox_item(OutboxEvent(f"evt_page{n}", "demo-tenant", "job.completed", {"job_id": f"j{n}"}, ""))
        )
        if n % 2 == 0:
            store.mark_failed("demo-tenant", f"evt_page{n}", "HTTP 500; gave up")

    def page(cursor: str | None) -> dict[str, Any]:
        query = {"status": "failed", "limit": "2", **({"cursor": cursor} if cursor else {})}
        answer = invoke("ApiFunction", api_event("GET", "/webhooks/events", principal=ADMIN, query=query))
        assert answer["statusCode"] == 200, answer
        return body_of(answer)

    seen: list[str] = []
    cursor: str | None = None
    while True:
        body = page(cursor)
        assert len(body["results"]) <= 2
        seen += [e["id"] for e in body["results"] if e["id"].startswith("evt_page")]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["evt_page0", "evt_page2", "evt_page4", "evt_page6"]

    forged = base64.urlsafe_b64encode(json.dumps({"PK": "TENANT#other", "SK": "EVENT#x"}).encode()).decode()
    refused = invoke(
        "ApiFunction", api_event("GET", "/webhooks/events", principal=ADMIN, query={"cursor": forged})
    )
    assert refused["statusCode"] == 400 and body_of(refused)["message"] == "Invalid cursor"
