"""S3 drops through the FileImport and Worker functions against moto: reports, counts, line numbers,
duplicates, options, bad files, and the GET /imports routes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

import pytest

from debtload.domain.jobs.model import Job, JobRow, RowOutcome
from debtload.domain.tenants import Principal
from debtload.scopes import ALL_SCOPES
from devstack.demo import DEMO_CASE_IDS
from devstack.template import PROJECT_ROOT
from tests.conftest import MotoResources
from tests.helpers import ADMIN, api_event, body_of, call, drain_worker, object_body
from tests.integration.conftest import Invoke
from tests.workbooks import xlsx_bytes

CASE_A, CASE_B = DEMO_CASE_IDS


def s3_event(bucket: str, key: str, etag: str, size: int = 10) -> dict[str, Any]:
    return {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": bucket},
                    "object": {"key": key.replace(" ", "+"), "eTag": etag, "size": size},
                },
            }
        ]
    }


def drop(
    invoke: Invoke,
    resources: MotoResources,
    key: str,
    body: bytes,
    metadata: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    s3 = resources.client("s3")
    put = s3.put_object(Bucket=resources.bucket, Key=key, Body=body, Metadata=metadata or {})
    result: list[dict[str, Any]] = invoke(
        "FileImportFunction", s3_event(resources.bucket, key, put["ETag"].strip('"'), len(body))
    )
    return result


def get_object(resources: MotoResources, key: str) -> bytes | None:
    return object_body(resources.client("s3"), resources.bucket, key)


def report_of(resources: MotoResources, key: str) -> dict[str, Any]:
    body = get_object(resources, "reports/" + key.removeprefix("imports/") + ".report.json")
    assert body is not None, f"no report for {key}"
    return dict(json.loads(body))


def errors_csv_of(resources: MotoResources, key: str) -> tuple[bytes, list[list[str]]]:
    body = get_object(resources, "reports/" + key.removeprefix("imports/") + ".errors.csv")
    assert body is not None
    text = body.decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    return body, list(csv.reader(io.StringIO(text), delimiter=delimiter))


NOTES_CSV = (
    "Dossier;Commentaire;Date;Référence;Agent\r\n"
    "*Champs obligatoires : Dossier, Commentaire;;;;\r\n"
    f"{CASE_A};Appel : promesse de paiement;01/02/2026;CRM-1;Léa\r\n"
    ";;;;\r\n"
    f'{CASE_B};"Message laissé,\r\nrappeler lundi";15/01/2026 10:30;CRM-2;Hugo\r\n'
    f"not-a-uuid;Inconnu;02/02/2026;CRM-3;Léa\r\n"
    f'{CASE_A};=HYPERLINK("x");03/02/2026;CRM-4;Léa;extra\r\n'
)


def test_french_notes_csv_in_cp1252_produces_both_reports(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    key = f"imports/{demo_data}/notes/relances février.csv"
    (result,) = drop(invoke, moto_resources, key, NOTES_CSV.encode("cp1252"))
    assert result["status"] == "queued", result
    assert result["rows"] == 4 and result["skipped"] == 2
    drain_worker(invoke, moto_resources)

    report = report_of(moto_resources, key)
    assert report["status"] == "completed_with_errors"
    assert report["counts"] == {"lines": 8, "rows": 4, "succeeded": 2, "failed": 2, "skipped": 2}
    assert report["file"]["encoding"] == "cp1252" and report["file"]["delimiter"] == ";"
    assert report["skipped"] == [{"line": 2, "reason": "instruction row"}, {"line": 4, "reason": "empty row"}]
    errors = {e["line"]: e["error"] for e in report["errors"]}
    assert set(errors) == {7, 8}  # line 5's comment spans lines 5 and 6
    assert "caseId must be a UUID" in errors[7]
    assert "Line 8 has 6 values but the header has 5 columns" in errors[8]
    assert report["columns"]["mapped"] == {
        "Dossier": "caseId",
        "Commentaire": "description",
        "Date": "eventDate",
        "Référence": "externalRef",
    }
    assert report["columns"]["metadata"] == ["Agent"]

    raw, rows = errors_csv_of(moto_resources, key)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert rows[0] == ["Dossier", "Commentaire", "Date", "Référence", "Agent", "line", "error"]
    assert [r[5] for r in rows[1:]] == ["7", "8"]
    assert rows[1][:5] == ["not-a-uuid", "Inconnu", "02/02/2026", "CRM-3", "Léa"]  # as in the file
    assert rows[2][1] == '\'=HYPERLINK("x")'  # neutralised

    # The notes exist, with the file's dates normalised and the multi-line comment intact.
    notes = body_of(
        invoke(
            "ApiFunction",
            api_event(
                "GET",
                f"/cases/{CASE_B}/notes",
                resource="/cases/{id}/notes",
                path_parameters={"id": CASE_B},
                principal=Principal(demo_data, "k", frozenset(ALL_SCOPES)),
            ),
        )
    )["results"]
    assert notes[0]["description"] == "Message laissé,\r\nrappeler lundi"
    assert notes[0]["eventDate"] == "2026-01-15T10:30:00Z"

    # GET /jobs/{id}/rows shows line numbers; GET /imports shows the import and its reports.
    principal = Principal(demo_data, "k", frozenset(ALL_SCOPES))
    listed = body_of(invoke("ApiFunction", api_event("GET", "/imports", principal=principal)))
    (record,) = listed["results"]
    assert record["status"] == "completed_with_errors" and record["report_key"].endswith(".report.json")
    one = body_of(
        invoke(
            "ApiFunction",
            api_event(
                "GET",
                f"/imports/{record['import_id']}",
                resource="/imports/{id}",
                path_parameters={"id": record["import_id"]},
                principal=principal,
            ),
        )
    )
    assert one["rows_failed"] == 2 and one["errors_key"].endswith(".errors.csv")
    rows_page = body_of(
        invoke(
            "ApiFunction",
            api_event(
                "GET",
                f"/jobs/{one['job_id']}/rows",
                resource="/jobs/{id}/rows",
                path_parameters={"id": one["job_id"]},
                principal=principal,
            ),
        )
    )
    assert [r["row"] for r in rows_page["results"]] == [3, 5, 7, 8]

    # import.completed is in the outbox with the report's location.
    from debtload.adapters.dynamodb.table import DynamoTable

    events = DynamoTable(moto_resources.table_name).query(f"TENANT#{demo_data}", "EVENT#")[0]
    completed = [e for e in events if e["type"] == "import.completed"]
    assert len(completed) == 1
    assert completed[0]["data"]["report"]["key"] == "reports/" + key.removeprefix("imports/") + ".report.json"

    # The same file (same key and ETag) again is not imported twice.
    etag = moto_resources.client("s3").head_object(Bucket=moto_resources.bucket, Key=key)["ETag"].strip('"')
    (again,) = invoke("FileImportFunction", s3_event(moto_resources.bucket, key, etag))
    assert again["status"] == "duplicate"


def test_reports_are_rewritten_idempotently_on_redelivery(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    key = f"imports/{demo_data}/notes/one.csv"
    drop(invoke, moto_resources, key, f"caseId,description\n{CASE_A},hello\n".encode())
    sqs = moto_resources.client("sqs")
    url = moto_resources.queue_url("JobQueue")
    (message,) = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "eventSource": "aws:sqs",
        "eventSourceARN": moto_resources.template.arn("JobQueue"),
        "awsRegion": "us-east-1",
    }
    assert invoke("WorkerFunction", {"Records": [record]}) == {"batchItemFailures": []}
    first = report_of(moto_resources, key)
    moto_resources.client("s3").delete_object(
        Bucket=moto_resources.bucket, Key="reports/" + key.removeprefix("imports/") + ".report.json"
    )
    assert invoke("WorkerFunction", {"Records": [record]}) == {"batchItemFailures": []}  # redelivered
    second = report_of(moto_resources, key)
    assert (
        first["counts"]
        == second["counts"]
        == {
            "lines": 2,
            "rows": 1,
            "succeeded": 1,
            "failed": 0,
            "skipped": 0,
        }
    )
    assert second["status"] == "completed" and second["errors"] == []


@pytest.mark.parametrize(
    ("name", "body", "reason"),
    [
        ("garbage.csv", bytes(range(256)) * 40, "not text"),
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\r\n\r\n  \r\n", "empty"),
        ("header.csv", b"caseId;description\r\n", "no data rows"),
        ("header-and-instructions.csv", b"caseId;description\r\n*obligatoire;\r\n;\r\n", "no data rows"),
        ("notes.pdf", b"%PDF-1.4", "Unsupported file type (.pdf)"),
        ("notes", b"caseId\n", "Unsupported file type (no extension)"),
        ("missing.csv", b"caseId;Agent\r\nx;y\r\n", "column 'description' is missing"),
        ("zip.csv", b"PK\x03\x04rest-of-a-zip", "rename it to .xlsx"),
        ("corrupt.xlsx", b"PK\x03\x04this is not a workbook", "cannot be read"),
        ("encrypted.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password-protected"),
        ("text.xlsx", b"caseId,description\n", "cannot be read"),
    ],
)
def test_bad_files_are_rejected_with_a_report_and_moved(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str, name: str, body: bytes, reason: str
) -> None:
    key = f"imports/{demo_data}/notes/{name}"
    (result,) = drop(invoke, moto_resources, key, body)
    assert result["status"] == "rejected", result
    report = report_of(moto_resources, key)
    assert report["status"] == "rejected"
    assert reason in report["reason"], report["reason"]
    assert get_object(moto_resources, key) is None
    assert get_object(moto_resources, "rejected/" + key.removeprefix("imports/")) == body
    from debtload.adapters.dynamodb.imports import DynamoImportStore
    from debtload.adapters.dynamodb.table import DynamoTable

    listed, _ = DynamoImportStore(DynamoTable(moto_resources.table_name)).list_imports(demo_data, None, 10)
    assert listed[0]["status"] == "rejected" and listed[0]["reason"] == report["reason"]


def test_unknown_tenant_kind_and_campaign_are_rejected(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    for key, reason in [
        ("imports/nobody/notes/a.csv", "Unknown tenant 'nobody'"),
        (f"imports/{demo_data}/invoices/a.csv", "Unknown kind 'invoices'"),
        (f"imports/{demo_data}/customers/no-such-campaign/a.csv", "Unknown campaign 'no-such-campaign'"),
    ]:
        (result,) = drop(invoke, moto_resources, key, b"a,b\n1,2\n")
        assert result["status"] == "rejected"
        assert reason in report_of(moto_resources, key)["reason"]
        assert get_object(moto_resources, "rejected/" + key.removeprefix("imports/")) == b"a,b\n1,2\n"


def test_a_missing_object_is_reported_not_crashed(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    key = f"imports/{demo_data}/notes/gone.csv"
    (result,) = invoke("FileImportFunction", s3_event(moto_resources.bucket, key, "0123456789abcdef"))
    assert result["status"] == "rejected"
    assert "no longer in the bucket" in report_of(moto_resources, key)["reason"]


def test_bad_metadata_option_is_rejected(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    key = f"imports/{demo_data}/notes/opts.csv"
    (result,) = drop(
        invoke, moto_resources, key, f"caseId,description\n{CASE_A},x\n".encode(), {"batch-name": "Nov"}
    )
    assert result["status"] == "rejected"
    assert "batch-name does not apply to notes files" in report_of(moto_resources, key)["reason"]


# ------------------------------------------------------------------------------- Excel workbooks


def test_xlsx_notes_take_dates_from_cell_types(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    key = f"imports/{demo_data}/notes/relances.xlsx"
    workbook = xlsx_bytes(
        [
            ["ID dossier", "Note", "Date de l'événement", "Type"],
            ["* obligatoire", "* obligatoire", None, None],
            [CASE_A, "Promesse de paiement", ("date", 46054), 0],  # 2026-02-01
            [CASE_B, "Mauvais type", ("date", 46054), 3],
        ]
    )
    (result,) = drop(invoke, moto_resources, key, workbook)
    assert result["status"] == "queued", result
    drain_worker(invoke, moto_resources)
    report = report_of(moto_resources, key)
    assert report["file"]["format"] == "excel" and report["file"]["sheet"] == "Relances"
    assert report["counts"]["succeeded"] == 1 and report["counts"]["failed"] == 1
    assert report["skipped"] == [{"line": 2, "reason": "instruction row"}]
    assert report["errors"][0]["line"] == 4


# ------------------------------------------------------- a debts-like kind through the same pipeline


class PhoneAndAmountProcessor:
    """Stands in for issue 4's debts processor: the pipeline is generic, so any RowProcessor works."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def process(self, job: Job, rows: Sequence[JobRow]) -> list[RowOutcome]:
        from debtload.validation.phone import normalize_phone

        outcomes = []
        for row in rows:
            self.seen.append(dict(row.data))
            phone = normalize_phone(str(row.data.get("phone", "")))
            amount = row.data.get("amount")
            if phone.error:
                outcomes.append(RowOutcome(row.row, False, row.data, error=f"phone: {phone.error}"))
            elif not isinstance(amount, int | float) or amount <= 0:
                outcomes.append(RowOutcome(row.row, False, row.data, error="amount must be > 0"))
            else:
                outcomes.append(RowOutcome(row.row, True, row.data, ref=f"debt-{row.row}"))
        return outcomes


