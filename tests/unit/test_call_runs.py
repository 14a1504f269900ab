from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

import pytest

from debtload.domain import call_runs
from debtload.domain.call_runs import BatchOutcome, CallRequest
from debtload.domain.errors import NotFound


class MemoryCallRuns:
    def __init__(self, customers: int, batch_size: int) -> None:
        self.run: dict[str, Any] = {
            "customers": customers,
            "batch_size": batch_size,
            "call_config": {"agentId": "a1"},
        }
        keys = [f"loan-{i}" for i in range(customers)]
        self.batches = [
            [{"key": k, "phone_number": "+33612345678"} for k in keys[i : i + batch_size]]
            for i in range(0, customers, batch_size)
        ]
        self.requested: dict[int, set[str]] = {}
        self.outcomes: dict[int, dict[str, Any]] = {}
        self.finished: dict[str, Any] | None = None

    def get_run(self, tenant_id: str, call_run_id: str) -> dict[str, Any] | None:
        return self.run if call_run_id == "run-1" else None

    def get_batch_customers(self, tenant_id: str, call_run_id: str, index: int) -> list[dict[str, Any]]:
        return self.batches[index]

    def requested_calls(self, tenant_id: str, call_run_id: str, index: int) -> set[str]:
        return set(self.requested.get(index, set()))

    def mark_requested(
        self, tenant_id: str, call_run_id: str, index: int, customer_keys: Sequence[str]
    ) -> None:
        self.requested.setdefault(index, set()).update(customer_keys)

    def save_batch_outcome(
        self, tenant_id: str, call_run_id: str, outcome: BatchOutcome, error: str | None
    ) -> None:
        self.outcomes[outcome.index] = asdict(outcome)

    def list_batch_outcomes(self, tenant_id: str, call_run_id: str) -> list[dict[str, Any]]:
        return list(self.outcomes.values())

    def finish_run(self, tenant_id: str, call_run_id: str, summary: Mapping[str, Any]) -> None:
        self.finished = dict(summary)


class RecordingDialer:
    def __init__(self, fail_keys: set[str] | None = None, crash_after: int | None = None) -> None:
        self.calls: list[CallRequest] = []
        self.fail_keys = fail_keys or set()
        self.crash_after = crash_after

    def request_calls(self, calls: Sequence[CallRequest]) -> list[str | None]:
        if self.crash_after is not None:
            accepted = list(calls[: self.crash_after])
            self.calls.extend(accepted)
            self.crash_after = None
            raise ConnectionError("dialer went away")
        self.calls.extend(calls)
        return ["blocked" if c.customer_key in self.fail_keys else None for c in calls]


def test_plan_cuts_1234_customers_into_batches_of_500() -> None:
    store = MemoryCallRuns(1234, 500)
    plan = call_runs.plan_batches(store, "t1", "run-1", max_concurrency=1, wait_seconds=0)
    assert plan["batches"] == [0, 1, 2]
    assert plan["maxConcurrency"] == 1 and plan["callRunId"] == "run-1"


def test_unknown_run_is_not_found() -> None:
    with pytest.raises(NotFound):
        call_runs.plan_batches(MemoryCallRuns(1, 1), "t1", "nope", 1, 0)


def test_dispatch_and_summarize_count_every_call_once() -> None:
    store = MemoryCallRuns(1234, 500)
    dialer = RecordingDialer()
    for index in (0, 1, 2):
        call_runs.dispatch_batch(store, dialer, "t1", "run-1", index)
    summary = call_runs.summarize(store, "t1", "run-1")
    assert len(dialer.calls) == 1234
    assert len({c.call_id for c in dialer.calls}) == 1234
    assert summary["status"] == "succeeded"
    assert [b["initiated"] for b in summary["batches"]] == [500, 500, 234]


def test_a_batch_retried_after_a_crash_requests_no_call_twice() -> None:
    store = MemoryCallRuns(10, 10)
    dialer = RecordingDialer(crash_after=4)
    with pytest.raises(ConnectionError):
        call_runs.dispatch_batch(store, dialer, "t1", "run-1", 0)
    # The crash came before the marks were written: the 4 accepted calls are re-sent with the same ids,
    # which the dialer treats as the same calls.
    call_runs.dispatch_batch(store, dialer, "t1", "run-1", 0)
    call_runs.dispatch_batch(store, dialer, "t1", "run-1", 0)  # a third attempt after success sends nothing
    ids = [c.call_id for c in dialer.calls]
    assert len(set(ids)) == 10
    assert len(ids) == 14
    assert store.outcomes[0]["initiated"] == 10


def test_rejected_calls_fail_the_call_not_the_batch_and_summary_is_partial() -> None:
    store = MemoryCallRuns(3, 3)
    result = call_runs.dispatch_batch(store, RecordingDialer(fail_keys={"loan-1"}), "t1", "run-1", 0)
    assert result == {"index": 0, "initiated": 2, "failed": 1, "skipped": 0}
    assert call_runs.summarize(store, "t1", "run-1")["status"] == "partially_failed"


def test_recorded_batch_failure_counts_its_customers_as_failed() -> None:
    store = MemoryCallRuns(3, 3)
    call_runs.record_batch_failure(store, "t1", "run-1", 0, {"Error": "States.TaskFailed", "Cause": "boom"})
    summary = call_runs.summarize(store, "t1", "run-1")
    assert summary["status"] == "failed" and summary["failed"] == 3
