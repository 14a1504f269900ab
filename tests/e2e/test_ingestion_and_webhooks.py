"""Async jobs, signed webhooks and idempotency through the running stack: pollers, worker, webhooks fn."""

from __future__ import annotations

import http.server
import json
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from debtload.api import idempotency
from debtload.domain import webhooks
from tests.e2e.conftest import Running
from tests.helpers import wait_for

pytestmark = pytest.mark.e2e


def seed_rows(case_a: str, case_b: str) -> list[dict[str, Any]]:
    return [
        {
            "type": 0,
            "caseId": case_a,
            "description": "Contacted debtor by phone. Payment promised for 2026-02-15.",
            "eventDate": "2026-02-01T09:30:00Z",
            "externalRef": "CRM-NOTE-98765",
        },
        {
            "type": 0,
            "caseId": case_b,
            "description": "No answer. Left voicemail.",
            "eventDate": "2026-02-01T10:15:00Z",
        },
    ]


def make_cases(http: Any) -> tuple[str, str]:
    ids = []
    for n in (1, 2):
        created = http.post(
            "/cases", {"debtor_name": f"Debtor {n}", "reference": f"D-{n}", "amount": 100, "currency": "EUR"}
        )
        assert created.status == 201, created.body
        ids.append(created.json()["id"])
    return ids[0], ids[1]


def poll_job(http: Any, job_id: str) -> dict[str, Any]:
    return dict(
        wait_for(lambda: (s := http.get(f"/ingestion-jobs/{job_id}").json())["status"] >= 2 and s, timeout=30)
    )


