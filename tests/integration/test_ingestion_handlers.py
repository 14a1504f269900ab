"""The Ingestion Jobs API through the real handlers with moto: cases, sync notes, ingestion jobs,
rows export."""

from __future__ import annotations

import base64
import csv
import io
import json
import uuid
from typing import Any

import pytest

from debtload.domain.tenants import Principal
from tests.conftest import MotoResources
from tests.helpers import ADMIN, OTHER, body_of, call, drain_worker
from tests.integration.conftest import Invoke

CASE_A = "123e4567-e89b-12d3-a456-426614174000"
CASE_B = "456e4567-e89b-12d3-a456-426614174001"
SEED_ROWS = [
    {
        "type": 0,
        "caseId": CASE_A,
        "description": "Contacted debtor by phone. Payment promised for 2026-02-15.",
        "eventDate": "2026-02-01T09:30:00Z",
        "externalRef": "CRM-NOTE-98765",
    },
    {
        "type": 0,
        "caseId": CASE_B,
        "description": "No answer. Left voicemail.",
        "eventDate": "2026-02-01T10:15:00Z",
    },
]


def make_case(invoke: Invoke, case_id: str, principal: Principal = ADMIN) -> dict[str, Any]:
    body = {
        "id": case_id,
        "debtor_name": "Jean Dupont",
        "reference": "DOS-1",
        "amount": "1250.50",
        "currency": "eur",
    }
    response = call(invoke, "POST", "/cases", principal, body=body)
    assert response["statusCode"] == 201, response["body"]
    return body_of(response)


def test_case_create_read_and_tenant_isolation(invoke: Invoke, demo_tenant: str) -> None:
    created = make_case(invoke, CASE_A)
    assert created["id"] == CASE_A and created["currency"] == "EUR" and created["amount"] == 1250.5
    assert body_of(call(invoke, "GET", f"/cases/{CASE_A}", resource="/cases/{id}"))["reference"] == "DOS-1"
    assert call(invoke, "GET", f"/cases/{CASE_A}", OTHER, resource="/cases/{id}")["statusCode"] == 404
    assert (
        call(
            invoke,
            "POST",
            "/cases",
            body={"id": CASE_A, "debtor_name": "x", "reference": "y", "amount": 1, "currency": "EUR"},
        )["statusCode"]
        == 409
    )
    bad = call(
        invoke,
        "POST",
        "/cases",
        body={"debtor_name": "x", "reference": "y", "amount": -5, "currency": "EURO"},
    )
    assert bad["statusCode"] == 400
    assert set(body_of(bad)["details"]) == {"amount", "currency"}


def test_sync_notes_newest_first_with_cursor_and_external_ref_dedupe(
    invoke: Invoke, demo_tenant: str
) -> None:
    make_case(invoke, CASE_A)
    path, resource = f"/cases/{CASE_A}/notes", "/cases/{id}/notes"
    for day in (1, 3, 2):
        note = {
            "description": f"day {day}",
            "eventDate": f"2026-02-0{day}T09:00:00Z",
            "externalRef": f"R{day}",
        }
        assert call(invoke, "POST", path, body=note, resource=resource)["statusCode"] == 201
    again = call(
        invoke, "POST", path, body={"description": "day 1 again", "externalRef": "R1"}, resource=resource
    )
    assert again["statusCode"] == 200 and body_of(again)["duplicate"] is True
    first = body_of(call(invoke, "GET", path, query={"limit": "2"}, resource=resource))
    assert [n["description"] for n in first["results"]] == ["day 3", "day 2"]
    rest = body_of(
        call(invoke, "GET", path, query={"limit": "2", "cursor": first["next_cursor"]}, resource=resource)
    )
    assert [n["description"] for n in rest["results"]] == ["day 1"]
    future = call(
        invoke,
        "POST",
        path,
        body={"description": "later", "eventDate": "2999-01-01T00:00:00Z"},
        resource=resource,
    )
    assert future["statusCode"] == 400 and "future" in json.dumps(body_of(future))
    missing = call(
        invoke, "POST", f"/cases/{uuid.uuid4()}/notes", body={"description": "x"}, resource=resource
    )
    assert missing["statusCode"] == 404