DEBTS_CSV = (
    "Civilité;Prénom;Nom;Montant;Devise;Téléphone;Date d'échéance;Référence;Commentaire\r\n"
    "* Champs obligatoires : Prénom, Nom, Montant;;;;;;;;\r\n"
    "M.;François;Lefèvre;1 234,56;EUR;06 12 34 56 78;15/02/2026;REF-1;Client fidèle\r\n"
    "Mme;Hélène;Dupré;12,5;EUR;0690123456;01/03/2026;REF-2;\r\n"
    "M.;Jean;Martin;1\u00a0000;EUR;+33 1 23 45 67 89;31/12/2026;REF-3;\r\n"
)


def test_french_debts_csv_with_a_registered_processor(moto_resources: MotoResources, demo_data: str) -> None:
    from debtload.adapters.dynamodb.imports import DynamoImportStore
    from debtload.adapters.dynamodb.jobs import DynamoJobStore
    from debtload.adapters.dynamodb.table import DynamoTable
    from debtload.adapters.s3_files import S3ClaimStore, S3FileStore
    from debtload.adapters.sqs_queues import SqsChunkQueue, SqsEventPublisher
    from debtload.domain.file_import.processing import with_file_rows
    from debtload.domain.file_import.report import ImportReporter
    from debtload.domain.jobs.submit import JobSubmitter
    from debtload.domain.jobs.worker import JobWorker
    from debtload.tasks.file_import import FileImportTask

    table = DynamoTable(moto_resources.table_name)
    jobs = DynamoJobStore(table)
    store = DynamoImportStore(table)
    files = S3FileStore()
    publisher = SqsEventPublisher(moto_resources.queue_url("WebhookQueue"))
    reporter = ImportReporter(store, jobs, files, publisher)
    claims = S3ClaimStore(moto_resources.bucket)
    task = FileImportTask(
        store=store,
        files=files,
        submitter=JobSubmitter(jobs, SqsChunkQueue(moto_resources.queue_url("JobQueue")), claims, publisher),
        jobs=jobs,
        reporter=reporter,
        importable_kinds=frozenset({"debts"}),
    )
    processor = PhoneAndAmountProcessor()
    worker = JobWorker(jobs, claims, publisher, with_file_rows({"debts": processor}), reporter.on_terminal)

    key = f"imports/{demo_data}/debts/relances.csv"
    s3 = moto_resources.client("s3")
    body = DEBTS_CSV.encode("cp1252")
    etag = s3.put_object(
        Bucket=moto_resources.bucket,
        Key=key,
        Body=body,
        Metadata={"accept-expensive-destination": "true", "batch-name": "Relances novembre"},
    )["ETag"].strip('"')
    (result,) = task.handle(s3_event(moto_resources.bucket, key, etag, len(body)))
    assert result["status"] == "queued", result
    sqs = moto_resources.client("sqs")
    for message in sqs.receive_message(QueueUrl=moto_resources.queue_url("JobQueue"), MaxNumberOfMessages=10)[
        "Messages"
    ]:
        worker.handle_chunk(json.loads(message["Body"]))

    first = processor.seen[0]
    assert first["firstname"] == "François" and first["amount"] == 1234.56
    assert first["due_date"] == "2026-02-15" and first["internal_id"] == "REF-1"
    assert first["civility"] == "M." and first["metadata"] == {"Commentaire": "Client fidèle"}
    assert processor.seen[2]["amount"] == 1000
    job = jobs.get_job(demo_data, result["job_id"])
    assert job is not None
    assert job.options["accept_expensive_destination"] is True
    assert job.options["batch_name"] == "Relances novembre"

    report = report_of(moto_resources, key)
    assert report["counts"] == {"lines": 5, "rows": 3, "succeeded": 2, "failed": 1, "skipped": 1}
    assert report["errors"][0]["line"] == 4 and "phone" in report["errors"][0]["error"]
    raw, rows = errors_csv_of(moto_resources, key)
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.split(b"\r\n", 1)[0]
    assert rows[1][:4] == ["Mme", "Hélène", "Dupré", "12,5"] and rows[1][-2] == "4"
    assert report["options"] == {"accept_expensive_destination": True, "batch_name": "Relances novembre"}


