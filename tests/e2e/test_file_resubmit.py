"""Resubmitting the failed rows over real HTTP and the AWS endpoint: a debts CSV with bad rows, its
errors.csv from S3 (the same bytes as GET /jobs/{id}/rows?status=failed as CSV), fixed and dropped
back; only the fixed rows are created and each internal_id is one debt."""

from __future__ import annotations

import csv
import io
import json

from tests.e2e.conftest import Running
from tests.helpers import object_body, wait_for

DEBTS = (
    "Prénom;Nom;Montant;Devise;Portable;Référence\r\n"
    "François;Lefèvre;1 234,56;EUR;+33612345678;REF-1\r\n"
    "Hélène;Dupré;12,5;EUR;06 12;REF-2\r\n"
    "Jean;Martin;-3;EUR;0612345679;REF-3\r\n"
    "Marie;Curie;80;EUR;0612345670;REF-4\r\n"
)


def test_a_fixed_errors_csv_dropped_back_creates_only_the_fixed_rows(local_stack: Running) -> None:
    tenant_id, key = local_stack.tenant("Resubmit")
    http = local_stack.http(key)
    s3 = local_stack.client("s3")
    bucket = local_stack.stack.resource_name("ImportsBucket")

    # Given a debts CSV with two bad rows, imported
    s3.put_object(Bucket=bucket, Key=f"imports/{tenant_id}/debts/relances.csv", Body=DEBTS.encode("cp1252"))
    report = json.loads(
        wait_for(
            lambda: object_body(s3, bucket, f"reports/{tenant_id}/debts/relances.csv.report.json"), timeout=60
        )
    )
    assert report["counts"]["succeeded"] == 2 and report["counts"]["failed"] == 2

    # errors.csv from S3 and the failed rows as CSV over HTTP are the same bytes
    errors_csv = wait_for(
        lambda: object_body(s3, bucket, f"reports/{tenant_id}/debts/relances.csv.errors.csv")
    )
    rows_csv = http.get(f"/jobs/{report['job_id']}/rows?status=failed", headers={"Accept": "text/csv"})
    assert rows_csv.status == 200 and rows_csv.headers["Content-Type"].startswith("text/csv")
    assert rows_csv.body == errors_csv

    # When the person fixes the bad rows in it and drops it back into the same prefix
    rows = list(csv.reader(io.StringIO(errors_csv.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-2:] == ["line", "error"] and [r[5] for r in rows[1:]] == ["REF-2", "REF-3"]
    fixes = {"REF-2": {4: "0612345671"}, "REF-3": {2: "30"}}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow([fixes[row[5]].get(i, cell) for i, cell in enumerate(row)])
    s3.put_object(
        Bucket=bucket,
        Key=f"imports/{tenant_id}/debts/relances.errors.csv",
        Body=out.getvalue().encode("utf-8"),
    )

    # Then only the two fixed rows are created, and the tenant has exactly one debt per internal_id
    again = json.loads(
        wait_for(
            lambda: object_body(s3, bucket, f"reports/{tenant_id}/debts/relances.errors.csv.report.json"),
            timeout=60,
        )
    )
    assert again["status"] == "completed", again
    assert again["counts"]["rows"] == 2 and again["counts"]["succeeded"] == 2
    assert again["resubmission"] == {"ignored_columns": ["line", "error"]} and again["ignored_columns"] == []
    created = http.get(f"/debts?import_id={again['job_id']}").json()["results"]
    assert sorted(d["internal_id"] for d in created) == ["REF-2", "REF-3"]
    stored = http.get("/debts?limit=100").json()["results"]
    assert sorted(d["internal_id"] for d in stored) == ["REF-1", "REF-2", "REF-3", "REF-4"]
    by_ref = {d["internal_id"]: d for d in stored}
    assert by_ref["REF-2"]["phone"] == "+33612345671" and by_ref["REF-3"]["amount"] == 30