def test_seed_example_job_completes_and_notes_appear(
    invoke: Invoke, moto_resources: MotoResources, demo_tenant: str
) -> None:
    make_case(invoke, CASE_A)
    make_case(invoke, CASE_B)
    accepted = call(invoke, "POST", "/ingestion-jobs", body={"rows": SEED_ROWS})
    assert accepted["statusCode"] == 202
    job = body_of(accepted)
    assert job["rowsQueued"] == 2 and uuid.UUID(job["jobId"])
    status_path = f"/ingestion-jobs/{job['jobId']}"
    assert body_of(call(invoke, "GET", status_path, resource="/ingestion-jobs/{jobId}"))["status"] == 0

    drain_worker(invoke, moto_resources)

    status = body_of(call(invoke, "GET", status_path, resource="/ingestion-jobs/{jobId}"))
    assert status == {"status": 2, "rowsTotal": 2, "rowsSucceeded": 2, "rowsFailed": 0}
    notes_a = body_of(call(invoke, "GET", f"/cases/{CASE_A}/notes", resource="/cases/{id}/notes"))["results"]
    assert [n["externalRef"] for n in notes_a] == ["CRM-NOTE-98765"]
    # Re-sending the same CRM export creates no second note, and its row still succeeds.
    again = body_of(call(invoke, "POST", "/ingestion-jobs", body={"rows": SEED_ROWS[:1]}))
    drain_worker(invoke, moto_resources)
    assert (
        body_of(call(invoke, "GET", f"/ingestion-jobs/{again['jobId']}", resource="/ingestion-jobs/{jobId}"))[
            "status"
        ]
        == 2
    )
    assert (
        len(body_of(call(invoke, "GET", f"/cases/{CASE_A}/notes", resource="/cases/{id}/notes"))["results"])
        == 1
    )


def test_row_failures_end_completed_with_errors_and_are_listed(
    invoke: Invoke, moto_resources: MotoResources, demo_tenant: str
) -> None:
    make_case(invoke, CASE_A)
    make_case(invoke, CASE_B, OTHER)  # exists, but for another tenant: must read as not found
    rows = [
        SEED_ROWS[0],
        {**SEED_ROWS[1]},
        {"type": 0, "caseId": "not-a-uuid", "description": "x"},
        {"type": 0, "caseId": CASE_A, "description": ""},
        {"type": 0, "caseId": CASE_A, "description": "x" * 10_001},
        {"type": 0, "caseId": CASE_A, "description": "late", "eventDate": "2999-01-01T00:00:00Z"},
        {
            "type": 0,
            "caseId": CASE_A,
            "description": '=HYPERLINK("http://evil")',
            "eventDate": "2999-01-01T00:00:00Z",
        },
    ]
    job = body_of(call(invoke, "POST", "/ingestion-jobs", body={"rows": rows}))
    drain_worker(invoke, moto_resources)
    status = body_of(
        call(invoke, "GET", f"/ingestion-jobs/{job['jobId']}", resource="/ingestion-jobs/{jobId}")
    )
    assert status == {"status": 3, "rowsTotal": 7, "rowsSucceeded": 1, "rowsFailed": 6}

    failed = body_of(
        call(
            invoke,
            "GET",
            f"/jobs/{job['jobId']}/rows",
            query={"status": "failed"},
            resource="/jobs/{id}/rows",
        )
    )
    errors = {r["row"]: r["error"] for r in failed["results"]}
    assert errors[1] == "case not found"
    assert "UUID" in errors[2] and "empty" in errors[3] and "10000" in errors[4] and "future" in errors[5]

    exported = call(
        invoke,
        "GET",
        f"/jobs/{job['jobId']}/rows",
        query={"status": "failed"},
        headers={"Accept": "text/csv"},
        resource="/jobs/{id}/rows",
    )
    assert exported["statusCode"] == 200 and exported["body"].startswith("\ufeff")
    table = list(csv.DictReader(io.StringIO(exported["body"].lstrip("\ufeff"))))
    assert {"type", "caseId", "description", "row", "error"} <= set(table[0])
    assert table[-1]["description"].startswith("'=")  # formula neutralised
    other = call(invoke, "GET", f"/jobs/{job['jobId']}/rows", OTHER, resource="/jobs/{id}/rows")
    assert other["statusCode"] == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"rows": []}, "At least one row is required"),
        ({"rows": [SEED_ROWS[1]] * 1001}, "Batch limit exceeded"),
        ({"rows": [{**SEED_ROWS[1], "type": 1}]}, "Event type not currently supported"),
        ({"rows": [{**SEED_ROWS[1], "type": False}]}, "Event type not currently supported"),
        ({"rows": "nope"}, "rows array"),
        ({"rows": [1, 2]}, "Malformed rows"),
    ],
)
def test_envelope_errors_are_400(invoke: Invoke, demo_tenant: str, body: Any, message: str) -> None:
    response = call(invoke, "POST", "/ingestion-jobs", body=body)
    assert response["statusCode"] == 400
    assert message in body_of(response)["message"]


