"""The Batch Create Debts API through the real api handler with moto: the batch split, credits, idempotency,
upserts, single-debt CRUD and timelines."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_requests import batch, debt
from tests.conftest import MotoResources
from tests.helpers import DEBTS_READ_ONLY, OTHER, body_of, call, tenant_repository
from tests.integration.conftest import Invoke


def balance(moto_resources: MotoResources, tenant: str = "demo-tenant") -> int:
    return tenant_repository(moto_resources.table_name).view(tenant, 1).balance


def test_the_must_show_batch_splits_created_failed_and_skipped(invoke: Invoke, demo_tenant: str) -> None:
    body = {
        "batch_name": "Relances novembre",
        "debts": [
            debt(1),
            debt(2, phone="+33 6 12 34 56 78"),
            debt(3, phone="0690123456"),
            debt(4, phone="+212612345678"),
            {},
            {"firstname": "* Champs obligatoires : prénom, nom, montant", "lastname": ""},
        ],
    }
    response = batch(invoke, body)
    assert response["statusCode"] == 200, response["body"]
    payload = body_of(response)
    assert payload["error"] is False and payload["message"] == "Batch operation completed"
    data = payload["data"]
    assert data["batch_name"] == "Relances novembre"
    assert [c["index"] for c in data["created"]] == [0, 1]
    assert data["created"][1]["data"]["phone"] == "+33612345678"
    assert data["created"][0]["status"] == "valid" and data["created"][0]["temp_id"] == "t-1"
    failed = {f["index"]: f for f in data["failed"]}
    assert set(failed) == {2, 3}
    assert (
        "French overseas mobile numbers in national format (069X/0639) are not supported"
        in (failed[2]["errors"]["phone"][0])
    )
    assert failed[2]["data"] == body["debts"][2]
    assert failed[3]["destination"] == {"country": "MA", "zone": "maghreb", "credits_per_call": 125}
    assert "accept_expensive_destination" in failed[3]["errors"]["phone"][0]
    assert data["skipped"] == [{"index": 4, "reason": "empty row"}, {"index": 5, "reason": "instruction row"}]
    assert data["summary"] == {
        "total": 6,
        "created": 2,
        "failed": 2,
        "skipped": 2,
        "credits_charged": {"civility": 0, "email_validation": 0, "total": 0},
    }


def test_expensive_destinations_pass_with_the_batch_or_the_debt_opt_in(
    invoke: Invoke, demo_tenant: str
) -> None:
    per_debt = batch(invoke, {"debts": [debt(1, phone="+212612345678", accept_expensive_destination=True)]})
    assert body_of(per_debt)["data"]["summary"]["created"] == 1
    whole = batch(invoke, {"accept_expensive_destination": True, "debts": [debt(2, phone="+262262123456")]})
    assert body_of(whole)["data"]["created"][0]["data"]["phone"] == "+262262123456"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"debts": []}, "debts"), ({"debts": [{}] * 1001}, "debts"), ({"deb": []}, "debts"), ([], "body")],
)
def test_bad_envelopes_are_400_in_the_error_envelope(
    invoke: Invoke, demo_tenant: str, body: Any, field: str
) -> None:
    response = batch(invoke, body)
    assert response["statusCode"] == 400
    assert body_of(response)["error"] is True and field in body_of(response)["details"]


def test_malformed_json_is_400(invoke: Invoke, demo_tenant: str) -> None:
    response = batch(invoke, '{"debts": [')
    assert response["statusCode"] == 400 and body_of(response)["error"] is True


def test_civility_is_inferred_and_charged_per_started_hundred(
    invoke: Invoke, demo_tenant: str, moto_resources: MotoResources
) -> None:
    before = balance(moto_resources)
    rows = [debt(i, civility=None, firstname=name) for i, name in enumerate(["Marie", "Paul", "Dominique"])]
    data = body_of(batch(invoke, {"debts": rows}))["data"]
    assert data["summary"]["credits_charged"] == {"civility": 1, "email_validation": 0, "total": 1}
    assert balance(moto_resources) == before - 1
    stored = [
        body_of(call(invoke, "GET", f"/debts/{c['debt_id']}", resource="/debts/{id}"))
        for c in data["created"]
    ]
    assert [d.get("civility") for d in stored] == ["Mme", "M.", None]
    off = body_of(batch(invoke, {"auto_civility": False, "debts": [debt(9, civility=None)]}))["data"]
    assert off["summary"]["credits_charged"]["civility"] == 0


def test_a_batch_the_tenant_cannot_pay_is_402_and_writes_nothing(
    invoke: Invoke, demo_tenant: str, moto_resources: MotoResources
) -> None:
    repo = tenant_repository(moto_resources.table_name)
    repo.charge("demo-tenant", balance(moto_resources), "drain", "drain-1")
    response = batch(invoke, {"debts": [debt(1, civility=None)]})
    assert response["statusCode"] == 402, response["body"]
    listed = body_of(call(invoke, "GET", "/debts"))
    assert listed["results"] == []


def test_a_retry_with_the_same_key_returns_the_same_ids_and_charges_once(
    invoke: Invoke, demo_tenant: str, moto_resources: MotoResources
) -> None:
    before = balance(moto_resources)
    body = {"debts": [debt(1, civility=None), debt(2)]}
    first = batch(invoke, body, headers={"Idempotency-Key": "batch-42"})
    second = batch(invoke, body, headers={"Idempotency-Key": "batch-42"})
    assert second["multiValueHeaders"]["Idempotent-Replayed"] == ["true"]
    assert body_of(first) == body_of(second)
    assert balance(moto_resources) == before - 1
    assert len(body_of(call(invoke, "GET", "/debts"))["results"]) == 2


def test_upsert_by_internal_id_updates_instead_of_duplicating(invoke: Invoke, demo_tenant: str) -> None:
    first = body_of(batch(invoke, {"debts": [debt(1, internal_id="INV-1")]}))["data"]["created"][0]
    assert "updated" not in first
    again = body_of(batch(invoke, {"debts": [debt(1, internal_id="INV-1", amount="99.90")]}))["data"]
    assert again["created"][0]["debt_id"] == first["debt_id"] and again["created"][0]["updated"] is True
    stored = body_of(call(invoke, "GET", f"/debts/{first['debt_id']}", resource="/debts/{id}"))
    assert stored["amount"] == 99.9
    assert len(body_of(call(invoke, "GET", "/debts"))["results"]) == 1
    twice = body_of(batch(invoke, {"debts": [debt(1, internal_id="INV-2"), debt(2, internal_id="INV-2")]}))[
        "data"
    ]
    assert twice["failed"][0]["errors"]["internal_id"] == [
        "Duplicates the internal_id of the debt at index 0 in this batch"
    ]


def test_list_by_import_and_tenant_isolation(invoke: Invoke, demo_tenant: str) -> None:
    one = body_of(batch(invoke, {"debts": [debt(1), debt(2)]}))["data"]
    body_of(batch(invoke, {"debts": [debt(3)]}))
    listed = body_of(call(invoke, "GET", "/debts", query={"import_id": one["import_id"]}))
    assert sorted(d["id"] for d in listed["results"]) == sorted(c["debt_id"] for c in one["created"])
    page = body_of(call(invoke, "GET", "/debts", query={"limit": "2"}))
    assert len(page["results"]) == 2 and page["next_cursor"]
    rest = body_of(call(invoke, "GET", "/debts", query={"limit": "2", "cursor": page["next_cursor"]}))
    assert len(rest["results"]) == 1
    debt_id = one["created"][0]["debt_id"]
    assert call(invoke, "GET", f"/debts/{debt_id}", OTHER, resource="/debts/{id}")["statusCode"] == 404
    assert call(invoke, "GET", "/debts", OTHER, query={"cursor": page["next_cursor"]})["statusCode"] == 400
    denied = batch(invoke, {"debts": [debt(1)]}, DEBTS_READ_ONLY)
    assert denied["statusCode"] == 403


def test_single_debt_create_patch_and_422(invoke: Invoke, demo_tenant: str) -> None:
    created = call(invoke, "POST", "/debts", body=debt(1, due_date="2026-12-31", invoice_date="2026-12-01"))
    assert created["statusCode"] == 201, created["body"]
    debt_id = body_of(created)["id"]
    bad = call(invoke, "POST", "/debts", body=debt(2, amount=0, currency="EURO"))
    assert bad["statusCode"] == 422
    assert set(body_of(bad)["details"]) == {"amount", "currency"}
    path = f"/debts/{debt_id}"
    patched = call(invoke, "PATCH", path, resource="/debts/{id}", body={"amount": "200", "city": "Lyon"})
    assert patched["statusCode"] == 200, patched["body"]
    assert body_of(patched)["amount"] == 200 and body_of(patched)["city"] == "Lyon"
    invalid = call(invoke, "PATCH", path, resource="/debts/{id}", body={"due_date": "2026-11-01"})
    assert invalid["statusCode"] == 422 and "due_date" in body_of(invalid)["details"]
    moved = call(invoke, "PATCH", path, resource="/debts/{id}", body={"internal_id": "X"})
    assert moved["statusCode"] == 422
    assert (
        call(invoke, "PATCH", path, OTHER, resource="/debts/{id}", body={"city": "Nice"})["statusCode"] == 404
    )


def test_timelines_start_dates_and_foreign_timelines_are_dropped(invoke: Invoke, demo_tenant: str) -> None:
    created = call(
        invoke, "POST", "/timelines", body={"name": "Relance douce", "excluded_weekdays": ["monday"]}
    )
    assert created["statusCode"] == 201, created["body"]
    timeline_id = body_of(created)["id"]
    foreign = body_of(call(invoke, "POST", "/timelines", OTHER, body={"name": "Autre"}))["id"]
    data = body_of(
        batch(
            invoke,
            {
                "debts": [
                    debt(1, timeline_id=timeline_id, timeline_start_mode="next_day"),
                    debt(2, timeline_id=foreign, timeline_start_mode="next_day"),
                ]
            },
        )
    )["data"]
    assert data["summary"]["created"] == 2
    mine, theirs = (
        body_of(call(invoke, "GET", f"/debts/{c['debt_id']}", resource="/debts/{id}"))
        for c in data["created"]
    )
    assert mine["timeline_id"] == timeline_id and mine["timeline_start_date"]
    assert "timeline_id" not in theirs and "timeline_start_date" not in theirs
    listed = body_of(call(invoke, "GET", "/timelines"))["results"]
    assert [t["id"] for t in listed] == [timeline_id]


def test_single_and_batch_routes_derive_ids_in_their_own_namespace(invoke: Invoke, demo_tenant: str) -> None:
    """Issue 13, defect 2: one key on POST /debts/batch and POST /debts makes two debts, not one
    overwritten by the other."""
    headers = {"Idempotency-Key": "shared-key"}
    in_batch = body_of(batch(invoke, {"debts": [debt(1)]}, headers=headers))["data"]["created"][0]
    single = call(invoke, "POST", "/debts", body=debt(1, amount="99.90"), headers=headers)
    assert single["statusCode"] == 201, single["body"]
    assert body_of(single)["id"] != in_batch["debt_id"]
    assert len(body_of(call(invoke, "GET", "/debts"))["results"]) == 2
    kept = body_of(call(invoke, "GET", f"/debts/{in_batch['debt_id']}", resource="/debts/{id}"))
    assert kept["amount"] != 99.9
