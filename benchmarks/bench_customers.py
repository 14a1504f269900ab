"""10,000 customers in one POST /customers/add/bulk through the ApiFunction handler (DESIGN §6: at most
1 s of handler time and 200 MB peak memory), DynamoDB reached over loopback at a stub that answers
at once, so the figure is our code plus botocore, not moto's backend."""

from __future__ import annotations

import json
import os
import random
import resource
import socket
import threading
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from benchmarks.common import Result, measure

RECORDS = 10_000
TENANT = "bench-tenant"
CAMPAIGN = "bench-campaign"
_CAMPAIGN_ITEM = {
    "PK": {"S": f"TENANT#{TENANT}"},
    "SK": {"S": f"CAMPAIGN#{CAMPAIGN}"},
    "name": {"S": "Bench"},
    "service_type": {"S": "debt_collection"},
    "accept_expensive_destination": {"BOOL": False},
    "default_country": {"S": "FR"},
    "created_at": {"S": "2026-01-01T00:00:00+00:00"},
}


class _DynamoStub(BaseHTTPRequestHandler):
    """Speaks just enough of the DynamoDB JSON protocol: every write succeeds, the campaign exists."""

    protocol_version = "HTTP/1.1"
    batch_writes = 0

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle and delayed ACKs add ~40 ms a call.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        request = json.loads(self.rfile.read(length) or b"{}")
        operation = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
        answer: dict[str, Any] = {}
        if operation == "BatchWriteItem":
            type(self).batch_writes += 1
            answer = {"UnprocessedItems": {}}
        elif operation == "UpdateItem":
            answer = {"Attributes": {"hits": {"N": "1"}}}
        elif operation == "GetItem" and request.get("Key", {}).get("SK", {}).get("S", "").startswith(
            "CAMPAIGN#"
        ):
            answer = {"Item": _CAMPAIGN_ITEM}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


def realistic_records(count: int, seed: int = 11) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    # Mainland mobiles (0640-0689; 0639 and 069x are overseas), spaced as people type them, so the run is a 201.
    phones = [
        f"06 {rng.randint(40, 89)} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
        for _ in range(count)
    ]
    first = ["Jean", "Marie", "Luc", "Sophie", "Karim", "Nadia", "Paul", "Claire"]
    last = ["Dupont", "Martin", "Bernard", "Petit", "Moreau", "Laurent", "Garcia"]
    return [
        {
            "loan_id": f"LN-2026-{i:06d}",
            "first_name": rng.choice(first),
            "last_name": rng.choice(last),
            "phone_number": phones[i],
            "loan_amount": round(rng.uniform(500, 50_000), 2),
            "emi_amount": round(rng.uniform(50, 2_000), 2),
            "loan_period": rng.choice([12, 24, 36, 48, 60]),
            "current_emi": rng.randint(1, 12),
            "emi_due_date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "payment_status": rng.choice(["current", "overdue", "defaulted"]),
            "language": "fr",
        }
        for i in range(count)
    ]


def run() -> list[Result]:
    from debtload.adapters import aws
    from debtload.domain.tenants import Principal
    from debtload.scopes import ALL_SCOPES
    from devstack.functions import FunctionRunner
    from devstack.template import LocalStackTemplate
    from tests.helpers import api_event

    server = ThreadingHTTPServer(("127.0.0.1", 0), _DynamoStub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    saved = dict(os.environ)
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }
    )
    aws.reset_clients()
    try:
        template = LocalStackTemplate()
        runner = FunctionRunner(template, endpoint)
        handler = runner.handler("ApiFunction")
        principal = Principal(TENANT, "key_bench", frozenset(ALL_SCOPES))
        body = {"campaignId": CAMPAIGN, "records": realistic_records(RECORDS)}
        event = api_event("POST", "/customers/add/bulk", body=body, principal=principal)
        body_bytes = len(event["body"])
        responses: list[dict[str, Any]] = []

        def one_request() -> None:
            response = handler(event, runner.context("ApiFunction"))
            assert response["statusCode"] == 201, response["body"][:300]
            responses.append(response)

        _DynamoStub.batch_writes = 0
        samples = measure(one_request, repeat=7)
        writes_per_request = _DynamoStub.batch_writes // 8
        tracemalloc.start()
        one_request()
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results = json.loads(responses[-1]["body"])["results"]
        return [
            Result(
                "customers/add/bulk, 10,000 records, handler (loopback DynamoDB)",
                samples,
                budget_ms=1000,
                rows=RECORDS,
                extra={
                    "request_body_bytes": body_bytes,
                    "batch_write_calls_per_request": writes_per_request,
                    "batches_processed": results["batchesProcessed"],
                    "peak_python_allocations_mb (tracemalloc, budget 200)": round(traced_peak / 2**20, 1),
                    "process_max_rss_mb": round(max_rss_mb, 1),
                },
            )
        ]
    finally:
        server.shutdown()
        os.environ.clear()
        os.environ.update(saved)
        aws.reset_clients()