class Receiver:
    """A webhook receiver on loopback that fails its first `failures` deliveries."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = 500 if len(receiver.received) <= receiver.failures else 204
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(failures=1)
    yield r
    r.server.shutdown()


def test_the_ingestion_jobs_example_then_signed_webhook_after_a_failed_delivery(
    local_stack: Running, receiver: Receiver
) -> None:
    # Given a tenant whose webhook receiver fails its first delivery, and two cases
    _, key = local_stack.tenant("Partner")
    http = local_stack.http(key)
    put = http.request("PUT", "/webhooks", {"url": receiver.url, "events": ["job.completed", "job.failed"]})
    assert put.status == 200, put.body
    secret = put.json()["secret"]
    case_a, case_b = make_cases(http)

    # When it submits the two notes as an ingestion job
    accepted = http.post("/ingestion-jobs", {"rows": seed_rows(case_a, case_b)})
    # Then the job completes, the notes are on the case, and the event arrives signed on the retry
    assert accepted.status == 202
    job_id = accepted.json()["jobId"]
    assert accepted.json()["rowsQueued"] == 2
    assert poll_job(http, job_id) == {"status": 2, "rowsTotal": 2, "rowsSucceeded": 2, "rowsFailed": 0}
    notes = http.get(f"/cases/{case_a}/notes").json()["results"]
    assert [n["externalRef"] for n in notes] == ["CRM-NOTE-98765"]

    # The receiver fails the first delivery; SQS brings the event back after the backoff.
    wait_for(lambda: len(receiver.received) >= 2, timeout=30)
    headers, body = receiver.received[-1]
    event = json.loads(body)
    assert event["type"] == "job.completed" and event["data"]["job_id"] == job_id
    assert webhooks.verify_signature(secret, headers["Debtload-Signature"], body)
    assert receiver.received[0][1] == body  # the retry is the same event
    time.sleep(1.5)
    assert len(receiver.received) == 2  # delivered once it succeeded, not again


def test_unknown_case_ends_completed_with_errors_with_the_reason_listed(local_stack: Running) -> None:
    # Given one known case and one unknown
    _, key = local_stack.tenant("Partner2")
    http = local_stack.http(key)
    case_a, _ = make_cases(http)
    # When a job carries a note for each
    job_id = http.post("/ingestion-jobs", {"rows": seed_rows(case_a, str(uuid.uuid4()))}).json()["jobId"]
    # Then it ends completed with errors, and the failed row says why, in JSON and in CSV
    assert poll_job(http, job_id) == {"status": 3, "rowsTotal": 2, "rowsSucceeded": 1, "rowsFailed": 1}
    failed = http.get(f"/jobs/{job_id}/rows?status=failed").json()["results"]
    assert [(r["row"], r["error"]) for r in failed] == [(1, "case not found")]
    csv_export = http.get(f"/jobs/{job_id}/rows?status=failed", headers={"Accept": "text/csv"})
    assert csv_export.headers["Content-Type"].startswith("text/csv") and csv_export.body.startswith(
        b"\xef\xbb\xbf"
    )


def test_ingestion_400s_and_404s_through_http(local_stack: Running) -> None:
    _, key = local_stack.tenant("Partner3")
    http = local_stack.http(key)
    row = seed_rows(str(uuid.uuid4()), str(uuid.uuid4()))[1]
    for body, message in (
        ({"rows": []}, "At least one row is required"),
        ({"rows": [row] * 1001}, "Batch limit exceeded"),
        ({"rows": [{**row, "type": 3}]}, "Event type not currently supported"),
    ):
        response = http.post("/ingestion-jobs", body)
        assert response.status == 400 and response.json()["message"] == message
    assert http.post("/ingestion-jobs", raw=b'{"rows": [').status == 400
    missing = http.get(f"/ingestion-jobs/{uuid.uuid4()}")
    assert missing.status == 404 and missing.json()["message"] == "Job not found"
    _, other_key = local_stack.tenant("Other")
    case_a, case_b = make_cases(http)
    job_id = http.post("/ingestion-jobs", {"rows": seed_rows(case_a, case_b)}).json()["jobId"]
    assert local_stack.http(other_key).get(f"/ingestion-jobs/{job_id}").status == 404


def test_idempotency_replay_409_and_422_through_http(local_stack: Running) -> None:
    tenant_id, key = local_stack.tenant("Idem")
    http = local_stack.http(key)
    body = {"debtor_name": "Paul Martin", "reference": "IDEM-1", "amount": 42, "currency": "EUR"}
    # When a request is sent twice with one key, then with the key and another body
    first = http.post("/cases", body, headers={"Idempotency-Key": "k-1"})
    replay = http.post("/cases", body, headers={"Idempotency-Key": "k-1"})
    # Then the second is a replay and the third a 422
    assert first.status == replay.status == 201 and first.json() == replay.json()
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert http.post("/cases", {**body, "amount": 43}, headers={"Idempotency-Key": "k-1"}).status == 422

    # A first request still in flight: its record is INPROGRESS, so the retry must wait (409).
    in_flight = {**body, "reference": "IDEM-2"}
    # (The stack points this process's AWS clients at its moto endpoint.)
    persistence = idempotency.persistence_for(local_stack.stack.resource_name("Table"), tenant_id)
    persistence.configure(idempotency.config_for(None), key_prefix=idempotency.KEY_PREFIX)
    persistence.save_inprogress(idempotency.request_data("POST /cases", "k-2", in_flight))
    busy = http.post("/cases", in_flight, headers={"Idempotency-Key": "k-2"})
    assert busy.status == 409 and busy.json()["code"] == "conflict"


def test_ten_concurrent_ingestion_jobs_end_exact_with_one_webhook_each(local_stack: Running) -> None:
    """Workers run up to MaximumConcurrency chunks at once, so chunks of one job finish together."""
    # Given a receiver that takes every delivery
    receiver = Receiver(failures=0)
    try:
        _, key = local_stack.tenant("Concurrent jobs")
        http = local_stack.http(key)
        assert (
            http.request("PUT", "/webhooks", {"url": receiver.url, "events": ["job.completed"]}).status == 200
        )
        case_id, _ = make_cases(http)

        def submit(job: int) -> str:
            rows = [
                {
                    "type": 0,
                    "caseId": case_id,
                    "description": f"Job {job} note {n}",
                    "eventDate": "2026-02-01T09:30:00Z",
                    "externalRef": f"J{job}-N{n}",
                }
                for n in range(1000)
            ]
            accepted = http.post("/ingestion-jobs", {"rows": rows})
            assert accepted.status == 202, accepted.body
            return str(accepted.json()["jobId"])

        # When ten jobs of 1,000 notes are submitted at once
        with ThreadPoolExecutor(max_workers=10) as pool:
            job_ids = list(pool.map(submit, range(10)))
        # Then each ends with exact counts, and each sends one job.completed webhook
        for job_id in job_ids:
            final = wait_for(
                lambda job_id=job_id: (
                    (s := http.get(f"/ingestion-jobs/{job_id}").json())["status"] >= 2 and s
                ),
                timeout=300,
            )
            assert final == {"status": 2, "rowsTotal": 1000, "rowsSucceeded": 1000, "rowsFailed": 0}

        def completed_events() -> list[str]:
            events = [json.loads(body) for _, body in receiver.received]
            return [e["data"]["job_id"] for e in events if e["type"] == "job.completed"]

        wait_for(lambda: set(completed_events()) >= set(job_ids), timeout=60)
        time.sleep(2)  # a second event would come by now
        events = [json.loads(body) for _, body in receiver.received]
        pairs = sorted((e["data"]["job_id"], e["id"]) for e in events if e["type"] == "job.completed")
        assert sorted(completed_events()) == sorted(job_ids), pairs
    finally:
        receiver.server.shutdown()
