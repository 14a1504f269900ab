"""POST /jobs/{id}/cancel through the api and worker handlers with moto: part-way, idempotent, 409 and
404, a file import and a bulk, chunks in flight on concurrent workers, and a customers file's call run
canceled with its reserved credits given back (decision 91)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest

from debtload.domain.jobs.model import Job, JobRow, RowOutcome
from tests.conftest import MotoResources
from tests.helpers import ADMIN, OTHER, body_of, call, drain_worker, wait_for
from tests.integration.conftest import Invoke
from tests.integration.test_file_import import drop, report_of
from tests.integration.test_ingestion_handlers import CASE_A, make_case


def note_rows(count: int) -> list[dict[str, Any]]:
    return [
        {"type": 0, "caseId": CASE_A, "description": f"Call {i}", "eventDate": "2026-02-01T09:30:00Z"}
        for i in range(count)
    ]


def queue_ingestion_job(invoke: Invoke, rows: int) -> str:
    make_case(invoke, CASE_A)
    queued = call(invoke, "POST", "/ingestion-jobs", body={"rows": note_rows(rows)})
    assert queued["statusCode"] == 202, queued["body"]
    return str(body_of(queued)["jobId"])


def cancel(invoke: Invoke, job_id: str, principal: Any = ADMIN, key: str | None = None) -> dict[str, Any]:
    headers = {"Idempotency-Key": key} if key else None
    return call(
        invoke, "POST", f"/jobs/{job_id}/cancel", principal, resource="/jobs/{id}/cancel", headers=headers
    )


def deliver(invoke: Invoke, resources: MotoResources, messages: Sequence[dict[str, Any]]) -> None:
    records = [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": {"ApproximateReceiveCount": "1"},
            "messageAttributes": {},
            "eventSource": "aws:sqs",
            "eventSourceARN": resources.template.arn("JobQueue"),
            "awsRegion": "us-east-1",
        }
        for m in messages
    ]
    assert invoke("WorkerFunction", {"Records": records}) == {"batchItemFailures": []}


def receive_one(resources: MotoResources) -> dict[str, Any]:
    sqs = resources.client("sqs")
    url = resources.queue_url("JobQueue")
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages", [])
    assert messages
    sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
    return dict(messages[0])


def rows_written(invoke: Invoke, job_id: str) -> int:
    page = body_of(
        call(invoke, "GET", f"/jobs/{job_id}/rows", resource="/jobs/{id}/rows", query={"limit": "1000"})
    )
    return len(page["results"])


def outbox_types(resources: MotoResources, tenant_id: str) -> list[str]:
    table = resources.client("dynamodb")
    items = table.query(
        TableName=resources.table_name,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :evt)",
        ExpressionAttributeValues={":pk": {"S": f"TENANT#{tenant_id}"}, ":evt": {"S": "EVENT#"}},
    )["Items"]
    return [i["type"]["S"] for i in items if "type" in i]


def test_an_ingestion_job_canceled_part_way_keeps_its_done_rows_and_skips_the_rest(
    invoke: Invoke, moto_resources: MotoResources, demo_tenant: str
) -> None:
    # Given an ingestion job of two chunks, the first one processed
    job_id = queue_ingestion_job(invoke, 1000)
    deliver(invoke, moto_resources, [receive_one(moto_resources)])

    # When it is canceled, with an Idempotency-Key
    first = cancel(invoke, job_id, key="cancel-1")

    # Then it ends canceled with the first chunk's rows, the second skipped
    assert first["statusCode"] == 200, first["body"]
    canceled = body_of(first)
    assert (canceled["status"], canceled["rows_succeeded"], canceled["rows_skipped"]) == (
        "canceled",
        500,
        500,
    )
    again = cancel(invoke, job_id, key="cancel-1")
    assert again["statusCode"] == 200 and body_of(again) == canceled
    assert (again.get("multiValueHeaders") or {}).get("Idempotent-Replayed") == ["true"]
    assert cancel(invoke, job_id)["statusCode"] == 409
    drain_worker(invoke, moto_resources)
    status = body_of(call(invoke, "GET", f"/ingestion-jobs/{job_id}", resource="/ingestion-jobs/{jobId}"))
    assert status == {
        "status": 4,
        "canceled": True,
        "rowsTotal": 1000,
        "rowsSucceeded": 500,
        "rowsFailed": 0,
    }
    assert rows_written(invoke, job_id) == 500
    assert "job.canceled" in outbox_types(moto_resources, ADMIN.tenant_id)


def test_unknown_others_and_ended_jobs(
    invoke: Invoke, moto_resources: MotoResources, demo_tenant: str
) -> None:
    job_id = queue_ingestion_job(invoke, 2)
    assert cancel(invoke, "no-such-job")["statusCode"] == 404
    assert cancel(invoke, job_id, OTHER)["statusCode"] == 404
    drain_worker(invoke, moto_resources)
    ended = cancel(invoke, job_id)
    assert ended["statusCode"] == 409 and "completed" in body_of(ended)["message"]


def test_a_debts_file_canceled_reports_canceled(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    lines = ["Prénom;Nom;Montant;Devise;Portable;Référence"] + [
        f"Jean;Dupont;{10 + i};EUR;06{12000000 + i:08d};R-{i}" for i in range(1200)
    ]
    key = f"imports/{demo_data}/debts/relances.csv"
    (result,) = drop(invoke, moto_resources, key, ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    job_id = result["job_id"]
    deliver(invoke, moto_resources, [receive_one(moto_resources)])
    canceled = body_of(cancel(invoke, job_id))
    assert canceled["status"] == "canceled" and canceled["rows_total"] == 1200
    assert canceled["rows_succeeded"] + canceled["rows_failed"] == 500
    drain_worker(invoke, moto_resources)
    imported = body_of(call(invoke, "GET", f"/imports/{result['import_id']}", resource="/imports/{id}"))
    assert imported["status"] == "canceled"
    assert report_of(moto_resources, key)["status"] == "canceled"


def test_a_collections_bulk_canceled_counts_the_rest_as_canceled(
    invoke: Invoke, moto_resources: MotoResources, demo_tenant: str
) -> None:
    settings = {"sepa_creditor_id": "FR72ZZZ123456", "creditor_name": "Acme"}
    assert call(invoke, "PATCH", "/settings", body=settings)["statusCode"] == 200
    collection = {
        "mandate_id": "M-1",
        "debtor_name": "Jean Dupont",
        "debtor_iban": "FR2512739000308553756377J95",
        "amount": 1250,
        "currency": "EUR",
        "collection_date": "2099-12-05",
        "creditor_iban": "FR6430003000509825397888D64",
        "mandate_signature_date": "2022-12-01",
        "remittance_information": "Facture",
    }
    rows = [{**collection, "mandate_id": f"M-{i}"} for i in range(600)]
    created = call(invoke, "POST", "/collections/bulks", body={"collections": rows})
    assert created["statusCode"] == 200, created["body"]
    bulk_id = body_of(created)["id"]
    deliver(invoke, moto_resources, [receive_one(moto_resources)])
    assert cancel(invoke, bulk_id)["statusCode"] == 200
    drain_worker(invoke, moto_resources)
    bulk = body_of(call(invoke, "GET", f"/collections/bulks/{bulk_id}", resource="/collections/bulks/{id}"))
    done = bulk["collections_confirmed"] + bulk["collections_failed"]
    assert bulk["status"] == "completed" and bulk["canceled"] is True
    assert done == 500 and bulk["collections_canceled"] == 100


def test_cancel_while_chunks_are_in_flight_on_concurrent_workers(
    invoke: Invoke, moto_resources: MotoResources, demo_tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from debtload.domain import ingestion

    # Given a job of two chunks, and a worker slow enough to be caught mid-chunk
    job_id = queue_ingestion_job(invoke, 1000)
    started, times = threading.Event(), {}
    original = ingestion.NotesRowProcessor.process

    def slow(self: Any, job: Job, rows: Sequence[JobRow]) -> list[RowOutcome]:
        started.set()
        time.sleep(1.5)
        outcomes = original(self, job, rows)
        times["written"] = time.monotonic()
        return outcomes

    monkeypatch.setattr(ingestion.NotesRowProcessor, "process", slow)
    first, second = receive_one(moto_resources), receive_one(moto_resources)
    in_flight = threading.Thread(target=deliver, args=(invoke, moto_resources, [first]))
    in_flight.start()
    assert started.wait(10)

    # When the job is canceled while the first chunk is in flight, and the second chunk arrives at
    # another worker once the cancel is accepted
    answers: dict[str, Any] = {}

    def do_cancel() -> None:
        answers["cancel"] = cancel(invoke, job_id)
        times["returned"] = time.monotonic()

    canceling = threading.Thread(target=do_cancel)
    canceling.start()
    from debtload.adapters.dynamodb.jobs import DynamoJobStore
    from debtload.adapters.dynamodb.table import DynamoTable

    store = DynamoJobStore(DynamoTable(moto_resources.table_name))
    wait_for(lambda: (job := store.get_job(ADMIN.tenant_id, job_id)) and job.status.value == "canceled")
    late = threading.Thread(target=deliver, args=(invoke, moto_resources, [second]))
    late.start()
    for thread in (in_flight, canceling, late):
        thread.join(30)

    # Then the chunk in flight finished before the cancel answered, and the late one wrote nothing
    body = body_of(answers["cancel"])
    assert answers["cancel"]["statusCode"] == 200
    assert times["written"] < times["returned"]
    assert (body["rows_succeeded"], body["rows_skipped"]) == (500, 500)
    assert rows_written(invoke, job_id) == 500
    after = store.get_job(ADMIN.tenant_id, job_id)
    assert after is not None and (after.rows_succeeded, after.rows_failed, after.in_flight) == (
        500,
        0,
        frozenset(),
    )


def test_a_customers_file_canceled_cancels_its_call_run_and_refunds_its_credits(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from debtload.adapters import stepfunctions_starter
    from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
    from debtload.adapters.dynamodb.table import DynamoTable
    from debtload.domain.calls.dispatch import credits_of

    # The workflow's execution is started and has not run its batches yet (this suite has no state
    # machine: tests/integration/test_state_machine.py runs it).
    monkeypatch.setattr(stepfunctions_starter.StepFunctionsCallRunStarter, "start", lambda *_: None)

    # Given a customers file with calls, whose first chunk started a run, and a batch of that run
    # that reserved its credits and has not dialed yet
    campaign = call(invoke, "POST", "/campaigns", body={"name": "Relance", "service_type": "debt_collection"})
    campaign_id = body_of(campaign)["id"]
    lines = ["N° de prêt;Prénom;Nom;Portable;Montant du prêt;Date d'échéance;Statut"] + [
        f"LN-{i};Jean;Dupont;06{12000000 + i:08d};1250;05/04/2026;overdue" for i in range(600)
    ]
    key = f"imports/{demo_data}/customers/{campaign_id}/clients.csv"
    content = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    (result,) = drop(invoke, moto_resources, key, content, {"initiate-call": "true", "agent-id": "agent-7"})
    job_id = result["job_id"]
    deliver(invoke, moto_resources, [receive_one(moto_resources)])
    runs = DynamoCallRunStore(DynamoTable(moto_resources.table_name))
    (run_id,) = runs.runs_of_job(demo_data, job_id)
    assert (runs.get_run(demo_data, run_id) or {}).get("status") == "running"
    balance = runs.credit_balance(demo_data)
    batch = runs.get_batch(demo_data, run_id, 0)
    charges = {c["key"]: credits_of(c) for c in batch["customers"][:10]}
    assert runs.reserve_credits(demo_data, run_id, 0, charges)
    assert runs.credit_balance(demo_data) == balance - sum(charges.values())

    # When the file is canceled
    assert cancel(invoke, job_id)["statusCode"] == 200

    # Then the run is canceled, the credits are back, and dispatching the batch dials nobody
    assert runs.credit_balance(demo_data) == balance
    run = body_of(call(invoke, "GET", f"/call-runs/{run_id}", resource="/call-runs/{id}"))
    assert run["status"] == "canceled"
    dispatched = invoke(
        "CallsFunction", {"action": "dispatch", "tenantId": demo_data, "callRunId": run_id, "batchIndex": 0}
    )
    assert dispatched["initiated"] == 0 and dispatched.get("canceled") is True
    assert runs.credit_balance(demo_data) == balance


def test_a_file_canceled_while_it_is_read_stops_the_read_and_answers_its_final_counts(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from debtload.adapters.dynamodb.jobs import DynamoJobStore
    from debtload.adapters.dynamodb.table import DynamoTable
    from debtload.tasks import file_import

    # Given a debts file of 20,000 rows whose reader is caught after 6,000 rows, until a cancel lands
    total, caught_at = 20_000, 6_000
    lines = ["Prénom;Nom;Montant;Devise;Portable;Référence"] + [
        f"Jean;Dupont;{10 + i % 900};EUR;06{12000000 + i:08d};R-{i}" for i in range(total)
    ]
    key = f"imports/{demo_data}/debts/wrong-file.csv"
    store = DynamoJobStore(DynamoTable(moto_resources.table_name))
    caught = threading.Event()
    original = file_import._chain

    def slow_reader(first: JobRow, rest: Any) -> Any:
        for count, row in enumerate(original(first, rest), start=1):
            if count == caught_at:
                caught.set()
                wait_for(lambda: any(j.status.value == "canceled" for j in canceled_jobs()), timeout=20)
            yield row

    def canceled_jobs() -> list[Job]:
        return [j for j in (store.get_job(demo_data, i) for i in imports_job_ids()) if j is not None]

    def imports_job_ids() -> list[str]:
        listed = body_of(call(invoke, "GET", "/imports", resource="/imports"))["results"]
        return [str(i["job_id"]) for i in listed if i.get("job_id")]

    monkeypatch.setattr(file_import, "_chain", slow_reader)
    s3 = moto_resources.client("s3")
    body = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    put = s3.put_object(Bucket=moto_resources.bucket, Key=key, Body=body)
    from tests.integration.test_file_import import s3_event

    results: list[Any] = []
    reading = threading.Thread(
        target=lambda: results.append(
            invoke(
                "FileImportFunction", s3_event(moto_resources.bucket, key, put["ETag"].strip('"'), len(body))
            )
        )
    )
    reading.start()
    assert caught.wait(60)
    (job_id,) = imports_job_ids()
    import_id = body_of(call(invoke, "GET", "/imports", resource="/imports"))["results"][0]["import_id"]

    # When it is canceled while the file is still being read
    answer = cancel(invoke, job_id)

    # Then the read stops: the answer has the rows read so far as its total, all of them skipped, and
    # the import says canceled at once, with the same counts as long after
    assert answer["statusCode"] == 200, answer["body"]
    canceled = body_of(answer)
    assert canceled["status"] == "canceled"
    assert caught_at <= canceled["rows_total"] < total
    assert canceled["rows_skipped"] == canceled["rows_total"]
    imported = body_of(call(invoke, "GET", f"/imports/{import_id}", resource="/imports/{id}"))
    assert imported["status"] == "canceled"
    reading.join(60)
    assert results and results[0][0]["job_status"] == "canceled"
    drain_worker(invoke, moto_resources)
    after = store.get_job(demo_data, job_id)
    assert after is not None and after.in_flight == frozenset()
    assert (after.rows_total, after.rows_succeeded, after.rows_failed) == (canceled["rows_total"], 0, 0)
    later = body_of(call(invoke, "GET", f"/imports/{import_id}", resource="/imports/{id}"))
    assert later["status"] == "canceled" and later["rows_total"] == canceled["rows_total"]
    report = report_of(moto_resources, key)
    assert report["status"] == "canceled"
    assert report["counts"]["rows"] == canceled["rows_total"]
    # The header is line 1: the last row sent is the last line read
    assert report["read_stopped_at_line"] == report["counts"]["lines"] == canceled["rows_total"] + 1
