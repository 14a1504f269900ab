"""Cold start: importing each handler module with .pyc present, in a fresh interpreter (budget 300 ms,
docs/performance.md). Floor: `import boto3` alone, the same way: every function talks to AWS through it.

Beside it, the api function's first request of each resource, right after its import: the api imports
a resource's routes and libraries on that resource's first request (api/route_registry.py), so this is
where they are paid. DynamoDB is the loopback stub answering at once; no budget, the figure is reported."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from typing import Any

from benchmarks.common import Result
from benchmarks.dynamo_stub import loopback_dynamodb
from devstack.template import PROJECT_ROOT, LocalStackTemplate

BUDGET_MS = 300
_PROBE = """
import importlib.util, sys, time
sys.path.insert(0, {layer!r})
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("handler", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print((time.perf_counter() - started) * 1000)
"""
_BOTO3_PROBE = """
import time
started = time.perf_counter()
import boto3
print((time.perf_counter() - started) * 1000)
"""


_FIRST_REQUEST_PROBE = """
import importlib.util, json, sys, time
sys.path.insert(0, {layer!r})
spec = importlib.util.spec_from_file_location("handler", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
event = json.loads(sys.stdin.read())
started = time.perf_counter()
response = module.handle(event, None)
print(response["statusCode"], (time.perf_counter() - started) * 1000)
"""
# One request per resource, as a client's first call to it: (method, resource, path, event file for
# the body). Reads find nothing at the stub and answer 404; that still loads the resource's routes.
FIRST_REQUESTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("GET", "/credits", "/credits", None),
    ("PATCH", "/settings", "/settings", "api_patch_settings.json"),
    ("GET", "/jobs/{id}/rows", "/jobs/job_1/rows", None),
    ("GET", "/webhooks", "/webhooks", None),
    ("GET", "/cases/{id}", "/cases/case_1", None),
    ("GET", "/ingestion-jobs/{jobId}", "/ingestion-jobs/job_1", None),
    ("GET", "/campaigns/{id}", "/campaigns/camp_1", None),
    ("GET", "/call-runs/{id}", "/call-runs/run_1", None),
    ("GET", "/imports", "/imports", None),
    ("POST", "/debts/batch", "/debts/batch", "api_debts_batch.json"),
    ("POST", "/collections/bulks", "/collections/bulks", "api_collections_bulk.json"),
    ("GET", "/openapi.json", "/openapi.json", None),
)


def _first_request_event(method: str, resource: str, path: str, body_from: str | None) -> dict[str, Any]:
    from tests.helpers import ADMIN, api_event

    body = None
    if body_from is not None:
        body = json.loads((PROJECT_ROOT / "events" / body_from).read_text(encoding="utf-8"))["body"]
    params = dict(zip(resource.strip("/").split("/"), path.strip("/").split("/"), strict=True))
    path_parameters = {k[1:-1]: v for k, v in params.items() if k.startswith("{")} or None
    return api_event(
        method, path, body=body, resource=resource, path_parameters=path_parameters, principal=ADMIN
    )


def first_requests(template: LocalStackTemplate, repeat: int = 3) -> list[Result]:
    spec = template.function(template.api_function())
    probe = _FIRST_REQUEST_PROBE.format(
        layer=str(PROJECT_ROOT / "layers" / "core"), path=str(PROJECT_ROOT / spec.code_uri / "app.py")
    )
    results = []
    with loopback_dynamodb(latency_ms=0) as stub:
        env = {
            **os.environ,
            **template.function_environment(spec.logical_id, stub.endpoint),
            **lambda_environment(spec.logical_id, str(PROJECT_ROOT / spec.code_uri), spec.runtime),
            "AWS_ENDPOINT_URL": stub.endpoint,
        }
        for method, resource, path, body_from in FIRST_REQUESTS:
            event = json.dumps(_first_request_event(method, resource, path, body_from))
            samples, statuses = [], set()
            for _ in range(repeat):
                out = subprocess.run(
                    [sys.executable, "-c", probe],
                    env=env,
                    input=event,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                status, elapsed = out.stdout.strip().splitlines()[-1].split()
                statuses.add(int(status))
                samples.append(float(elapsed))
            results.append(
                Result(
                    f"cold start: first {method} {resource} (after import)",
                    samples,
                    extra={"status": sorted(statuses)},
                )
            )
    return results


def lambda_environment(function_name: str, task_root: str, runtime: str) -> dict[str, str]:
    """What Lambda itself sets and libraries read at import. Without LAMBDA_TASK_ROOT the X-Ray SDK
    believes it runs outside Lambda: its recorder then builds two botocore X-Ray clients for centralised
    sampling (~100 ms), which Lambda never does, and powertools' Tracer patches nothing, which Lambda
    does; the figure would be neither."""
    return {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": function_name,
        "LAMBDA_TASK_ROOT": task_root,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
    }


def _samples(probe: str, env: dict[str, str]) -> list[float]:
    samples = []
    for attempt in range(6):  # the first run writes .pyc files; it is not counted
        out = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
        )
        if attempt:
            samples.append(float(out.stdout.strip().splitlines()[-1]))
    return samples


def run() -> list[Result]:
    template = LocalStackTemplate()
    floor = statistics.median(_samples(_BOTO3_PROBE, dict(os.environ)))
    results = []
    for spec in template.functions():
        path = str(PROJECT_ROOT / spec.code_uri / "app.py")
        env = {
            **os.environ,
            **template.function_environment(spec.logical_id, "http://127.0.0.1:9"),
            **lambda_environment(spec.logical_id, str(PROJECT_ROOT / spec.code_uri), spec.runtime),
        }
        probe = _PROBE.format(layer=str(PROJECT_ROOT / "layers" / "core"), path=path)
        results.append(
            Result(
                f"cold start: import {spec.logical_id}",
                _samples(probe, env),
                budget_ms=BUDGET_MS,
                floor_ms=floor,
                floor_note=f"import boto3 alone, fresh interpreter, .pyc present: {floor:.0f} ms",
            )
        )
    return results + first_requests(template)
