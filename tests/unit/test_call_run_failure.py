"""MarkRunFailed's use case: a run whose workflow failed for good ends `failed`, once."""

from __future__ import annotations

import json

import pytest

from debtload.domain.calls import failure as call_run_failure
from debtload.domain.calls.summary import COMPLETED_EVENT, summarize
from debtload.domain.errors import NotFound
from tests.fakes.calls import NOW, MemoryCallRuns, RecordingDialer, dispatch
from tests.fakes.jobs import RecordingPublisher

LAMBDA_ERROR = {
    "Error": "RuntimeError",
    "Cause": json.dumps(
        {"errorMessage": "the table is unreachable", "errorType": "RuntimeError", "stackTrace": ["File x"]}
    ),
}


def test_a_running_run_ends_failed_with_the_error_and_one_event() -> None:
    store = MemoryCallRuns(4, 2)
    dispatch(store, RecordingDialer(), 0)  # batch 0 placed its calls; batch 1 never ran
    publisher = RecordingPublisher()
    result = call_run_failure.fail_run(store, "t1", "run-1", LAMBDA_ERROR, publisher=publisher, now=NOW)
    assert result["status"] == "failed"
    assert store.run["status"] == "failed"
    assert store.run["error"] == "the InitiateCalls workflow failed: RuntimeError: the table is unreachable"
    assert (store.run["initiated"], store.run["failed"], store.run["batchesProcessed"]) == (2, 2, 2)
    assert store.outcome(1)["batch_status"] == "failed"
    assert "the table is unreachable" in store.outcome(1)["failed_calls"]["loan-2"]
    assert [e.type for e in store.events] == [COMPLETED_EVENT]
    assert store.events[0].data["status"] == "failed" and "error" in store.events[0].data
    assert [e.event_id for e in publisher.events] == [store.events[0].event_id]


def test_marking_twice_changes_nothing_the_second_time() -> None:
    store = MemoryCallRuns(2, 2)
    publisher = RecordingPublisher()
    call_run_failure.fail_run(store, "t1", "run-1", LAMBDA_ERROR, publisher=publisher, now=NOW)
    again = call_run_failure.fail_run(store, "t1", "run-1", {"Error": "Other"}, publisher=publisher, now=NOW)
    assert again["alreadyFinished"] is True
    assert len(store.events) == 1 and len(publisher.events) == 1
    assert "the table is unreachable" in store.run["error"]


def test_a_run_summarized_before_the_failure_keeps_its_outcome() -> None:
    store = MemoryCallRuns(2, 2)
    dispatch(store, RecordingDialer(), 0)
    summarize(store, "t1", "run-1", now=NOW)
    result = call_run_failure.fail_run(store, "t1", "run-1", LAMBDA_ERROR, now=NOW)
    assert result == {"callRunId": "run-1", "status": "succeeded", "alreadyFinished": True}
    assert store.run["status"] == "succeeded" and "error" not in store.run


def test_credits_reserved_for_calls_never_placed_go_back() -> None:
    store = MemoryCallRuns(3, 3, balance=1000)
    # The batch reserved its 3 calls, the dialer took one, then the workflow died.
    store.reserve_credits("t1", "run-1", 0, {f"loan-{i}": 25 for i in range(3)})
    store.mark_requested("t1", "run-1", 0, ["loan-0"])
    call_run_failure.fail_run(store, "t1", "run-1", {"Error": "States.Timeout"}, now=NOW)
    assert store.balance == 1000 - 25
    assert (store.run["initiated"], store.run["failed"], store.run["creditsReserved"]) == (1, 2, 25)


def test_an_unknown_run_is_not_found() -> None:
    with pytest.raises(NotFound):
        call_run_failure.fail_run(MemoryCallRuns(1, 1), "t1", "nope", LAMBDA_ERROR)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (LAMBDA_ERROR, "RuntimeError: the table is unreachable"),
        ({"Error": "States.TaskFailed", "Cause": "boom"}, "States.TaskFailed: boom"),
        ({"Error": "States.Timeout"}, "States.Timeout"),
        ({}, "unknown error"),
        (None, "unknown error"),
        ("x" * 1000, "x" * call_run_failure.MAX_ERROR_CHARS),
    ],
)
def test_workflow_errors_read_as_one_line_without_the_stack(error: object, expected: str) -> None:
    assert call_run_failure.workflow_error(error) == expected
