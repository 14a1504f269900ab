"""A saved column mapping over HTTP, then a debts CSV with the tenant's own headers dropped into the
local stack's bucket: the import reads them through the mapping, and report.json says so."""

from __future__ import annotations

import json

from tests.e2e.conftest import Running
from tests.helpers import object_body, wait_for


def test_a_saved_mapping_reads_a_dropped_csv(local_stack: Running) -> None:
    # Given a tenant whose files name their columns in its own way
    tenant_id, key = local_stack.tenant("Mapper")
    http = local_stack.http(key)
    columns = {
        "Client - prénom": "firstname",
        "Client - nom": "lastname",
        "Reste à payer": "amount",
        "Monnaie du dossier": "currency",
        "GSM": "phone",
    }
    put = http.request("PUT", "/import-mappings/debts", {"columns": columns})
    assert put.status == 200, put.body
    assert put.json()["columns"] == columns
    assert http.get("/import-mappings/debts").json() == put.json()

    # When a CSV with those headers (in another case) and one column the mapping does not name is dropped
    content = (
        "CLIENT - PRENOM;client - nom;Reste à payer;Monnaie du dossier;GSM;Agence\r\n"
        "Marie;Martin;1 250,40;EUR;06 12 34 56 78;Lyon\r\n"
        "Lucas;Payet;80;EUR;0612345679;Paris\r\n"
    ).encode()
    s3 = local_stack.client("s3")
    bucket = local_stack.stack.resource_name("ImportsBucket")
    s3.put_object(Bucket=bucket, Key=f"imports/{tenant_id}/debts/relances-maison.csv", Body=content)

    # Then the import succeeds with the mapped columns, and the report shows the mapping and the
    # ignored column
    report_key = f"reports/{tenant_id}/debts/relances-maison.csv.report.json"
    report = json.loads(wait_for(lambda: object_body(s3, bucket, report_key), timeout=60))
    assert report["status"] == "completed", report
    assert report["counts"]["succeeded"] == 2 and report["counts"]["failed"] == 0
    assert report["column_mapping"] == {
        "CLIENT - PRENOM": "firstname",
        "client - nom": "lastname",
        "Reste à payer": "amount",
        "Monnaie du dossier": "currency",
        "GSM": "phone",
    }
    assert report["ignored_columns"] == ["Agence"]
    rows = http.get(f"/debts?import_id={report['job_id']}").json()["results"]
    assert {d["lastname"] for d in rows} == {"Martin", "Payet"}

    # And a removed mapping is gone
    removed = http.request("DELETE", "/import-mappings/debts")
    assert removed.status == 200 and removed.json()["deleted"] is True
    assert http.get("/import-mappings/debts").status == 404
