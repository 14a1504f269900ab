"""Four-eyes approval of collections bulks (decision 88) through the real api and worker handlers with
moto: a held bulk waits validated, the creating key may not decide it, another key approves (its
collections confirmed, exported) or rejects (canceled), retries confirm nothing twice, webhooks."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from debtload.domain.tenants import Principal
from tests.api_requests import collection, next_saturday
from tests.conftest import MotoResources
from tests.helpers import ADMIN, body_of, call, drain_worker
from tests.integration.conftest import Invoke

APPROVER = Principal("demo-tenant", "key_approver", frozenset({"collections:approve", "collections:read"}))
WRITER = Principal("demo-tenant", "key_writer", frozenset({"collections:write", "collections:read"}))


@pytest.fixture
def creditor(invoke: Invoke, demo_tenant: str) -> None:
    response = call(
        invoke,
        "PATCH",
        "/settings",
        body={"sepa_creditor_id": "FR72ZZZ123456", "creditor_name": "Acme Recouvrement"},
    )
    assert response["statusCode"] == 200, response["body"]


def held_bulk(invoke: Invoke, moto_resources: MotoResources, rows: list[Any], **extra: Any) -> dict[str, Any]:
    created = call(invoke, "POST", "/collections/bulks", body={"collections": rows, **extra})
    assert created["statusCode"] == 200, created["body"]
    drain_worker(invoke, moto_resources)
    return read_bulk(invoke, body_of(created)["id"])


def read_bulk(invoke: Invoke, bulk_id: str) -> dict[str, Any]:
    return dict(
        body_of(call(invoke, "GET", f"/collections/bulks/{bulk_id}", resource="/collections/bulks/{id}"))
    )


def decide(invoke: Invoke, bulk_id: str, verb: str, principal: Principal = APPROVER) -> dict[str, Any]:
    return call(
        invoke,
        "POST",
        f"/collections/bulks/{bulk_id}/{verb}",
        principal=principal,
        resource=f"/collections/bulks/{{id}}/{verb}",
    )


def statuses(invoke: Invoke, bulk_id: str) -> list[str]:
    page = body_of(
        call(
            invoke,
            "GET",
            f"/collections/bulks/{bulk_id}/collections",
            resource="/collections/bulks/{id}/collections",
        )
    )
    return [c["status"] for c in page["results"]]


def until() -> str:
    return (next_saturday() + timedelta(days=3)).isoformat()


def test_a_held_bulk_waits_then_another_key_approves_it(
    invoke: Invoke, moto_resources: MotoResources, creditor: None
) -> None:
    # Given a bulk of two valid collections and one in the past, created with require_approval
    rows = [
        collection(end_to_end_id="A-1"),
        collection(end_to_end_id="A-2"),
        collection(scheduled_date="2022-12-05"),
    ]
    waiting = held_bulk(invoke, moto_resources, rows, require_approval=True)
    # Then it is validated but waits: nothing confirmed, nothing to export
    assert waiting["status"] == "awaiting_approval" and waiting["approval"] == "awaiting"
    assert (waiting["collections_confirmed"], waiting["collections_failed"]) == (0, 1)
    assert statuses(invoke, waiting["id"]) == ["pending", "pending", "failed"]
    export = body_of(call(invoke, "POST", "/collections/exports", body={"date": until()}))
    assert export["collections"] == 0

    # When the key that created it approves: 403; a key without the scope: 403 naming it
    own = decide(invoke, waiting["id"], "approve", principal=ADMIN)
    assert own["statusCode"] == 403 and "created a bulk" in body_of(own)["message"]
    unscoped = decide(invoke, waiting["id"], "approve", principal=WRITER)
    assert unscoped["statusCode"] == 403 and "collections:approve" in body_of(unscoped)["message"]

    # When another key approves
    approved = decide(invoke, waiting["id"], "approve")
    assert approved["statusCode"] == 200, approved["body"]
    done = body_of(approved)
    assert (done["status"], done["approval"], done["collections_confirmed"], done["collections_failed"]) == (
        "completed",
        "approved",
        2,
        1,
    )
    assert read_bulk(invoke, waiting["id"]) == done
    assert statuses(invoke, waiting["id"]) == ["confirmed", "confirmed", "failed"]
    # Then a second approve, or a reject, is a 409; and the export takes both, once
    assert decide(invoke, waiting["id"], "approve")["statusCode"] == 409
    assert decide(invoke, waiting["id"], "reject")["statusCode"] == 409
    exported = body_of(call(invoke, "POST", "/collections/exports", body={"date": until()}))
    assert exported["collections"] == 2


def test_a_rejected_bulk_cancels_every_collection(
    invoke: Invoke, moto_resources: MotoResources, creditor: None
) -> None:
    waiting = held_bulk(
        invoke,
        moto_resources,
        [collection(end_to_end_id="R-1"), collection(end_to_end_id="R-2")],
        require_approval=True,
    )
    rejected = decide(invoke, waiting["id"], "reject")
    assert rejected["statusCode"] == 200, rejected["body"]
    done = body_of(rejected)
    assert (done["status"], done["collections_canceled"], done["collections_confirmed"]) == (
        "completed",
        2,
        0,
    )
    assert done["collections_canceled"] == done["collections_total"]
    assert statuses(invoke, waiting["id"]) == ["canceled", "canceled"]
    assert body_of(call(invoke, "POST", "/collections/exports", body={"date": until()}))["collections"] == 0
    assert decide(invoke, waiting["id"], "approve")["statusCode"] == 409


def test_the_tenant_setting_holds_every_bulk_unless_the_request_says_otherwise(
    invoke: Invoke, moto_resources: MotoResources, creditor: None
) -> None:
    patched = call(invoke, "PATCH", "/settings", body={"collections_require_approval": True})
    assert patched["statusCode"] == 200 and body_of(patched)["collections_require_approval"] is True
    held = held_bulk(invoke, moto_resources, [collection(end_to_end_id="S-1")])
    assert held["status"] == "awaiting_approval"
    free = held_bulk(invoke, moto_resources, [collection(end_to_end_id="S-2")], require_approval=False)
    assert free["status"] == "completed" and "approval" not in free
    # A bulk never held cannot be approved; an unknown one is a 404; a non-boolean flag is a 400
    assert decide(invoke, free["id"], "approve")["statusCode"] == 409
    assert decide(invoke, "no-such-bulk", "approve")["statusCode"] == 404
    bad = call(
        invoke, "POST", "/collections/bulks", body={"collections": [collection()], "require_approval": "yes"}
    )
    assert bad["statusCode"] == 400


def test_a_retried_approve_after_a_crash_confirms_the_rest_and_nothing_twice(
    invoke: Invoke, moto_resources: MotoResources, creditor: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from debtload.adapters.dynamodb.collections import DynamoCollectionStore

    rows = [collection(end_to_end_id=f"C-{i}") for i in range(3)]
    waiting = held_bulk(invoke, moto_resources, rows, require_approval=True)
    real = DynamoCollectionStore.confirm_pending

    def crash(self: Any, tenant_id: str, collections: Any, now: str) -> list[str]:
        real(self, tenant_id, collections[:1], now)
        raise RuntimeError("crashed after the first confirmation")

    # Given an approve that crashes after its decision and one confirmation
    monkeypatch.setattr(DynamoCollectionStore, "confirm_pending", crash)
    assert decide(invoke, waiting["id"], "approve")["statusCode"] == 500
    monkeypatch.setattr(DynamoCollectionStore, "confirm_pending", real)
    half = read_bulk(invoke, waiting["id"])
    assert half["status"] == "pending" and half["approval"] == "approved"
    # Then a reject is refused, and the retried approve finishes the bulk
    assert decide(invoke, waiting["id"], "reject")["statusCode"] == 409
    retried = decide(invoke, waiting["id"], "approve")
    assert retried["statusCode"] == 200, retried["body"]
    assert body_of(retried)["collections_confirmed"] == 3
    assert statuses(invoke, waiting["id"]) == ["confirmed"] * 3
    assert body_of(call(invoke, "POST", "/collections/exports", body={"date": until()}))["collections"] == 3


def test_a_collection_canceled_while_waiting_stays_canceled_after_approval(
    invoke: Invoke, moto_resources: MotoResources, creditor: None
) -> None:
    waiting = held_bulk(
        invoke,
        moto_resources,
        [collection(end_to_end_id="X-1"), collection(end_to_end_id="X-2")],
        require_approval=True,
    )
    first = body_of(
        call(
            invoke,
            "GET",
            f"/collections/bulks/{waiting['id']}/collections",
            resource="/collections/bulks/{id}/collections",
        )
    )["results"][0]
    assert (
        call(invoke, "POST", f"/collections/{first['id']}/cancel", resource="/collections/{id}/cancel")[
            "statusCode"
        ]
        == 200
    )
    done = body_of(decide(invoke, waiting["id"], "approve"))
    assert (done["collections_confirmed"], done["collections_canceled"]) == (1, 1)
    assert statuses(invoke, waiting["id"]) == ["canceled", "confirmed"]


def test_approval_and_rejection_are_published_as_webhooks(
    invoke: Invoke, moto_resources: MotoResources, creditor: None
) -> None:
    from debtload.adapters.dynamodb.table import DynamoTable
    from debtload.adapters.dynamodb.webhooks import DynamoWebhookStore
    from debtload.tasks.webhooks import WebhookDeliveryTask
    from tests.fakes.webhooks import FakeSender

    events = ["collections.bulk.approved", "collections.bulk.rejected", "collections.bulk.completed"]
    put = call(invoke, "PUT", "/webhooks", body={"url": "https://93.184.216.34/hook", "events": events})
    assert put["statusCode"] == 200, put["body"]
    sqs = moto_resources.client("sqs")
    url = moto_resources.queue_url("WebhookQueue")
    sqs.purge_queue(QueueUrl=url)
    approved = held_bulk(invoke, moto_resources, [collection(end_to_end_id="W-1")], require_approval=True)
    decide(invoke, approved["id"], "approve")
    rejected = held_bulk(invoke, moto_resources, [collection(end_to_end_id="W-2")], require_approval=True)
    decide(invoke, rejected["id"], "reject")

    sender = FakeSender([200] * 10)
    task = WebhookDeliveryTask(DynamoWebhookStore(DynamoTable(moto_resources.table_name)), sender, url, sqs)
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for m in batch:
            task.handle_record(
                {"body": m["Body"], "receiptHandle": m["ReceiptHandle"], "messageId": m["MessageId"]}
            )
    delivered = [json.loads(request[1]) for request in sender.requests]
    by_type = {(e["type"], e["data"]["id"]): e["data"] for e in delivered}
    assert by_type[("collections.bulk.approved", approved["id"])]["decided_by"] == "key_approver"
    assert by_type[("collections.bulk.rejected", rejected["id"])]["created_by"] == "key_demo"
    assert by_type[("collections.bulk.completed", approved["id"])]["collections_confirmed"] == 1
    completed = by_type[("collections.bulk.completed", rejected["id"])]
    assert (completed["collections_confirmed"], completed["collections_canceled"]) == (0, 1)