def test_unknown_or_foreign_job_is_404_job_not_found(invoke: Invoke, demo_tenant: str) -> None:
    make_case(invoke, CASE_A)
    job = body_of(call(invoke, "POST", "/ingestion-jobs", body={"rows": SEED_ROWS[:1]}))
    for principal, job_id in ((ADMIN, str(uuid.uuid4())), (OTHER, job["jobId"])):
        response = call(
            invoke, "GET", f"/ingestion-jobs/{job_id}", principal, resource="/ingestion-jobs/{jobId}"
        )
        assert response["statusCode"] == 404 and body_of(response)["message"] == "Job not found"


def test_dry_run_reports_rows_and_writes_nothing(
    invoke: Invoke, moto_resources: MotoResources, demo_tenant: str
) -> None:
    make_case(invoke, CASE_A)
    response = call(invoke, "POST", "/ingestion-jobs", body={"rows": SEED_ROWS}, query={"dry_run": "true"})
    assert response["statusCode"] == 200 and response["multiValueHeaders"]["Dry-Run"] == ["true"]
    report = body_of(response)
    assert report["dryRun"] is True and [r["ok"] for r in report["rows"]] == [True, False]
    assert drain_worker(invoke, moto_resources) == 0
    note = call(
        invoke,
        "POST",
        f"/cases/{CASE_A}/notes",
        body={"description": "x"},
        query={"dry_run": "true"},
        resource="/cases/{id}/notes",
    )
    assert note["statusCode"] == 201
    assert (
        body_of(call(invoke, "GET", f"/cases/{CASE_A}/notes", resource="/cases/{id}/notes"))["results"] == []
    )


def test_idempotency_key_replays_refuses_other_bodies_and_skips_400s(
    invoke: Invoke, demo_tenant: str
) -> None:
    body = {"debtor_name": "Marie Curie", "reference": "DOS-9", "amount": 10, "currency": "EUR"}
    headers = {"Idempotency-Key": "create-case-9"}
    first = call(invoke, "POST", "/cases", body=body, headers=headers)
    replay = call(invoke, "POST", "/cases", body=body, headers=headers)
    assert first["statusCode"] == replay["statusCode"] == 201
    assert body_of(first) == body_of(replay)
    assert replay["multiValueHeaders"]["Idempotent-Replayed"] == ["true"]
    assert "Idempotent-Replayed" not in first["multiValueHeaders"]
    other = call(invoke, "POST", "/cases", body={**body, "amount": 11}, headers=headers)
    assert other["statusCode"] == 422

    bad = {**body, "currency": "XYZ"}
    key = {"Idempotency-Key": "bad-then-fixed"}
    assert call(invoke, "POST", "/cases", body=bad, headers=key)["statusCode"] == 400
    # The 400 was not stored: the same key with the fixed body is a first call, not a 422.
    assert (
        call(invoke, "POST", "/cases", body=body | {"reference": "DOS-10"}, headers=key)["statusCode"] == 201
    )


