"""The bank's bulk collections API through the real api and worker handlers with moto: bulks, rules, single
collections, cancellation, the listing, webhooks and the pain.008 export."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest

from tests.api_requests import SEED_BODY, collection, next_saturday
from tests.conftest import MotoResources
from tests.helpers import OTHER, body_of, call, drain_worker
from tests.integration.conftest import Invoke

PAIN = "{urn:iso:std:iso:20022:tech:xsd:pain.008.001.02}"


@pytest.fixture
def creditor(invoke: Invoke, demo_tenant: str) -> None:
    response = call(
        invoke,
        "PATCH",
        "/settings",
        body={"sepa_creditor_id": "FR72ZZZ123456", "creditor_name": "Acme Recouvrement"},
    )
    assert response["statusCode"] == 200, response["body"]


def bulk(invoke: Invoke, moto_resources: MotoResources, body: Any) -> dict[str, Any]:
    created = call(invoke, "POST", "/collections/bulks", body=body)
    assert created["statusCode"] == 200, created["body"]
    first = body_of(created)
    assert first["status"] == "pending" and first["collections_confirmed"] == 0
    drain_worker(invoke, moto_resources)
    path = f"/collections/bulks/{first['id']}"
    return dict(body_of(call(invoke, "GET", path, resource="/collections/bulks/{id}")))


def test_the_seed_body_verbatim_fails_on_its_past_date(
    invoke: Invoke, moto_resources: MotoResources, creditor: None
) -> None:
    done = bulk(invoke, moto_resources, SEED_BODY)
    assert done["status"] == "completed"
    assert (done["collections_total"], done["collections_confirmed"], done["collections_failed"]) == (1, 0, 1)
    listed = body_of(
        call(
            invoke,
            "GET",
            f"/collections/bulks/{done['id']}/collections",
            resource="/collections/bulks/{id}/collections",
        )
    )
    (failed,) = listed["results"]
    assert failed["status"] == "failed" and failed["failure_code"] == "scheduled_date_in_past"


def test_a_future_saturday_is_confirmed_and_rolled_to_monday(
    invoke: Invoke, moto_resources: MotoResources, creditor: None
) -> None:
    done = bulk(invoke, moto_resources, {"collections": [collection()]})
    assert (done["collections_confirmed"], done["collections_failed"]) == (1, 0)
    (stored,) = body_of(
        call(
            invoke,
            "GET",
            f"/collections/bulks/{done['id']}/collections",
            resource="/collections/bulks/{id}/collections",
        )
    )["results"]
    assert stored["status"] == "confirmed"
    assert stored["scheduled_date"] == (next_saturday() + timedelta(days=2)).isoformat()
    assert stored["requested_scheduled_date"] == next_saturday().isoformat()


def test_no_creditor_identifier_fails_every_collection(
    invoke: Invoke, moto_resources: MotoResources, demo_tenant: str
) -> None:
    done = bulk(invoke, moto_resources, {"collections": [collection()]})
    assert done["collections_failed"] == 1
    single = call(invoke, "POST", "/collections", body=collection())
    assert single["statusCode"] == 422 and body_of(single)["code"] == "no_sepa_creditor_identifier"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"amount": 0}, "invalid_amount"),
        ({"amount": 10.5}, "invalid_amount"),
        ({"currency": "USD"}, "unsupported_currency"),
        ({"local_iban": "FR6430003000509825397888D65"}, "invalid_local_iban"),
        ({"end_to_end_id": "x" * 36}, "invalid_end_to_end_id"),
        ({"end_to_end_id": "café"}, "invalid_end_to_end_id"),
        ({"message": "é" * 3}, "invalid_message"),
        ({"message": "m" * 141}, "invalid_message"),
        ({"custom_id": "c" * 257}, "invalid_custom_id"),
        ({"scheduled_date": "05/12/2030"}, "invalid_scheduled_date"),
    ],
)
def test_each_rule_has_its_failure_code(
    invoke: Invoke, creditor: None, changes: dict[str, Any], code: str
) -> None:
    response = call(invoke, "POST", "/collections", body=collection(**changes))
    assert response["statusCode"] == 422, response["body"]
    assert body_of(response)["code"] == code


@pytest.mark.parametrize(
    ("mandate_changes", "debtor_changes", "code"),
    [
        ({"reference": "ABC_123"}, {}, "invalid_mandate_reference"),
        ({"reference": "x" * 36}, {}, "invalid_mandate_reference"),
        ({"scheme": "cor1"}, {}, "invalid_mandate_scheme"),
        ({"signature_date": "2099-01-01"}, {}, "signature_date_in_future"),
        ({}, {"iban": "FR2512739000308553756377J96"}, "invalid_debtor_iban"),
        ({}, {"iban": "FR25127390003085537563"}, "invalid_debtor_iban"),
        ({}, {"iban": "US64SVBKUS6S3300958879"}, "invalid_debtor_iban"),
        ({}, {"iban": "BR1800360305000010009795493C1"}, "debtor_iban_not_sepa"),
        ({}, {"iban": "CH9300762011623852957", "address": None}, "missing_debtor_address"),
    ],
)
def test_mandate_and_iban_rules(
    invoke: Invoke, creditor: None, mandate_changes: dict[str, Any], debtor_changes: dict[str, Any], code: str
) -> None:
    body = collection()
    body["mandate"].update(mandate_changes)
    body["mandate"]["debtor"].update(debtor_changes)
    response = call(invoke, "POST", "/collections", body=body)
    assert body_of(response).get("code") == code, response["body"]


def test_a_swiss_debtor_with_an_address_is_accepted(invoke: Invoke, creditor: None) -> None:
    body = collection()
    body["mandate"]["debtor"]["iban"] = "CH9300762011623852957"
    assert call(invoke, "POST", "/collections", body=body)["statusCode"] == 201


def test_mandate_iban_and_end_to_end_uniqueness(
    invoke: Invoke, moto_resources: MotoResources, creditor: None
) -> None:
    first = call(invoke, "POST", "/collections", body=collection())
    assert first["statusCode"] == 201, first["body"]
    again = call(invoke, "POST", "/collections", body=collection())
    assert body_of(again)["code"] == "duplicate_end_to_end_id"
    other_account = collection(end_to_end_id="E2E-2")
    other_account["mandate"]["debtor"]["iban"] = "FR7630006000011234567890189"
    assert (
        body_of(call(invoke, "POST", "/collections", body=other_account))["code"] == "mandate_iban_mismatch"
    )
    # Within one bulk, the same rules: the second of two collections with one end_to_end_id fails.
    done = bulk(
        invoke,
        moto_resources,
        {"collections": [collection(end_to_end_id="E2E-9"), collection(end_to_end_id="E2E-9")]},
    )
    assert (done["collections_confirmed"], done["collections_failed"]) == (1, 1)


def test_cancel_then_export_then_409(invoke: Invoke, moto_resources: MotoResources, creditor: None) -> None:
    keep = body_of(call(invoke, "POST", "/collections", body=collection(end_to_end_id="KEEP-1", amount=1234)))
    drop = body_of(call(invoke, "POST", "/collections", body=collection(end_to_end_id="DROP-1")))
    canceled = call(invoke, "POST", f"/collections/{drop['id']}/cancel", resource="/collections/{id}/cancel")
    assert canceled["statusCode"] == 200 and body_of(canceled)["status"] == "canceled"

    until = (next_saturday() + timedelta(days=3)).isoformat()
    export = call(invoke, "POST", "/collections/exports", body={"date": until})
    assert export["statusCode"] == 201, export["body"]
    shown = body_of(export)
    assert shown["collections"] == 1 and shown["total_amount"] == 1234
    (bank_file,) = shown["files"]
    assert bank_file["collection_ids"] == [keep["id"]] and bank_file["download_url"].startswith("http")

    xml = (
        moto_resources.client("s3")
        .get_object(Bucket=moto_resources.bucket, Key=bank_file["key"])["Body"]
        .read()
    )
    root = ET.fromstring(xml)
    (tx,) = root.iter(f"{PAIN}DrctDbtTxInf")
    assert tx.find(f"{PAIN}InstdAmt").text == "12.34"  # type: ignore[union-attr]
    assert tx.find(f"{PAIN}DrctDbtTx/{PAIN}MndtRltdInf/{PAIN}MndtId").text == "ABC123DEF"  # type: ignore[union-attr]
    assert tx.find(f"{PAIN}DbtrAcct/{PAIN}Id/{PAIN}IBAN").text == "FR2512739000308553756377J95"  # type: ignore[union-attr]
    assert root.find(f".//{PAIN}CdtrAcct/{PAIN}Id/{PAIN}IBAN").text == "FR6430003000509825397888D64"  # type: ignore[union-attr]

    exported = body_of(call(invoke, "GET", f"/collections/{keep['id']}", resource="/collections/{id}"))
    assert exported["status"] == "exported" and exported["export_id"] == shown["id"]
    assert (
        call(invoke, "POST", f"/collections/{keep['id']}/cancel", resource="/collections/{id}/cancel")[
            "statusCode"
        ]
        == 409
    )
    twice = body_of(call(invoke, "POST", "/collections/exports", body={"date": until}))
    assert twice["collections"] == 0 and twice["files"] == []
    again = body_of(
        call(invoke, "GET", f"/collections/exports/{shown['id']}", resource="/collections/exports/{id}")
    )
    assert again["files"][0]["name"] == bank_file["name"]


def test_listing_pages_forward_and_back_and_tenants_are_isolated(
    invoke: Invoke, moto_resources: MotoResources, creditor: None
) -> None:
    bodies = [collection(end_to_end_id=f"P-{i}", amount=100 + i) for i in range(5)] + [collection(amount=0)]
    done = bulk(invoke, moto_resources, {"collections": bodies})
    path = f"/collections/bulks/{done['id']}/collections"
    resource = "/collections/bulks/{id}/collections"
    page1 = body_of(call(invoke, "GET", path, resource=resource, query={"size": "2"}))
    assert [c["amount"] for c in page1["results"]] == [100, 101] and page1["prev_page_token"] is None
    page2 = body_of(
        call(
            invoke,
            "GET",
            path,
            resource=resource,
            query={"size": "2", "page_token": page1["next_page_token"]},
        )
    )
    assert [c["amount"] for c in page2["results"]] == [102, 103]
    back = body_of(
        call(
            invoke,
            "GET",
            path,
            resource=resource,
            query={"size": "2", "page_token": page2["prev_page_token"]},
        )
    )
    assert [c["amount"] for c in back["results"]] == [100, 101]
    failed = body_of(call(invoke, "GET", path, resource=resource, query={"status": "failed"}))
    assert [c["failure_code"] for c in failed["results"]] == ["invalid_amount"]
    assert (
        call(invoke, "GET", f"/collections/bulks/{done['id']}", OTHER, resource="/collections/bulks/{id}")[
            "statusCode"
        ]
        == 404
    )
    one = page1["results"][0]["id"]
    assert (
        call(invoke, "GET", f"/collections/{one}", OTHER, resource="/collections/{id}")["statusCode"] == 404
    )


@pytest.mark.parametrize("body", [{"collections": []}, {"collections": [{}] * 5001}, {"collection": []}, []])
def test_bad_bulk_envelopes_are_400(invoke: Invoke, creditor: None, body: Any) -> None:
    assert call(invoke, "POST", "/collections/bulks", body=body)["statusCode"] == 400


def test_a_completed_bulk_is_delivered_to_a_seed_named_subscription(
    invoke: Invoke, moto_resources: MotoResources, creditor: None
) -> None:
    from debtload.adapters.dynamodb.table import DynamoTable
    from debtload.adapters.dynamodb.webhooks import DynamoWebhookStore
    from debtload.tasks.webhooks import WebhookDeliveryTask
    from tests.fakes.webhooks import FakeSender

    put = call(
        invoke,
        "PUT",
        "/webhooks",
        body={"url": "https://93.184.216.34/hook", "events": ["bulk_collections_completed"]},
    )
    assert put["statusCode"] == 200, put["body"]
    done = bulk(invoke, moto_resources, {"collections": [collection(), collection(amount=0)]})
    sqs = moto_resources.client("sqs")
    messages = sqs.receive_message(QueueUrl=moto_resources.queue_url("WebhookQueue"), MaxNumberOfMessages=10)[
        "Messages"
    ]
    (message,) = [m for m in messages if json.loads(m["Body"])["type"] == "collections.bulk.completed"]
    sender = FakeSender([200])
    task = WebhookDeliveryTask(
        DynamoWebhookStore(DynamoTable(moto_resources.table_name)),
        sender,
        moto_resources.queue_url("WebhookQueue"),
        sqs,
    )
    record = {
        "body": message["Body"],
        "receiptHandle": message["ReceiptHandle"],
        "messageId": message["MessageId"],
    }
    assert task.handle_record(record) == "delivered"
    delivered = json.loads(sender.requests[0][1])
    assert delivered["type"] == "collections.bulk.completed"
    assert delivered["data"]["id"] == done["id"] and delivered["data"]["collections_failed"] == 1


def test_a_dry_run_bulk_reports_without_writing_and_a_bad_export_date_is_400(
    invoke: Invoke, creditor: None
) -> None:
    response = call(
        invoke,
        "POST",
        "/collections/bulks",
        body={"collections": [collection(), collection(amount=0)]},
        query={"dry_run": "true"},
    )
    report = body_of(response)
    assert response["statusCode"] == 200 and report["status"] == "dry_run"
    assert (report["collections_confirmed"], report["collections_failed"]) == (1, 1)
    assert report["results"][1]["failure_code"] == "invalid_amount"
    assert (
        body_of(call(invoke, "POST", "/collections", body=collection()))["status"] == "confirmed"
    )  # e2e id still free
    assert call(invoke, "POST", "/collections/exports", body={"date": "31/12/2026"})["statusCode"] == 400
    assert call(invoke, "POST", "/collections/exports", body=[1])["statusCode"] == 400


def test_a_row_that_is_not_an_object_fails_alone(
    invoke: Invoke, moto_resources: MotoResources, creditor: None
) -> None:
    # The envelope is valid, so the bulk is accepted; the bad row must not take its chunk with it.
    good = collection(scheduled_date=next_saturday().isoformat())
    state = bulk(invoke, moto_resources, {"collections": [5, good]})
    assert state["status"] == "completed", state
    assert (state["collections_failed"], state["collections_confirmed"]) == (1, 1), state
    listed = body_of(
        call(
            invoke,
            "GET",
            f"/collections/bulks/{state['id']}/collections",
            resource="/collections/bulks/{id}/collections",
        )
    )
    failed = [c for c in listed["results"] if c["status"] == "failed"]
    assert [c["failure_code"] for c in failed] == ["invalid_request"], listed


def test_a_failed_collection_shows_our_id_whatever_it_was_sent_with(
    invoke: Invoke, moto_resources: MotoResources, creditor: None
) -> None:
    sent = {**collection(), "id": "x", "status": "confirmed", "amount": 0}
    state = bulk(invoke, moto_resources, {"collections": [sent]})
    path = f"/collections/bulks/{state['id']}/collections"
    [shown] = body_of(call(invoke, "GET", path, resource="/collections/bulks/{id}/collections"))["results"]
    assert shown["status"] == "failed" and shown["failure_code"] == "invalid_amount", shown
    assert shown["id"] != "x"
    one = body_of(call(invoke, "GET", f"/collections/{shown['id']}", resource="/collections/{id}"))
    assert one["id"] == shown["id"] and one["status"] == "failed"
