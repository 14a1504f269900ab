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
