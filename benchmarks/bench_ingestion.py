"""A 1,000-row ingestion job in the local stack, from the 202 to its terminal status (budget 2 s)."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

from benchmarks.common import Result, measure

ROWS = 1000


def _request(url: str, key: str, method: str = "GET", body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", "XApiKey": key}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def run() -> list[Result]:
    from devstack.demo import DEMO_API_KEY, seed_demo_tenant
    from devstack.stack import LocalStack

    stack = LocalStack(api_port=0, aws_port=0, parameter_overrides={"BatchRateLimitPerHour": 10_000}).start()
    try:
        from debtload.adapters.dynamodb.table import DynamoTable
        from debtload.adapters.dynamodb.tenants import DynamoTenantRepository

        seed_demo_tenant(DynamoTenantRepository(DynamoTable(stack.resource_name("Table"))))
        api = stack.api_url
        case_ids = [
            _request(
                f"{api}/cases",
                DEMO_API_KEY,
                "POST",
                {"debtor_name": f"D{i}", "reference": f"R{i}", "amount": 10, "currency": "EUR"},
            )["id"]
            for i in range(20)
        ]
        rows = [
            {
                "type": 0,
                "caseId": case_ids[i % 20],
                "description": f"Call {i}: left a voicemail.",
                "externalRef": f"CRM-{i}",
            }
            for i in range(ROWS)
        ]
        statuses: list[dict[str, Any]] = []

        def one_job() -> None:
            job = _request(f"{api}/ingestion-jobs", DEMO_API_KEY, "POST", {"rows": rows})
            while True:
                status = _request(f"{api}/ingestion-jobs/{job['jobId']}", DEMO_API_KEY)
                if status["status"] >= 2:
                    statuses.append(status)
                    return
                time.sleep(0.05)  # polling faster only steals CPU from the worker

        samples = measure(one_job, repeat=5)
        return [
            Result(
                "ingestion job, 1,000 rows, 202 -> terminal (local stack)",
                samples,
                budget_ms=2000,
                extra={"final_status": statuses[-1]},
            )
        ]
    finally:
        stack.stop()
