"""Resubmitting the failed rows (issue 17, part 3) through the FileImport and Worker functions
against moto: an import's errors.csv, corrected and dropped back into the same prefix, imports its
rows, which update by their natural key instead of duplicating."""

from __future__ import annotations

import base64
import csv
import io
from typing import Any

from debtload.adapters.dynamodb.campaigns import DynamoCampaignStore
from debtload.adapters.dynamodb.table import DynamoTable
from devstack.demo import DEMO_CASE_IDS
from tests.conftest import MotoResources
from tests.helpers import ADMIN, api_event, body_of, drain_worker
from tests.integration.conftest import Invoke
from tests.integration.test_file_import import drop, errors_csv_of, get_object, report_of

CASE_A, CASE_B = DEMO_CASE_IDS

DEBTS_CSV = (
    "Prénom;Nom;Montant;Devise;Portable;Référence;Commentaire\r\n"
    "François;Lefèvre;1 234,56;EUR;+33612345678;REF-1;Client fidèle\r\n"
    "Hélène;Dupré;12,5;EUR;0690123456;REF-2;rappeler\r\n"  # overseas number in national format
    "Jean;Martin;-3;EUR;+33612345679;REF-3;\r\n"  # a negative amount
    "Marie;Curie;abc;EUR;0612345670;;sans référence\r\n"  # no internal_id, and a bad amount
)


def errors_key(key: str) -> str:
    return "reports/" + key.removeprefix("imports/") + ".errors.csv"


def rows_csv(invoke: Invoke, job_id: str) -> bytes:
    response = invoke(
        "ApiFunction",
        api_event(
            "GET",
            f"/jobs/{job_id}/rows",
            principal=ADMIN,
            resource="/jobs/{job_id}/rows",
            path_parameters={"job_id": job_id},
            query={"status": "failed", "limit": "1000"},
            headers={"Accept": "text/csv"},
        ),
    )
    assert response["statusCode"] == 200 and "text/csv" in str(
        response.get("multiValueHeaders") or response.get("headers")
    ), response
    body = str(response["body"])
    return base64.b64decode(body) if response.get("isBase64Encoded") else body.encode("utf-8")


def corrected(raw: bytes, fixes: dict[str, dict[str, str]], key_column: str) -> bytes:
    """errors.csv edited as a person would: some cells of some rows changed, line and error kept."""
    text = raw.decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, **fixes.get(row[key_column], {})})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def debts(invoke: Invoke) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = body_of(
        invoke("ApiFunction", api_event("GET", "/debts", principal=ADMIN, query={"limit": "100"}))
    )["results"]
    return listed


