"""A notes CSV dropped into the local stack's bucket with boto3: S3 notification, FileImport, the job
on the queue, the worker, and both reports, over real HTTP and the AWS endpoint."""

from __future__ import annotations

import csv
import io
import json

from tests.e2e.conftest import Running
from tests.helpers import object_body, wait_for


def test_notes_csv_drop_produces_both_reports(local_stack: Running) -> None:
    # Given a tenant with two cases
    tenant_id, key = local_stack.tenant("Importer")
    http = local_stack.http(key)
    cases = [
        http.post(
            "/cases", {"debtor_name": f"D{i}", "reference": f"R{i}", "amount": 10, "currency": "EUR"}
        ).json()["id"]
        for i in range(2)
    ]
    content = (
        "Dossier;Commentaire;Date de l'événement;Référence externe\r\n"
        "* Champs obligatoires : Dossier, Commentaire;;;\r\n"
        f"{cases[0]};Appel : promesse de paiement;01/02/2026;CRM-1\r\n"
        f'{cases[1]};"Message laissé,\r\nrappeler";02/02/2026 10:15;CRM-2\r\n'
        "00000000-0000-0000-0000-000000000000;Dossier inconnu;03/02/2026;CRM-3\r\n"
    ).encode("cp1252")
    s3 = local_stack.client("s3")
    bucket = local_stack.stack.resource_name("ImportsBucket")
    # When a cp1252 notes CSV with an instruction row and an unknown case is dropped into the bucket
    s3.put_object(Bucket=bucket, Key=f"imports/{tenant_id}/notes/relances.csv", Body=content)

    # Then both reports are written, the notes are stored, and the import and its job are listed
    report_key = f"reports/{tenant_id}/notes/relances.csv.report.json"
    errors_key = f"reports/{tenant_id}/notes/relances.csv.errors.csv"
    report = json.loads(wait_for(lambda: object_body(s3, bucket, report_key), timeout=60))
    assert report["status"] == "completed_with_errors"
    assert report["counts"] == {"lines": 6, "rows": 3, "succeeded": 2, "failed": 1, "skipped": 1}
    assert report["skipped"] == [{"line": 2, "reason": "instruction row"}]
    assert report["errors"][0]["line"] == 6 and "case" in report["errors"][0]["error"].lower()

    errors_csv = wait_for(lambda: object_body(s3, bucket, errors_key))
    assert errors_csv.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(errors_csv.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-2:] == ["line", "error"] and rows[1][-2] == "6" and len(rows) == 2

    notes = http.get(f"/cases/{cases[1]}/notes").json()["results"]
    assert notes[0]["description"] == "Message laissé,\r\nrappeler"

    listed = http.get("/imports").json()["results"]
    assert listed[0]["status"] == "completed_with_errors" and listed[0]["report_key"] == report_key
    one = http.get(f"/imports/{listed[0]['import_id']}").json()
    assert one["rows_succeeded"] == 2 and one["errors_key"] == errors_key
    failed = http.get(f"/jobs/{one['job_id']}/rows?status=failed").json()["results"]
    assert [r["row"] for r in failed] == [6]


def test_hostile_files_get_a_report_and_the_stack_stays_up(local_stack: Running) -> None:
    from tests.hostile_files import far_cell_xlsx, long_line_csv

    tenant_id, key = local_stack.tenant("Hostile")
    http = local_stack.http(key)
    s3 = local_stack.client("s3")
    bucket = local_stack.stack.resource_name("ImportsBucket")

    # When a workbook declaring a huge used range and an 8 MB CSV line are dropped
    far = far_cell_xlsx()
    assert len(far) < 2048
    s3.put_object(Bucket=bucket, Key=f"imports/{tenant_id}/notes/far.xlsx", Body=far)
    report = json.loads(
        wait_for(lambda: object_body(s3, bucket, f"reports/{tenant_id}/notes/far.xlsx.report.json"))
    )
    assert report["status"] == "rejected"
    assert "A1:XFD1048576" in report["reason"] and "200,000 rows and 200 columns" in report["reason"]

    s3.put_object(
        Bucket=bucket, Key=f"imports/{tenant_id}/notes/long.csv", Body=long_line_csv(8 * 1024 * 1024)
    )
    report = json.loads(
        wait_for(
            lambda: object_body(s3, bucket, f"reports/{tenant_id}/notes/long.csv.report.json"), timeout=60
        )
    )
    assert report["status"] == "rejected"  # its first data row: nothing was written
    assert "Line 2 is longer than 1,048,576 characters" in report["reason"]

    # Then each gets a rejection report, both imports are rejected, and the stack still answers
    assert http.get("/health").status == 200  # the stack is still up

    def statuses() -> dict[str, str]:
        return {i["file_name"]: i["status"] for i in http.get("/imports").json()["results"]}

    # The report is written before the import record turns rejected (a reader of the status can
    # then always fetch the report), so the record may lag the report by a moment.
    wait_for(lambda: set(statuses().values()) == {"rejected"} and len(statuses()) == 2, timeout=30)
    assert statuses() == {"far.xlsx": "rejected", "long.csv": "rejected"}
