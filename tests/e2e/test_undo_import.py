"""Undo an import over real HTTP against the local stack: a dropped debts file and, separately, an
API batch leave GET /debts?import_id= empty; undoing a batch that updated debts restores them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import Running
from tests.helpers import object_body, wait_for

pytestmark = pytest.mark.e2e


def _row(internal_id: str, amount: int) -> dict[str, Any]:
    return {"firstname": "Marie", "lastname": "Martin", "phone": "0612345678", "amount": amount,
            "currency": "EUR", "internal_id": internal_id}  # fmt: skip


def test_undo_a_debts_file_and_an_api_batch(local_stack: Running) -> None:
    tenant_id, key = local_stack.tenant("Undo", credits=100)
    http = local_stack.http(key)

    # Given a debts file dropped and read
    content = (
        "Prénom;Nom;Montant;Devise;Portable;Référence\r\n"
        "Hélène;Dupré;1 234,56;EUR;06 12 34 56 78;U-1\r\n"
        "Jean;Martin;80;EUR;06 12 34 56 79;U-2\r\n"
    ).encode("cp1252")
    s3 = local_stack.client("s3")
    bucket = local_stack.stack.resource_name("ImportsBucket")
    s3.put_object(Bucket=bucket, Key=f"imports/{tenant_id}/debts/undo.csv", Body=content)
    report_key = f"reports/{tenant_id}/debts/undo.csv.report.json"
    json.loads(wait_for(lambda: object_body(s3, bucket, report_key), timeout=60))
    (record,) = http.get("/imports").json()["results"]
    file_import = record["import_id"]
    assert len(http.get(f"/debts?import_id={file_import}").json()["results"]) == 2

    # When it is undone, then its debts are gone and the import says when
    undone = http.post(f"/imports/{file_import}/undo")
    assert undone.status == 200, undone.body
    assert undone.json()["undone"]["debts"] == 2
    assert http.get(f"/debts?import_id={file_import}").json()["results"] == []
    assert http.get(f"/imports/{file_import}").json()["undone_at"] == undone.json()["undone_at"]

    # Given a batch A, then a batch B updating one of its debts and creating another
    a = http.post("/debts/batch", {"debts": [_row("B-1", 100), _row("B-2", 200)]}).json()["data"]["import_id"]
    b = http.post("/debts/batch", {"debts": [_row("B-1", 150), _row("B-3", 300)]}).json()["data"]["import_id"]
    # When B is undone (with a key, so a retry replays it)
    answer = http.post(f"/imports/{b}/undo", headers={"Idempotency-Key": "undo-b"})
    assert answer.status == 200, answer.body
    assert answer.json()["undone"]["debts"] == 2 and answer.json()["kept"] == []
    # Then B lists nothing, and B-1 has A's amount again
    assert http.get(f"/debts?import_id={b}").json()["results"] == []
    amounts = {d["internal_id"]: d["amount"] for d in http.get(f"/debts?import_id={a}").json()["results"]}
    assert amounts == {"B-1": 100, "B-2": 200}
    # And undoing A leaves it empty too; undoing it again answers the same
    first = http.post(f"/imports/{a}/undo").json()
    assert first["undone"]["debts"] == 2
    assert http.get(f"/debts?import_id={a}").json()["results"] == []
    assert http.post(f"/imports/{a}/undo").json() == first