def test_a_corrected_debts_errors_csv_imports_its_rows_once_per_internal_id(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    key = f"imports/{demo_data}/debts/relances.csv"
    (first,) = drop(invoke, moto_resources, key, DEBTS_CSV.encode("cp1252"))
    drain_worker(invoke, moto_resources)
    assert report_of(moto_resources, key)["counts"]["failed"] == 3

    # errors.csv and GET /jobs/{id}/rows?status=failed as CSV are the same bytes
    raw, rows = errors_csv_of(moto_resources, key)
    assert rows_csv(invoke, first["job_id"]) == raw
    assert rows[0] == [
        "Prénom",
        "Nom",
        "Montant",
        "Devise",
        "Portable",
        "Référence",
        "Commentaire",
        "line",
        "error",
    ]
    assert [(r[5], r[7]) for r in rows[1:]] == [("REF-2", "3"), ("REF-3", "4"), ("", "5")]
    assert rows[2][4] == "'+33612345679"  # neutralised against formulas

    # When the person fixes the three rows in errors.csv and drops it back into the same prefix
    fixed = corrected(
        raw,
        {"REF-2": {"Portable": "+590690123456", "Nom": "Dupré-Roux"}, "REF-3": {"Montant": "30"},
         "": {"Montant": "45"}},
        "Référence",
    )  # fmt: skip
    back = f"imports/{demo_data}/debts/relances.errors.csv"
    (second,) = drop(invoke, moto_resources, back, fixed, {"accept-expensive-destination": "true"})
    assert second["status"] == "queued", second
    drain_worker(invoke, moto_resources)

    # Then the three rows import, line and error read as no data, and each internal_id is one debt
    report = report_of(moto_resources, back)
    assert report["counts"] == {"lines": 4, "rows": 3, "succeeded": 3, "failed": 0, "skipped": 0}
    assert report["resubmission"] == {"ignored_columns": ["line", "error"]}
    one = invoke(
        "ApiFunction",
        api_event(
            "GET",
            f"/imports/{second['import_id']}",
            resource="/imports/{id}",
            path_parameters={"id": second["import_id"]},
            principal=ADMIN,
        ),
    )
    assert body_of(one)["resubmission"] == {"ignored_columns": ["line", "error"]}
    assert body_of(one)["columns"] == [
        "Prénom",
        "Nom",
        "Montant",
        "Devise",
        "Portable",
        "Référence",
        "Commentaire",
    ]
    assert report["ignored_columns"] == ["Commentaire"] and "line" not in report["columns"]["mapped"]
    stored = debts(invoke)
    assert sorted(d.get("internal_id") or "" for d in stored) == ["", "REF-1", "REF-2", "REF-3"]
    by_ref = {d.get("internal_id"): d for d in stored}
    assert by_ref["REF-2"]["lastname"] == "Dupré-Roux" and by_ref["REF-2"]["phone"] == "+590690123456"
    assert by_ref["REF-3"]["amount"] == 30 and by_ref["REF-3"]["phone"] == "+33612345679"
    assert by_ref["REF-2"]["metadata"] == {"Commentaire": "rappeler"}
    assert (get_object(moto_resources, errors_key(back)) or b"").decode("utf-8-sig").splitlines() == [
        "Prénom;Nom;Montant;Devise;Portable;Référence;Commentaire;line;error"
    ]  # a second errors.csv has the same columns, not line and error twice

    # A second drop of the same rows updates the debts with an internal_id; the row without one
    # has no key to update by, so it creates a second debt.
    (third,) = drop(
        invoke,
        moto_resources,
        back.replace(".csv", " bis.csv"),
        fixed,
        {"accept-expensive-destination": "true"},
    )
    assert third["status"] == "queued", third
    drain_worker(invoke, moto_resources)
    assert report_of(moto_resources, back.replace(".csv", " bis.csv"))["counts"]["succeeded"] == 3
    assert sorted(d.get("internal_id") or "" for d in debts(invoke)) == ["", "", "REF-1", "REF-2", "REF-3"]


def test_a_corrected_notes_errors_csv_adds_each_external_ref_once(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    content = (
        "Dossier,Commentaire,Date,Référence\r\n"
        f"{CASE_A},Appel,01/02/2026,CRM-1\r\n"
        "not-a-uuid,Promesse de paiement,02/02/2026,CRM-2\r\n"
    )
    key = f"imports/{demo_data}/notes/notes.csv"
    drop(invoke, moto_resources, key, content.encode())
    drain_worker(invoke, moto_resources)
    raw, rows = errors_csv_of(moto_resources, key)
    assert rows[0] == ["Dossier", "Commentaire", "Date", "Référence", "line", "error"]
    fixed = corrected(raw, {"not-a-uuid": {"Dossier": CASE_B}}, "Dossier")

    for name in ("notes.errors.csv", "notes.errors (2).csv"):
        back = f"imports/{demo_data}/notes/{name}"
        (result,) = drop(invoke, moto_resources, back, fixed)
        assert result["status"] == "queued", result
        drain_worker(invoke, moto_resources)
        assert report_of(moto_resources, back)["counts"]["succeeded"] == 1

    notes = body_of(
        invoke(
            "ApiFunction",
            api_event(
                "GET",
                f"/cases/{CASE_B}/notes",
                resource="/cases/{id}/notes",
                path_parameters={"id": CASE_B},
                principal=ADMIN,
            ),
        )
    )["results"]
    assert [n["externalRef"] for n in notes] == ["CRM-2"]  # twice resubmitted, one note


def test_a_corrected_customers_errors_csv_upserts_by_loan_id(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    created = invoke(
        "ApiFunction",
        api_event(
            "POST", "/campaigns", principal=ADMIN, body={"name": "R", "service_type": "debt_collection"}
        ),
    )
    campaign_id = body_of(created)["id"]
    content = (
        "N° de prêt;Prénom;Portable;Montant du prêt;Date d'échéance\r\n"
        "LN-1;Jean;06 12 34 56 78;1 250,50;05/04/2026\r\n"
        "LN-2;Marie;0690123456;800;05/04/2026\r\n"
    )
    key = f"imports/{demo_data}/customers/{campaign_id}/clients.csv"
    drop(invoke, moto_resources, key, content.encode("cp1252"))
    drain_worker(invoke, moto_resources)
    raw, rows = errors_csv_of(moto_resources, key)
    assert [r[0] for r in rows[1:]] == ["LN-2"], [r[-1] for r in rows]
    fixed = corrected(raw, {"LN-2": {"Portable": "06 12 34 56 79", "Montant du prêt": "900"}}, "N° de prêt")
    back = f"imports/{demo_data}/customers/{campaign_id}/clients.errors.csv"
    (result,) = drop(invoke, moto_resources, back, fixed)
    assert result["status"] == "queued", result
    drain_worker(invoke, moto_resources)
    assert report_of(moto_resources, back)["counts"]["succeeded"] == 1

    store = DynamoCampaignStore(DynamoTable(moto_resources.table_name))
    stored = store.get_customer(demo_data, campaign_id, "LN-2")
    assert (
        stored is not None and stored["phone_number"] == "+33612345679" and stored["loan_amount"] == "900.00"
    )
    assert store.get_customer(demo_data, campaign_id, "LN-1") is not None


def test_a_corrected_collections_errors_csv_imports_a_new_end_to_end_id_once(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    settings = {"sepa_creditor_id": "FR72ZZZ123456", "creditor_name": "Acme"}
    assert (
        invoke("ApiFunction", api_event("PATCH", "/settings", principal=ADMIN, body=settings))["statusCode"]
        == 200
    )
    content = (
        "RUM;Schéma;Date de signature;Débiteur;IBAN;Montant;Date de prélèvement;IBAN créancier;EndToEndId\r\n"
        "M-1;core;01/12/2022;Jean Dupont;FR2512739000308553756377J95;12,50;07/12/2099;FR6430003000509825397888D64;E2E-1\r\n"
        "M-2;core;01/12/2022;Marie Martin;FR2512739000308553756377J96;30;07/12/2099;FR6430003000509825397888D64;E2E-2\r\n"
    )
    key = f"imports/{demo_data}/collections/prelevements.csv"
    drop(invoke, moto_resources, key, content.encode("cp1252"))
    drain_worker(invoke, moto_resources)
    raw, rows = errors_csv_of(moto_resources, key)
    assert [r[0] for r in rows[1:]] == ["M-2"], rows
    assert rows[1][-1].startswith("invalid_debtor_iban")
    fixed = corrected(raw, {"M-2": {"IBAN": "FR7630006000011234567890189"}}, "RUM")

    back = f"imports/{demo_data}/collections/prelevements.errors.csv"
    (result,) = drop(invoke, moto_resources, back, fixed)
    drain_worker(invoke, moto_resources)
    assert report_of(moto_resources, back)["counts"]["succeeded"] == 1

    # The same corrected file dropped again: E2E-2 is stored, so the row fails, and no copy is made.
    again = back.replace(".csv", " (2).csv")
    (second,) = drop(invoke, moto_resources, again, fixed)
    drain_worker(invoke, moto_resources)
    report = report_of(moto_resources, again)
    assert report["counts"]["succeeded"] == 0 and report["counts"]["failed"] == 1
    assert report["errors"][0]["error"].startswith("duplicate_end_to_end_id")

    def confirmed(job_id: str) -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = body_of(
            invoke(
                "ApiFunction",
                api_event(
                    "GET",
                    f"/collections/bulks/{job_id}/collections",
                    principal=ADMIN,
                    resource="/collections/bulks/{id}/collections",
                    query={"status": "confirmed"},
                ),
            )
        )["results"]
        return listed

    assert [c["end_to_end_id"] for c in confirmed(result["job_id"])] == ["E2E-2"]
    assert confirmed(second["job_id"]) == []