def test_in_flight_key_is_409(invoke: Invoke, moto_resources: MotoResources, demo_tenant: str) -> None:
    from debtload.api.idempotency import run_idempotently
    from debtload.domain.errors import Conflict

    def nested() -> dict[str, Any]:
        run_idempotently(
            table_name=moto_resources.table_name,
            tenant_id="demo-tenant",
            key="k",
            route="POST /cases",
            body={"a": 1},
            context=None,
            operation=lambda: {"status": 201, "body": {}},
        )
        return {"status": 201, "body": {}}

    with pytest.raises(Conflict):
        run_idempotently(
            table_name=moto_resources.table_name,
            tenant_id="demo-tenant",
            key="k",
            route="POST /cases",
            body={"a": 1},
            context=None,
            operation=nested,
        )


def test_batch_routes_are_rate_limited_with_headers(
    invoke: Invoke, moto_resources: MotoResources, demo_tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_case(invoke, CASE_A)
    limit = int(moto_resources.template.parameters["BatchRateLimitPerHour"])
    for i in range(limit):
        ok = call(invoke, "POST", "/ingestion-jobs", body={"rows": SEED_ROWS[:1]}, query={"dry_run": "true"})
        assert ok["statusCode"] == 200, i
    assert ok["multiValueHeaders"]["RateLimit-Limit"] == [str(limit)]
    assert ok["multiValueHeaders"]["RateLimit-Remaining"] == ["0"]
    limited = call(invoke, "POST", "/ingestion-jobs", body={"rows": SEED_ROWS[:1]})
    assert limited["statusCode"] == 429
    assert int(limited["headers"]["Retry-After"]) > 0 and body_of(limited)["code"] == "rate_limited"
    # Other routes have their own, larger budget.
    assert call(invoke, "GET", "/credits")["statusCode"] == 200


def deliver_until_done(invoke: Invoke, resources: MotoResources, rounds: int = 8) -> None:
    """The SQS event sources as on AWS: a failed record comes back, and after JobMaxReceiveCount
    receives it moves to the dead-letter queue, which the worker consumes too."""
    sqs = resources.client("sqs")
    limit = int(resources.template.parameters["JobMaxReceiveCount"])
    receives: dict[str, int] = {}
    dead: list[dict[str, Any]] = []
    for _ in range(rounds):
        url = resources.queue_url("JobQueue")
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get(
            "Messages", []
        )
        if not messages and not dead:
            return
        for source, batch in (("JobQueue", messages), ("JobDeadLetterQueue", dead)):
            if not batch:
                continue
            records = [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m.get("ReceiptHandle", ""),
                    "body": m["Body"],
                    "eventSource": "aws:sqs",
                    "eventSourceARN": resources.template.arn(source),
                }
                for m in batch
            ]
            failures = {
                f["itemIdentifier"]
                for f in invoke("WorkerFunction", {"Records": records})["batchItemFailures"]
            }
            if source == "JobDeadLetterQueue":
                dead = [m for m in batch if m["MessageId"] in failures]
                continue
            for m in batch:
                receives[m["MessageId"]] = receives.get(m["MessageId"], 0) + 1
                if m["MessageId"] not in failures or receives[m["MessageId"]] >= limit:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                    if m["MessageId"] in failures:
                        dead.append(m)


