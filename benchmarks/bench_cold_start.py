"""Cold start: importing each handler module with .pyc present, in a fresh interpreter (budget 300 ms,
docs/performance.md). Floor: `import boto3` alone, the same way: every function talks to AWS through it."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys

from benchmarks.common import Result
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
    return results
