from __future__ import annotations

from datetime import UTC, datetime

import pytest

from debtload.domain.calls import start, views
from debtload.domain.calls.dispatch import record_batch_failure
from debtload.domain.calls.summary import summarize
from debtload.domain.errors import NotFound
from tests.fakes.calls import NOW, FailingStarter, MemoryCallRuns, RecordingDialer, dispatch
from tests.fakes.jobs import RecordingPublisher


def test_plan_cuts_1234_customers_into_batches_of_500() -> None:
    store = MemoryCallRuns(1234, 500)
    plan = start.plan_batches(store, "t1", "run-1", max_concurrency=1, wait_seconds=0)
    assert plan["batches"] == [0, 1, 2]
    assert plan["maxConcurrency"] == 1 and plan["callRunId"] == "run-1"


def test_unknown_run_is_not_found() -> None:
    with pytest.raises(NotFound):
        start.plan_batches(MemoryCallRuns(1, 1), "t1", "nope", 1, 0)


def test_start_stores_batches_by_reference_and_reports_the_seed_shape() -> None:
    store = MemoryCallRuns()
    started: list[str] = []

    class Starter:
        def start(self, tenant_id: str, call_run_id: str) -> None:
            started.append(call_run_id)

    targets = [{"key": f"L{i}", "phone_number": "+33612345678", "region": "FR"} for i in range(1234)]
    result = start.start_call_run(
        store, Starter(), "t1", "run-new", {"campaign_id": "c1"}, targets, 500
    ).to_json()
    assert result == {
        "callRunId": "run-new",
        "status": "started",
        "customers": 1234,
        "batches": 3,
        "batchSize": 500,
    }
    assert [len(b["customers"]) for b in store.batches.values()] == [500, 500, 234]
    assert store.run["batches_total"] == 3 and started == ["run-new"]


def test_a_run_whose_workflow_cannot_start_is_failed_not_left_running() -> None:
    store = MemoryCallRuns()
    targets = [{"key": "L1", "phone_number": "+33612345678", "region": "FR"}]
    result = start.start_call_run(store, FailingStarter(), "t1", "run-new", {}, targets, 500).to_json()
    assert result["status"] == "failed" and "could not be started" in result["error"]
    assert store.run["status"] == "failed"


def test_starting_a_stored_run_again_keeps_its_batches_and_only_starts_it() -> None:
    """Issue 13, defect 4: a retried request names the same run; rewriting its batches would wipe
    what they record (requested, charged), so every debtor would be called and charged again."""
    store = MemoryCallRuns(2, 500)
    store.batches[0]["requested"] = ["loan-0"]
    store.batches[0]["charged"] = ["loan-0"]
    started: list[str] = []

    class Starter:
        def start(self, tenant_id: str, call_run_id: str) -> None:
            started.append(call_run_id)

    targets = [{"key": f"loan-{i}", "phone_number": "+33612345678", "region": "FR"} for i in range(2)]
    result = start.start_call_run(store, Starter(), "t1", "run-1", {}, targets, 500).to_json()
    assert result["status"] == "started" and started == ["run-1"]
    assert store.batches[0]["requested"] == ["loan-0"] and store.batches[0]["charged"] == ["loan-0"]

    store.run["status"] = "succeeded"
    again = start.start_call_run(store, Starter(), "t1", "run-1", {}, targets, 500).to_json()
    assert again["status"] == "succeeded" and started == ["run-1"]  # an ended run is not restarted


def test_the_call_run_of_a_request_is_named_by_its_key_not_at_random() -> None:
    from debtload.domain.request_ids import call_run_id_for

    one = call_run_id_for("t1", "camp-1", "key-1", "req-a")
    assert one == call_run_id_for("t1", "camp-1", "key-1", "req-b")  # a retry: another request id
    assert (
        len(
            {
                one,
                call_run_id_for("t2", "camp-1", "key-1", "req-a"),
                call_run_id_for("t1", "camp-2", "key-1", "req-a"),
                call_run_id_for("t1", "camp-1", "key-2", "req-a"),
            }
        )
        == 4
    )
    assert call_run_id_for("t1", "camp-1", None, "req-a") == call_run_id_for("t1", "camp-1", None, "req-a")
    assert call_run_id_for("t1", "camp-1", None, "req-a") != call_run_id_for("t1", "camp-1", "req-a", "x")