def test_a_500_kb_note_row_fails_alone_and_the_job_ends_completed_with_errors(
    invoke: Invoke, moto_resources: MotoResources, demo_tenant: str
) -> None:
    make_case(invoke, CASE_A)
    rows = [{"type": 0, "caseId": CASE_A, "description": f"note {i}"} for i in range(1000)]
    rows[417] = {"type": 0, "caseId": CASE_A, "description": "x" * 500_000}
    accepted = call(invoke, "POST", "/ingestion-jobs", body={"rows": rows})
    assert accepted["statusCode"] == 202
    job_id = body_of(accepted)["jobId"]

    deliver_until_done(invoke, moto_resources)

    status = body_of(call(invoke, "GET", f"/ingestion-jobs/{job_id}", resource="/ingestion-jobs/{jobId}"))
    assert status == {"status": 3, "rowsTotal": 1000, "rowsSucceeded": 999, "rowsFailed": 1}
    (failed,) = body_of(
        call(invoke, "GET", f"/jobs/{job_id}/rows", query={"status": "failed"}, resource="/jobs/{id}/rows")
    )["results"]
    assert failed["row"] == 417 and failed["truncated"] is True
    assert failed["error"] == (
        "description is 500,000 characters (500,000 bytes); at most 10000 characters are accepted"
    )
    assert "truncated: 500,000 bytes" in failed["data"]["description"]


def test_idempotency_key_is_scoped_to_the_resolved_path(invoke: Invoke, demo_tenant: str) -> None:
    """Issue 13, defect 10: the same key and body on two cases' notes write two notes."""
    make_case(invoke, CASE_A)
    make_case(invoke, CASE_B)
    note = {"description": "Called, no answer", "eventDate": "2026-02-01T09:00:00Z"}
    headers = {"Idempotency-Key": "note-1"}
    for case_id in (CASE_A, CASE_B):
        response = call(
            invoke,
            "POST",
            f"/cases/{case_id}/notes",
            body=note,
            headers=headers,
            resource="/cases/{id}/notes",
        )
        assert response["statusCode"] == 201, response["body"]
        assert "Idempotent-Replayed" not in response["multiValueHeaders"]
    for case_id in (CASE_A, CASE_B):
        listed = call(invoke, "GET", f"/cases/{case_id}/notes", resource="/cases/{id}/notes")
        assert [n["description"] for n in body_of(listed)["results"]] == ["Called, no answer"]


def _forged(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def test_a_forged_notes_cursor_is_a_400_not_a_500(invoke: Invoke, demo_tenant: str) -> None:
    make_case(invoke, CASE_A)
    make_case(invoke, CASE_B)
    resource = "/cases/{id}/notes"
    for day in (1, 2, 3):
        note = {"description": f"day {day}", "eventDate": f"2026-02-0{day}T09:00:00Z"}
        for case in (CASE_A, CASE_B):
            call(invoke, "POST", f"/cases/{case}/notes", body=note, resource=resource)
    page_of_b = body_of(
        call(invoke, "GET", f"/cases/{CASE_B}/notes", query={"limit": "1"}, resource=resource)
    )
    real = json.loads(base64.urlsafe_b64decode(page_of_b["next_cursor"]))
    forged = [
        "garbage",
        "@@@@",
        _forged([1, 2]),
        _forged({"x": 1}),
        _forged({**real, "GSI1SK": 5}),
        _forged({key: value for key, value in real.items() if key != "PK"}),
        page_of_b["next_cursor"],  # another case's cursor, replayed on case A
    ]
    for cursor in forged:
        response = call(invoke, "GET", f"/cases/{CASE_A}/notes", query={"cursor": cursor}, resource=resource)
        assert response["statusCode"] == 400, (cursor, response["statusCode"], response["body"][:200])
        payload = body_of(response)
        assert (
            payload["error"] is True
            and payload["message"] == "Invalid cursor"
            and "cursor" in payload["details"]
        )
    assert (
        call(
            invoke,
            "GET",
            f"/cases/{CASE_B}/notes",
            query={"cursor": page_of_b["next_cursor"]},
            resource=resource,
        )["statusCode"]
        == 200
    )
