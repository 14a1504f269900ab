"""10,000 customers in one POST /customers/add/bulk through the ApiFunction handler (docs/performance.md: at
most 1 s of handler time, at 8 ms a DynamoDB call as at 0, and 200 MB peak memory), DynamoDB at the
loopback stub, so the figure is our code plus botocore, not moto's backend. Floor: normalize_phone on the
10,000 rows + the round trips it waits for in a row × the latency."""

from __future__ import annotations

import json
import random
import resource
import tracemalloc
from typing import Any

from benchmarks.common import Result, batch_concurrency, dynamodb_floor, measure, round_trip_budget
from benchmarks.dynamo_stub import bench_latencies_ms, latency_label, loopback_dynamodb

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
    return [_at_latency(latency) for latency in bench_latencies_ms()]


def _at_latency(latency_ms: float) -> Result:
    from debtload.domain.tenants import Principal
    from debtload.scopes import ALL_SCOPES
    from devstack.functions import FunctionRunner
    from devstack.template import LocalStackTemplate
    from tests.helpers import api_event

    campaign = {f"CAMPAIGN#{CAMPAIGN}": _CAMPAIGN_ITEM}
    with loopback_dynamodb(campaign, latency_ms=latency_ms) as dynamo:
        template = LocalStackTemplate()
        runner = FunctionRunner(template, dynamo.endpoint)
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

        one_request()
        dynamo.reset_calls()
        # A request at 8 ms a call takes seconds: fewer samples there.
        samples = measure(one_request, repeat=7 if not latency_ms else 3, warmup=0)
        calls = {op: n // len(samples) for op, n in sorted(dynamo.calls().items())}
        round_trips = sum(calls.values())
        tracemalloc.start()
        one_request()
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results = json.loads(responses[-1]["body"])["results"]
        floor, note = dynamodb_floor(RECORDS, calls, latency_ms, batch_concurrency())
        return Result(
            f"10,000 customers, one request ({latency_label(latency_ms)})",
            samples,
            budget_ms=1000,
            rows=RECORDS,
            floor_ms=floor,
            floor_note=note,
            round_trips=round_trips,
            round_trip_budget=round_trip_budget(RECORDS),
            peak_mb=round(traced_peak / 2**20, 1),  # Python allocations (tracemalloc)
            memory_budget_mb=200,
            extra={
                "dynamodb_calls_per_request": calls,
                "request_body_bytes": body_bytes,
                "batches_processed": results["batchesProcessed"],
                "process_max_rss_mb": round(max_rss_mb, 1),
            },
        )
