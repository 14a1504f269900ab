"""The Batch Create Debts API through the running stack over real HTTP: the must-show batch, a replay, the
debts it created, and a debts CSV dropped into the bucket with boto3."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import Running
from tests.helpers import object_body, wait_for

pytestmark = pytest.mark.e2e

MUST_SHOW = {
    "batch_name": "Relances novembre",
    "debts": [
        {"temp_id": "r1", "firstname": "Marie", "lastname": "Martin", "phone": "06 12 34 56 78",
         "email": "marie.martin@example.com", "amount": "1250.40", "currency": "EUR"},
        {"temp_id": "r2", "firstname": "Paul", "lastname": "Durand", "email": "paul.durand@example.com",
         "amount": 80, "currency": "EUR", "civility": "Mr"},
        {"temp_id": "r3", "firstname": "Lucas", "lastname": "Payet", "phone": "0690123456", "amount": 80,
         "currency": "EUR"},
        {"temp_id": "r4", "firstname": "Karim", "lastname": "Benali", "phone": "+212612345678", "amount": 300,
         "currency": "EUR"},
        {},
        {"firstname": "* Champs obligatoires : firstname, lastname, amount, currency"},
    ],
}  # fmt: skip


def test_the_must_show_batch_over_http(local_stack: Running) -> None:
    _, key = local_stack.tenant("Debts", credits=100)
    http = local_stack.http(key)
    # When the must-show batch is posted
    response = http.post("/debts/batch", MUST_SHOW, headers={"Idempotency-Key": "nov-batch-1"})
    assert response.status == 200, response.body
    # Then it is split into created, failed and skipped, and one civility credit is charged
    data = response.json()["data"]
    assert [c["temp_id"] for c in data["created"]] == ["r1", "r2"]
    assert data["created"][0]["data"]["phone"] == "+33612345678"
    failed = {f["temp_id"]: f for f in data["failed"]}
    assert (
        "069X" in failed["r3"]["errors"]["phone"][0]
        and "international format" in failed["r3"]["errors"]["phone"][0]
    )
    assert failed["r4"]["destination"] == {"country": "MA", "zone": "maghreb", "credits_per_call": 125}
    assert data["skipped"] == [{"index": 4, "reason": "empty row"}, {"index": 5, "reason": "instruction row"}]
    # Marie came without a civility: detecting it costs 1 credit (1 per started 100 debts).
    assert data["summary"]["credits_charged"] == {"civility": 1, "email_validation": 0, "total": 1}
    assert response.headers.get("RateLimit-Limit")

    # When it is posted again with the same key, then its debts are read
    replay = http.post("/debts/batch", MUST_SHOW, headers={"Idempotency-Key": "nov-batch-1"})
    # Then the replay is the same answer, and the debts are the created ones, charged once
    assert replay.headers.get("Idempotent-Replayed") == "true" and replay.json() == response.json()
    listed = http.get(f"/debts?import_id={data['import_id']}").json()["results"]
    assert sorted(d["id"] for d in listed) == sorted(c["debt_id"] for c in data["created"])
    one = http.get(f"/debts/{data['created'][0]['debt_id']}").json()
    assert one["batch_name"] == "Relances novembre" and one["amount"] == 1250.4
    assert one["civility"] == "Mme" and one["civility_inferred"] is True
    assert http.get("/credits").json()["balance"] == 99


def test_a_debts_csv_dropped_in_the_bucket(local_stack: Running) -> None:
    tenant_id, key = local_stack.tenant("Debts files", credits=100)
    content = (
        "Civilité;Prénom;Nom;Montant;Devise;Portable;Date d'échéance;Référence\r\n"
        "* Champs obligatoires : Prénom, Nom, Montant;;;;;;;\r\n"
        ";Hélène;Dupré;1 234,56;EUR;06 12 34 56 78;15/02/2026;F-1\r\n"
        "M.;Jean;Martin;12,5;EUR;0690123456;01/03/2026;F-2\r\n"
    ).encode("cp1252")
    s3 = local_stack.client("s3")
    bucket = local_stack.stack.resource_name("ImportsBucket")
    # When a cp1252 debts CSV is dropped into the bucket
    s3.put_object(Bucket=bucket, Key=f"imports/{tenant_id}/debts/export.csv", Body=content)

    # Then its report counts every line, and only the valid debt is stored
    report_key = f"reports/{tenant_id}/debts/export.csv.report.json"
    done = json.loads(wait_for(lambda: object_body(s3, bucket, report_key), timeout=60))
    assert done["counts"] == {"lines": 4, "rows": 2, "succeeded": 1, "failed": 1, "skipped": 1}
    debts = local_stack.http(key).get("/debts").json()["results"]
    assert [(d["internal_id"], d["civility"], d["amount"]) for d in debts] == [("F-1", "Mme", 1234.56)]