def test_dispatch_and_summarize_count_every_call_once() -> None:
    store = MemoryCallRuns(1234, 500)
    dialer = RecordingDialer()
    for index in (0, 1, 2):
        dispatch(store, dialer, index)
    publisher = RecordingPublisher()
    summary = summarize(store, "t1", "run-1", publisher=publisher, now=NOW)
    assert len(dialer.calls) == 1234
    assert len({c.call_id for c in dialer.calls}) == 1234
    assert summary["status"] == "succeeded"
    assert [b["initiated"] for b in summary["batches"]] == [500, 500, 234]
    assert summary["creditsReserved"] == 1234 * 25 == 1_000_000 - store.balance
    assert len(store.ledger) == 3  # one reservation per batch, not one per call
    assert [e.type for e in publisher.events] == ["call_run.completed"]
    assert store.events == publisher.events


def test_a_batch_retried_after_a_crash_requests_no_call_twice() -> None:
    store = MemoryCallRuns(10, 10, balance=1000)
    dialer = RecordingDialer(crash_after=4)
    with pytest.raises(ConnectionError):
        dispatch(store, dialer, 0)
    # The crash came before the marks were written: the 4 accepted calls are re-sent with the same ids,
    # which the dialer treats as the same calls.
    dispatch(store, dialer, 0)
    dispatch(store, dialer, 0)  # a third attempt after success sends nothing
    ids = [c.call_id for c in dialer.calls]
    assert len(set(ids)) == 10
    assert len(ids) == 14
    assert store.outcome(0)["initiated"] == 10
    assert store.balance == 1000 - 10 * 25  # each call charged once, whatever the attempts


def test_rejected_calls_fail_the_call_not_the_batch_and_are_refunded() -> None:
    store = MemoryCallRuns(3, 3, balance=1000)
    result = dispatch(store, RecordingDialer(fail_keys={"loan-1"}), 0)
    assert result == {"index": 0, "initiated": 2, "failed": 1, "skipped": 0}
    assert "dialer refused" in store.outcome(0)["failed_calls"]["loan-1"]
    assert store.balance == 1000 - 2 * 25
    # A retry does not call the refused customer again, nor refund twice.
    again = RecordingDialer()
    dispatch(store, again, 0)
    assert again.calls == [] and store.balance == 1000 - 2 * 25
    assert summarize(store, "t1", "run-1")["status"] == "partially_failed"


def test_insufficient_credits_fail_that_call_only() -> None:
    store = MemoryCallRuns(3, 3, balance=60)  # two calls at 25
    dialer = RecordingDialer()
    result = dispatch(store, dialer, 0)
    assert result == {"index": 0, "initiated": 2, "failed": 1, "skipped": 0}
    assert store.outcome(0)["failed_calls"]["loan-2"] == "insufficient credits: this call costs 25 credits"


def test_expensive_destinations_need_an_opt_in() -> None:
    phones = ["+262262123456", "+212522123456", "+33612345678"]  # Réunion, Morocco, France
    store = MemoryCallRuns(3, 3, phones=phones)
    dialer = RecordingDialer()
    dispatch(store, dialer, 0)
    failed = store.outcome(0)["failed_calls"]
    assert sorted(failed) == ["loan-0", "loan-1"]
    assert "expensive destination RE (dom_tom) (100 credits a call)" in failed["loan-0"]
    assert [c.customer_key for c in dialer.calls] == ["loan-2"]

    opted_in = MemoryCallRuns(3, 3, phones=phones, accept_expensive_destination=True)
    dispatch(opted_in, dialer, 0)
    assert opted_in.outcome(0)["initiated"] == 3
    assert opted_in.outcome(0)["credits"] == 100 + 125 + 25


def test_a_customer_can_opt_in_alone() -> None:
    store = MemoryCallRuns(1, 1, phones=["+212522123456"])
    store.batches[0]["customers"][0]["accept_expensive_destination"] = True
    dispatch(store, RecordingDialer(), 0)
    assert store.outcome(0)["initiated"] == 1


