"""POST /debts/batch with 1,000 realistic debts through the ApiFunction handler, DynamoDB at the loopback
stub answering after each latency (docs/performance.md: handler time at most 80 ms at 0 ms and 120 ms at
8 ms; DynamoDB round trips at most ceil(created/25) + a constant). Floor: normalize_phone on the 1,000
rows + the round trips it waits for in a row × the latency."""

from __future__ import annotations

import json
import random
from typing import Any

from benchmarks.common import Result, batch_concurrency, dynamodb_floor, measure, round_trip_budget
from benchmarks.dynamo_stub import bench_latencies_ms, latency_label, loopback_dynamodb

DEBTS = 1000
BUDGET_MS = {0.0: 80.0, 8.0: 120.0}  # handler time, by DynamoDB latency; none at other latencies
TENANT = "bench-tenant"


def realistic_debts(count: int, seed: int = 5) -> list[dict[str, Any]]:
    """A CRM export: every debt has a reference (the upsert key), most a civility, an email, dates."""
    rng = random.Random(seed)
    first = [("Jean", "M."), ("Marie", "Mme"), ("Luc", "M."), ("Sophie", "Mme"), ("Karim", "M.")]
    last = ["Dupont", "Martin", "Bernard", "Petit", "Moreau", "Laurent", "Garcia"]
    debts = []
    for i in range(count):
        name, civility = rng.choice(first)
        surname = rng.choice(last)
        debts.append(
            {
                "temp_id": f"row-{i}",
                "internal_id": f"INV-2026-{i:06d}",
                "civility": civility,
                "firstname": name,
                "lastname": surname,
                "phone": f"06 {rng.randint(40, 89)} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d} "
                f"{rng.randint(0, 99):02d}",
                "email": f"{name.lower()}.{surname.lower()}{i}@example.fr",
                "amount": f"{rng.uniform(50, 5_000):.2f}",
                "currency": "EUR",
                "invoice_date": f"2026-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}",
                "due_date": f"2026-{rng.randint(7, 12):02d}-{rng.randint(1, 28):02d}",
                "object": f"Facture F-2026-{i:05d}",
                "postal_code": f"{rng.randint(1000, 95999):05d}",
                "city": "Lyon",
            }
        )
    return debts


def run() -> list[Result]:
    return [_at_latency(latency) for latency in bench_latencies_ms()]


def _at_latency(latency_ms: float) -> Result:
    from debtload.domain.tenants import Principal
    from debtload.scopes import ALL_SCOPES
    from devstack.functions import FunctionRunner
    from devstack.template import LocalStackTemplate
    from tests.helpers import api_event

    with loopback_dynamodb(latency_ms=latency_ms) as dynamo:
        runner = FunctionRunner(LocalStackTemplate(), dynamo.endpoint)
        handler = runner.handler("ApiFunction")
        principal = Principal(TENANT, "key_bench", frozenset(ALL_SCOPES))
        event = api_event("POST", "/debts/batch", body={"debts": realistic_debts(DEBTS)}, principal=principal)
        summaries: list[dict[str, Any]] = []

        def one_request() -> None:
            response = handler(event, runner.context("ApiFunction"))
            assert response["statusCode"] == 200, response["body"][:300]
            summaries.append(json.loads(response["body"])["data"]["summary"])

        one_request()  # warm: the civility dictionary and botocore's models load once per process
        dynamo.reset_calls()
        samples = measure(one_request, repeat=9, warmup=0)
        calls = {op: n // len(samples) for op, n in sorted(dynamo.calls().items())}
        round_trips = sum(calls.values())
        created = summaries[-1]["created"]
        assert created == DEBTS, summaries[-1]
        floor, note = dynamodb_floor(DEBTS, calls, latency_ms, batch_concurrency())
        return Result(
            f"1,000-debt batch ({latency_label(latency_ms)})",
            samples,
            budget_ms=BUDGET_MS.get(latency_ms),
            rows=DEBTS,
            floor_ms=floor,
            floor_note=note,
            round_trips=round_trips,
            round_trip_budget=round_trip_budget(created, upserts=created),
            extra={
                "dynamodb_calls_per_request": calls,
                "request_body_bytes": len(event["body"]),
            },
        )
