"""The bank's bulk collections API through the running stack over real HTTP: its curl body verbatim, a future
closed day rolled to the next TARGET2 day, and a 5,000-collection bulk counted exactly."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.api_requests import SEED_BODY
from tests.e2e.conftest import Client, Running
from tests.helpers import wait_for

pytestmark = pytest.mark.e2e

SEED_CURL_BODY = json.dumps(SEED_BODY).encode()


def creditor(local_stack: Running, name: str) -> Client:
    _, key = local_stack.tenant(name, scopes="collections:write collections:read settings:write")
    http = local_stack.http(key)
    settings = {"sepa_creditor_id": "FR72ZZZ123456", "creditor_name": "Acme Recouvrement"}
    assert http.request("PATCH", "/settings", settings).status == 200
    return http


def completed(http: Client, bulk_id: str, timeout: float = 60) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        bulk = http.get(f"/collections/bulks/{bulk_id}").json()
        return bulk if bulk["status"] == "completed" else None

    return dict(wait_for(done, timeout=timeout, interval=0.2))


def test_the_seed_curl_body_verbatim_then_a_future_saturday(local_stack: Running) -> None:
    # Given a creditor
    http = creditor(local_stack, "Collections seed")
    # When the example bulk is posted as is, its date in the past
    created = http.request("POST", "/collections/bulks", raw=SEED_CURL_BODY)
    assert created.status == 200, created.body
    assert created.json()["status"] == "pending" and created.json()["collections_total"] == 1
    # Then its collection fails on that date
    bulk = completed(http, created.json()["id"])
    assert (bulk["collections_failed"], bulk["collections_confirmed"]) == (1, 0)
    (failed,) = http.get(f"/collections/bulks/{bulk['id']}/collections").json()["results"]
    assert failed["failure_code"] == "scheduled_date_in_past"

    # When it is posted again for a future Saturday
    saturday = date.today() + timedelta(days=14)
    saturday += timedelta(days=(5 - saturday.weekday()) % 7)
    moved = json.loads(SEED_CURL_BODY)
    moved["collections"][0]["scheduled_date"] = saturday.isoformat()
    bulk = completed(http, http.post("/collections/bulks", moved).json()["id"])
    assert (bulk["collections_confirmed"], bulk["collections_failed"]) == (1, 0)
    # Then it is confirmed, moved to the next business day
    (confirmed,) = http.get(f"/collections/bulks/{bulk['id']}/collections").json()["results"]
    assert confirmed["status"] == "confirmed"
    assert confirmed["scheduled_date"] == (saturday + timedelta(days=2)).isoformat()


def test_five_thousand_collections_complete_with_exact_counts(local_stack: Running) -> None:
    # Given a creditor and 5,000 collections, 20 of them with a zero amount
    http = creditor(local_stack, "Collections 5k")
    when = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    collections = []
    for i in range(5000):
        body = json.loads(json.dumps(SEED_BODY["collections"][0]))
        body.update(scheduled_date=when, end_to_end_id=f"E2E-{i}", amount=100 + i)
        body["mandate"]["reference"] = f"MDT-{i % 700}"
        if i % 250 == 0:
            body["amount"] = 0  # 20 invalid amounts
        collections.append(body)
    # When they are posted as one bulk
    created = http.post("/collections/bulks", {"collections": collections})
    assert created.status == 200, created.body
    # Then the bulk completes with exact counts, the 20 failed for their amount
    bulk = completed(http, created.json()["id"], timeout=600)
    assert bulk == {
        "id": created.json()["id"],
        "collections_total": 5000,
        "collections_confirmed": 4980,
        "collections_canceled": 0,
        "collections_failed": 20,
        "status": "completed",
    }
    failed = http.get(f"/collections/bulks/{bulk['id']}/collections?status=failed&size=100").json()["results"]
    assert len(failed) == 20 and {f["failure_code"] for f in failed} == {"invalid_amount"}


def test_four_eyes_approval_of_bulks(local_stack: Running) -> None:
    # Given a creditor whose key may approve too, and an approver's key issued as `make key` does
    tenant_id, key = local_stack.tenant(
        "Collections approval", scopes="collections:write collections:read collections:approve settings:write"
    )
    http = local_stack.http(key)
    settings = {"sepa_creditor_id": "FR72ZZZ123456", "creditor_name": "Acme Recouvrement"}
    assert http.request("PATCH", "/settings", settings).status == 200
    approver = local_stack.http(
        local_stack.admin("key", "--tenant", tenant_id, "--scopes", "collections:approve collections:read")[
            "api_key"
        ]
    )
    when = (datetime.now(UTC).date() + timedelta(days=21)).isoformat()

    def rows(prefix: str, n: int) -> list[dict[str, Any]]:
        out = []
        for i in range(n):
            body = json.loads(json.dumps(SEED_BODY["collections"][0]))
            body.update(scheduled_date=when, end_to_end_id=f"{prefix}-{i}")
            out.append(body)
        return out

    def awaiting(bulk_id: str) -> dict[str, Any]:
        def waiting() -> dict[str, Any] | None:
            bulk = http.get(f"/collections/bulks/{bulk_id}").json()
            return bulk if bulk["status"] == "awaiting_approval" else None

        return dict(wait_for(waiting, timeout=60, interval=0.2))

    # When a bulk is created with require_approval
    created = http.post("/collections/bulks", {"collections": rows("APPROVE", 3), "require_approval": True})
    assert created.status == 200, created.body
    bulk_id = created.json()["id"]
    # Then it is validated and waits, its collections pending, none exported
    waiting = awaiting(bulk_id)
    assert (waiting["collections_confirmed"], waiting["collections_failed"]) == (0, 0)
    listed = http.get(f"/collections/bulks/{bulk_id}/collections").json()["results"]
    assert [c["status"] for c in listed] == ["pending"] * 3
    export = http.post("/collections/exports", {"date": when})
    assert export.status == 201, export.body
    assert export.json()["collections"] == 0
    # And the creating key cannot approve it, though it has the scope; the approver's key can
    own = http.post(f"/collections/bulks/{bulk_id}/approve")
    assert own.status == 403 and "created a bulk" in own.json()["message"]
    approved = approver.post(f"/collections/bulks/{bulk_id}/approve")
    assert approved.status == 200, approved.body
    done = approved.json()
    assert (done["status"], done["collections_confirmed"], done["approval"]) == ("completed", 3, "approved")
    listed = approver.get(f"/collections/bulks/{bulk_id}/collections").json()["results"]
    assert [c["status"] for c in listed] == ["confirmed"] * 3
    assert approver.post(f"/collections/bulks/{bulk_id}/approve").status == 409

    # When a second bulk is rejected
    second = http.post("/collections/bulks", {"collections": rows("REJECT", 2), "require_approval": True})
    second_id = second.json()["id"]
    awaiting(second_id)
    rejected = approver.post(f"/collections/bulks/{second_id}/reject")
    assert rejected.status == 200, rejected.body
    # Then every collection is canceled
    assert rejected.json()["collections_canceled"] == rejected.json()["collections_total"] == 2
    listed = http.get(f"/collections/bulks/{second_id}/collections").json()["results"]
    assert [c["status"] for c in listed] == ["canceled"] * 2