def test_a_french_debts_csv_goes_through_the_real_debts_processor(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    """The issue #8 must-show for debts, through the FileImport and Worker functions as deployed."""
    key = f"imports/{demo_data}/debts/relances novembre.csv"
    metadata = {"batch-name": "Relances novembre"}
    (result,) = drop(invoke, moto_resources, key, DEBTS_CSV.encode("cp1252"), metadata)
    assert result["status"] == "queued", result
    drain_worker(invoke, moto_resources)

    report = report_of(moto_resources, key)
    assert report["status"] == "completed_with_errors"
    assert report["counts"] == {"lines": 5, "rows": 3, "succeeded": 2, "failed": 1, "skipped": 1}
    (error,) = report["errors"]
    assert error["line"] == 4 and "French overseas mobile numbers in national format" in error["error"]

    listed = body_of(
        invoke(
            "ApiFunction",
            api_event("GET", "/debts", principal=ADMIN, query={"import_id": result["job_id"]}),
        )
    )["results"]
    by_ref = {d["internal_id"]: d for d in listed}
    assert set(by_ref) == {"REF-1", "REF-3"}
    assert by_ref["REF-1"]["amount"] == 1234.56 and by_ref["REF-1"]["phone"] == "+33612345678"
    assert (
        by_ref["REF-1"]["due_date"] == "2026-02-15" and by_ref["REF-1"]["batch_name"] == "Relances novembre"
    )
    assert by_ref["REF-1"]["metadata"] == {"Commentaire": "Client fidèle"}
    assert by_ref["REF-3"]["amount"] == 1000

    # A corrected export of the same debts updates them (internal_id is the upsert key).
    corrected = DEBTS_CSV.replace("1 234,56", "1 200,00").encode("cp1252")
    (again,) = drop(invoke, moto_resources, key.replace(".csv", " v2.csv"), corrected, metadata)
    assert again["status"] == "queued", again
    drain_worker(invoke, moto_resources)
    relisted = body_of(invoke("ApiFunction", api_event("GET", "/debts", principal=ADMIN)))["results"]
    assert sorted(d["internal_id"] for d in relisted) == ["REF-1", "REF-3"]
    assert {d["internal_id"]: d["amount"] for d in relisted}["REF-1"] == 1200


CUSTOMERS_CSV = (
    "N° de prêt;Prénom;Nom;Portable;Montant du prêt;Date d'échéance;Statut\r\n"
    "* Champs obligatoires : N° de prêt, Prénom, Portable;;;;;;\r\n"
    "LN-1;Jean;Dupont;06 12 34 56 78;1 250,50;05/04/2026;overdue\r\n"
    "LN-2;Marie;Martin;0690123456;800;05/04/2026;current\r\n"
    "LN-3;Paul;Durand;+33 6 98 76 54 32;-5;31/02/2026;current\r\n"
    "LN-1;Jean;Dupont;06 12 34 56 79;1 300;05/05/2026;overdue\r\n"
)


def test_a_customers_csv_upserts_into_its_campaign_and_starts_calls(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
    from debtload.adapters.dynamodb.campaigns import DynamoCampaignStore
    from debtload.adapters.dynamodb.table import DynamoTable
    from debtload.domain.campaigns import customer_rows

    created = invoke(
        "ApiFunction",
        api_event(
            "POST", "/campaigns", principal=ADMIN, body={"name": "Relance", "service_type": "debt_collection"}
        ),
    )
    campaign_id = body_of(created)["id"]
    key = f"imports/{demo_data}/customers/{campaign_id}/clients.csv"
    metadata = {"initiate-call": "true", "agent-id": "agent-7"}
    (result,) = drop(invoke, moto_resources, key, CUSTOMERS_CSV.encode("cp1252"), metadata)
    assert result["status"] == "queued", result
    drain_worker(invoke, moto_resources)

    report = report_of(moto_resources, key)
    assert report["counts"] == {"lines": 6, "rows": 4, "succeeded": 1, "failed": 3, "skipped": 1}
    errors = {e["line"]: e["error"] for e in report["errors"]}
    assert set(errors) == {4, 5, 6}
    assert "duplicates the record at index 0" in errors[6]  # as in one API request: the first wins
    assert "phone_number: French overseas mobile" in errors[4]
    assert "loan_amount" in errors[5] and "emi_due_date" in errors[5]

    table = DynamoTable(moto_resources.table_name)
    stored = DynamoCampaignStore(table).get_customer(demo_data, campaign_id, "LN-1")
    assert stored is not None and stored["phone_number"] == "+33612345678"
    run_id = str(customer_rows.uuid.uuid5(customer_rows._NAMESPACE, f"{result['job_id']}/3"))
    run = DynamoCallRunStore(table).get_run(demo_data, run_id)
    assert (
        run is not None
        and run["customers"] == 1
        and run["call_config"] == {"agentId": "agent-7", "dispositionId": None}
    )
    # The file's page in the console names the run, and the run opens as an item of its own.
    detail = body_of(call(invoke, "GET", f"/jobs/{result['job_id']}", ADMIN, resource="/jobs/{id}"))
    assert detail["type"] == "file_import" and detail["call_runs"] == [run_id]
    opened = body_of(call(invoke, "GET", f"/jobs/{run_id}", ADMIN, resource="/jobs/{id}"))
    assert (opened["type"], opened["counts"]["total"]) == ("call_run", 1)


def test_a_debts_workbook_takes_numbers_and_dates_from_cell_types(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    key = f"imports/{demo_data}/debts/relances.xlsx"
    workbook = xlsx_bytes(
        [
            ["Prénom", "Nom", "Montant", "Devise", "Portable", "Date d'échéance", "Référence"],
            ["* obligatoire", "* obligatoire", "* obligatoire", None, None, None, None],
            ["Hélène", "Dupré", 1234.56, "EUR", "0612345678", ("date", 46068), "X-1"],  # 2026-02-15
            ["Jean", "Martin", -3, "EUR", "0612345679", ("date", 46068), "X-2"],
        ]
    )
    (result,) = drop(invoke, moto_resources, key, workbook)
    assert result["status"] == "queued", result
    drain_worker(invoke, moto_resources)
    report = report_of(moto_resources, key)
    assert report["counts"] == {"lines": 4, "rows": 2, "succeeded": 1, "failed": 1, "skipped": 1}
    assert (
        report["errors"][0]["line"] == 4
        and "amount: Amount must be greater than 0" in report["errors"][0]["error"]
    )
    (debt,) = body_of(invoke("ApiFunction", api_event("GET", "/debts", principal=ADMIN)))["results"]
    assert (debt["amount"], debt["due_date"], debt["phone"]) == (1234.56, "2026-02-15", "+33612345678")


def test_a_french_collections_csv_becomes_a_bulk(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    settings = {"sepa_creditor_id": "FR72ZZZ123456", "creditor_name": "Acme"}
    assert (
        invoke("ApiFunction", api_event("PATCH", "/settings", principal=ADMIN, body=settings))["statusCode"]
        == 200
    )
    content = (
        "RUM;Schéma;Date de signature;Débiteur;IBAN;Montant;Date de prélèvement;IBAN créancier;Libellé\r\n"
        "M-1;core;01/12/2022;Jean Dupont;FR2512739000308553756377J95;12,50;05/12/2099;FR6430003000509825397888D64;Facture 1\r\n"
        "M-2;core;01/12/2022;Marie Martin;FR2512739000308553756377J96;30;05/12/2099;FR6430003000509825397888D64;Facture 2\r\n"
    ).encode("cp1252")
    key = f"imports/{demo_data}/collections/prelevements.csv"
    (result,) = drop(invoke, moto_resources, key, content)
    assert result["status"] == "queued", result
    drain_worker(invoke, moto_resources)
    report = report_of(moto_resources, key)
    assert report["counts"] == {"lines": 3, "rows": 2, "succeeded": 1, "failed": 1, "skipped": 0}
    assert report["errors"][0]["line"] == 3 and report["errors"][0]["error"].startswith("invalid_debtor_iban")
    listed = body_of(
        invoke(
            "ApiFunction",
            api_event(
                "GET",
                f"/collections/bulks/{result['job_id']}/collections",
                principal=ADMIN,
                resource="/collections/bulks/{id}/collections",
                query={"status": "confirmed"},
            ),
        )
    )["results"]
    assert [(c["amount"], c["scheduled_date"]) for c in listed] == [
        (1250, "2099-12-07")
    ]  # Saturday -> Monday


class Interrupted(BaseException):
    """What a Lambda timeout does to a run: it stops mid-statement, no `except Exception` runs."""


def test_an_interrupted_customers_import_resumes_its_one_job_and_calls_nobody_twice(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functools import partial

    from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
    from debtload.adapters.dynamodb.imports import DynamoImportStore
    from debtload.adapters.dynamodb.table import DynamoTable
    from debtload.domain.jobs import chunking, submit

    monkeypatch.setattr(submit, "chunk_rows", partial(chunking.chunk_rows, max_rows=2))
    monkeypatch.setattr(submit, "SEND_BATCH", 1)
    campaign_id = body_of(
        invoke(
            "ApiFunction",
            api_event(
                "POST", "/campaigns", principal=ADMIN, body={"name": "R", "service_type": "debt_collection"}
            ),
        )
    )["id"]
    content = "N° de prêt;Prénom;Nom;Portable;Montant du prêt;Date d'échéance\r\n" + "".join(
        f"LN-{i};Jean;Dupont;06 12 34 56 7{i};100;05/04/2026\r\n" for i in range(6)
    )
    key = f"imports/{demo_data}/customers/{campaign_id}/clients.csv"
    s3 = moto_resources.client("s3")
    put = s3.put_object(
        Bucket=moto_resources.bucket,
        Key=key,
        Body=content.encode("cp1252"),
        Metadata={"initiate-call": "true", "agent-id": "agent-7"},
    )
    event = s3_event(moto_resources.bucket, key, put["ETag"].strip('"'), len(content))

    module = invoke.runner._module("FileImportFunction", "app")  # type: ignore[attr-defined]
    queue = module.task.task.submitter.queue
    real_send = queue.send_chunks
    sent: list[int] = []

    def send_then_time_out(messages: Any) -> None:
        if len(sent) == 2:
            raise Interrupted
        real_send(messages)
        sent.extend(m.chunk for m in messages)

    monkeypatch.setattr(queue, "send_chunks", send_then_time_out)
    with pytest.raises(Interrupted):
        invoke("FileImportFunction", event)
    drain_worker(invoke, moto_resources)  # the two chunks sent are processed, their debtors called

    store = DynamoImportStore(DynamoTable(moto_resources.table_name))
    (record,) = store.list_imports(demo_data, None, 10)[0]
    store.update_import(demo_data, record["import_id"], {"lease_until": "2000-01-01T00:00:00.000+00:00"})
    monkeypatch.setattr(
        queue, "send_chunks", lambda messages: (real_send(messages), sent.extend(m.chunk for m in messages))
    )
    (result,) = invoke("FileImportFunction", event)  # Lambda's retry, after the lease expired
    drain_worker(invoke, moto_resources)

    assert sent == [0, 1, 2]  # the take-over sent only the chunk not sent before
    assert result["job_id"] == record["import_id"] and result["rows"] == 6
    report = report_of(moto_resources, key)
    assert report["status"] == "completed" and report["counts"]["succeeded"] == 6
    runs = DynamoCallRunStore(DynamoTable(moto_resources.table_name)).runs_of_job(demo_data, result["job_id"])
    assert len(runs) == 3  # one call run per chunk, none started twice
    assert (
        DynamoCallRunStore(DynamoTable(moto_resources.table_name)).runs_of_job(
            demo_data, result["job_id"] + ".2"
        )
        == []
    )  # no second job started the calls again


def _failures_queue_event(resources: MotoResources, destination_record: dict[str, Any]) -> dict[str, Any]:
    """The SQS event FileImportFunction gets from FileImportFailuresQueue for one OnFailure record."""
    return {
        "Records": [
            {
                "messageId": "m-1",
                "receiptHandle": "h",
                "body": json.dumps(destination_record),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": resources.template.arn("FileImportFailuresQueue"),
                "awsRegion": "us-east-1",
            }
        ]
    }


def test_an_import_that_failed_every_attempt_ends_failed_with_a_report_saying_why(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = f"imports/{demo_data}/notes/relances.csv"
    s3 = moto_resources.client("s3")
    put = s3.put_object(Bucket=moto_resources.bucket, Key=key, Body=NOTES_CSV.encode("cp1252"))
    event = s3_event(moto_resources.bucket, key, put["ETag"].strip('"'), len(NOTES_CSV))
    module = invoke.runner._module("FileImportFunction", "app")  # type: ignore[attr-defined]

    def time_out(messages: Any) -> None:
        raise Interrupted

    monkeypatch.setattr(module.task.task.submitter.queue, "send_chunks", time_out)
    with pytest.raises(Interrupted):
        invoke("FileImportFunction", event)

    # What Lambda's OnFailure destination puts on FileImportFailuresQueue after the last retry.
    destination_record = {
        "version": "1.0",
        "timestamp": "2026-12-02T10:00:00.000Z",
        "requestContext": {
            "requestId": "r-1",
            "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:debtload-FileImportFunction",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": 3,
        },
        "requestPayload": event,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorMessage": "Task timed out after 300.00 seconds"},
    }
    sqs_event = _failures_queue_event(moto_resources, destination_record)
    (result,) = invoke("FileImportFunction", sqs_event)
    assert result["status"] == "failed"
    report = report_of(moto_resources, key)
    assert report["status"] == "failed"
    assert "3 attempts" in report["outcome"] and "Task timed out after 300.00 seconds" in report["outcome"]
    record = body_of(
        invoke(
            "ApiFunction",
            api_event(
                "GET", f"/imports/{result['import_id']}", principal=ADMIN, resource="/imports/{import_id}"
            ),
        )
    )
    assert record["status"] == "failed" and "Task timed out" in record["reason"]
    assert record["report_key"] == "reports/" + key.removeprefix("imports/") + ".report.json"
    # The same destination record delivered again changes nothing.
    assert invoke("FileImportFunction", sqs_event)[0]["status"] == "unchanged"


def test_the_import_records_who_dropped_the_file(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    key = f"imports/{demo_data}/notes/qui.csv"
    s3 = moto_resources.client("s3")
    put = s3.put_object(Bucket=moto_resources.bucket, Key=key, Body=NOTES_CSV.encode("cp1252"))
    event = s3_event(moto_resources.bucket, key, put["ETag"].strip('"'), len(NOTES_CSV))
    event["Records"][0]["userIdentity"] = {"principalId": "AWS:AROAEXAMPLE:acme-uploader"}
    event["Records"][0]["requestParameters"] = {"sourceIPAddress": "203.0.113.7"}
    (result,) = invoke("FileImportFunction", event)
    record = body_of(
        invoke(
            "ApiFunction",
            api_event(
                "GET", f"/imports/{result['import_id']}", principal=ADMIN, resource="/imports/{import_id}"
            ),
        )
    )
    assert record["dropped_by"] == {
        "principal_id": "AWS:AROAEXAMPLE:acme-uploader",
        "source_ip": "203.0.113.7",
    }


SCHEDULED = {"version": "0", "source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}


def test_the_lease_sweeper_resumes_an_abandoned_import_then_fails_one_past_its_attempts(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from debtload.adapters.dynamodb.imports import DynamoImportStore
    from debtload.adapters.dynamodb.table import DynamoTable

    store = DynamoImportStore(DynamoTable(moto_resources.table_name))
    module = invoke.runner._module("FileImportFunction", "app")  # type: ignore[attr-defined]
    queue = module.task.task.submitter.queue
    real_send = queue.send_chunks

    def time_out(messages: Any) -> None:
        raise Interrupted

    events = {}
    for name in ("abandoned.csv", "hopeless.csv"):
        key = f"imports/{demo_data}/notes/{name}"
        put = moto_resources.client("s3").put_object(
            Bucket=moto_resources.bucket, Key=key, Body=NOTES_CSV.encode("cp1252")
        )
        events[name] = s3_event(moto_resources.bucket, key, put["ETag"].strip('"'), len(NOTES_CSV))
        monkeypatch.setattr(queue, "send_chunks", time_out)
        with pytest.raises(Interrupted):
            invoke("FileImportFunction", events[name])
    monkeypatch.setattr(queue, "send_chunks", real_send)
    records = {r["file_name"]: r for r in store.list_imports(demo_data, None, 10)[0]}
    assert invoke("FileImportFunction", SCHEDULED) == []  # leases still running: nothing to do
    past = "2000-01-01T00:00:00.000+00:00"
    store.update_import(demo_data, records["abandoned.csv"]["import_id"], {"lease_until": past})
    store.update_import(demo_data, records["hopeless.csv"]["import_id"], {"lease_until": past, "attempt": 3})

    results = {r["key"].rsplit("/", 1)[-1]: r for r in invoke("FileImportFunction", SCHEDULED)}
    assert results["abandoned.csv"]["status"] == "queued"
    assert results["hopeless.csv"]["status"] == "failed"
    drain_worker(invoke, moto_resources)
    assert (
        report_of(moto_resources, f"imports/{demo_data}/notes/abandoned.csv")["status"]
        == "completed_with_errors"
    )
    hopeless = report_of(moto_resources, f"imports/{demo_data}/notes/hopeless.csv")
    assert hopeless["status"] == "failed" and "3 attempts" in hopeless["outcome"]
    assert invoke("FileImportFunction", SCHEDULED) == []  # nothing left holding a lease


def test_a_lease_sweep_that_failed_every_attempt_is_logged_not_ignored(
    invoke: Invoke, moto_resources: MotoResources, caplog: pytest.LogCaptureFixture
) -> None:
    """The lease sweep's schedule shares FileImportFunction's OnFailure queue with the S3 drops."""
    scheduled = json.loads((PROJECT_ROOT / "events" / "file_import_lease_sweep.json").read_text())
    destination_record = {
        "version": "1.0",
        "requestContext": {"condition": "RetriesExhausted", "approximateInvokeCount": 3},
        "requestPayload": scheduled,
        "responsePayload": {"errorType": "ProvisionedThroughputExceededException", "errorMessage": "slow"},
    }
    sqs_event = _failures_queue_event(moto_resources, destination_record)
    with caplog.at_level("ERROR"):
        (result,) = invoke("FileImportFunction", sqs_event)
    assert result["status"] == "sweep_failed"
    assert any(
        "lease sweep failed" in r.getMessage() and "3 attempts" in r.getMessage() for r in caplog.records
    )
