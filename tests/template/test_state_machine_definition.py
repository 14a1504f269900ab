"""InitiateCalls never leaves a run `running`: every task retries Lambda's transient errors, and
every top-level step that can fail is caught into MarkRunFailed, which ends in a Fail state."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from devstack.template import PROJECT_ROOT

pytestmark = pytest.mark.template

LAMBDA_TRANSIENT = {
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
}


@pytest.fixture(scope="module")
def definition() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PROJECT_ROOT / "statemachine" / "initiate_calls.asl.json").read_text())
    return data


def _tasks(states: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, state in states.items():
        if state["Type"] == "Task":
            yield name, state
        if state["Type"] == "Map":
            yield from _tasks(state["ItemProcessor"]["States"])


def test_every_task_retries_lambda_transient_errors_with_backoff(definition: dict[str, Any]) -> None:
    tasks = dict(_tasks(definition["States"]))
    assert {"PlanBatches", "DispatchCalls", "RecordBatchFailure", "Summarize", "MarkRunFailed"} <= set(tasks)
    for name, task in tasks.items():
        retried = [r for r in task.get("Retry", []) if set(r["ErrorEquals"]) >= LAMBDA_TRANSIENT]
        assert retried, f"{name} does not retry {sorted(LAMBDA_TRANSIENT)}"
        assert all(r["BackoffRate"] > 1 and r["MaxAttempts"] >= 2 for r in retried), name


def test_every_top_level_step_that_can_fail_ends_the_run_failed(definition: dict[str, Any]) -> None:
    states = definition["States"]
    for name, state in states.items():
        if state["Type"] not in ("Task", "Map", "Parallel") or name == "MarkRunFailed":
            continue
        catches = [c for c in state.get("Catch", []) if c["ErrorEquals"] == ["States.ALL"]]
        assert catches and catches[0]["Next"] == "MarkRunFailed", f"{name} can leave the run running"
        assert catches[0]["ResultPath"] == "$.error", name  # keeps tenantId and callRunId beside it
    mark = states["MarkRunFailed"]
    assert mark["Parameters"]["Payload"]["action"] == "mark_failed"
    assert states[mark["Next"]]["Type"] == "Fail"  # the execution still fails, so its alarm fires