def test_calls_outside_the_window_are_skipped_with_a_reason_and_not_charged() -> None:
    window = {"start": "09:00", "end": "12:00", "timezone": "Europe/Paris", "days": ["mon", "tue", "wed"]}
    store = MemoryCallRuns(2, 2, balance=1000, call_window=window)
    dialer = RecordingDialer()
    evening = datetime(2026, 3, 4, 19, 0, tzinfo=UTC)
    assert dispatch(store, dialer, 0, now=evening) == {
        "index": 0,
        "initiated": 0,
        "failed": 0,
        "skipped": 2,
    }
    assert (
        "outside the campaign's call window 09:00-12:00 Europe/Paris"
        in store.outcome(0)["skipped_calls"]["loan-0"]
    )
    assert dialer.calls == [] and store.balance == 1000
    assert dispatch(store, dialer, 0, now=NOW)["initiated"] == 2  # 11:00 in Paris on a Wednesday
    assert store.balance == 1000 - 2 * 25


def test_recorded_batch_failure_counts_its_customers_as_failed() -> None:
    store = MemoryCallRuns(3, 3)
    record_batch_failure(store, "t1", "run-1", 0, {"Error": "States.TaskFailed", "Cause": "boom"})
    summary = summarize(store, "t1", "run-1")
    assert summary["status"] == "failed" and summary["failed"] == 3
    assert store.outcome(0)["batch_error"] == "boom"


def test_batch_failure_keeps_accepted_calls_and_refunds_the_unplaced_ones() -> None:
    store = MemoryCallRuns(4, 4, balance=1000)
    store.reserve_credits("t1", "run-1", 0, {f"loan-{i}": 25 for i in range(4)})
    store.mark_requested("t1", "run-1", 0, ["loan-0"])
    record_batch_failure(store, "t1", "run-1", 0, {"Error": "TransientError"})
    assert store.outcome(0)["initiated"] == 1 and store.outcome(0)["failed"] == 3
    assert store.balance == 1000 - 25 and store.outcome(0)["credits"] == 25
    record_batch_failure(store, "t1", "run-1", 0, {"Error": "TransientError"})
    assert store.balance == 1000 - 25  # refunded once


def test_summarize_emits_one_event_even_when_retried() -> None:
    store = MemoryCallRuns(1, 1)
    dispatch(store, RecordingDialer(), 0)
    publisher = RecordingPublisher()
    summarize(store, "t1", "run-1", publisher=publisher, now=NOW)
    summarize(store, "t1", "run-1", publisher=publisher, now=NOW)
    assert len(store.events) == 1
    assert {e.event_id for e in publisher.events} == {store.events[0].event_id}


def test_view_of_a_finished_run_has_the_issue_shape() -> None:
    store = MemoryCallRuns(3, 2)
    dispatch(store, RecordingDialer(), 0)
    record_batch_failure(store, "t1", "run-1", 1, "boom")
    running = views.view_run(store, "t1", "run-1")
    assert running["status"] == "running" and running["batchesProcessed"] == 2
    summarize(store, "t1", "run-1")
    view = views.view_run(store, "t1", "run-1")
    assert {
        k: view[k] for k in ("status", "customers", "initiated", "failed", "skipped", "batchesProcessed")
    } == {
        "status": "partially_failed",
        "customers": 3,
        "initiated": 2,
        "failed": 1,
        "skipped": 0,
        "batchesProcessed": 2,
    }
    assert view["batches"] == [
        {"index": 0, "initiated": 2, "failed": 0},
        {"index": 1, "initiated": 0, "failed": 1},
    ]
    assert view["creditsReserved"] == 50


def test_list_calls_pages_by_batch_with_states() -> None:
    store = MemoryCallRuns(3, 2)
    dispatch(store, RecordingDialer(fail_keys={"loan-1"}), 0)
    page, next_batch = views.list_calls(store, "t1", "run-1", 0, None)
    assert [(c["customerId"], c["status"]) for c in page] == [("loan-0", "requested"), ("loan-1", "failed")]
    assert page[0]["callId"] == start.call_id("run-1", "loan-0") and next_batch == 1
    page, next_batch = views.list_calls(store, "t1", "run-1", 1, None)
    assert [c["status"] for c in page] == ["pending"] and next_batch is None
    assert views.list_calls(store, "t1", "run-1", 0, "failed")[0][0]["customerId"] == "loan-1"
