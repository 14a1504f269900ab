"""Canceling the call runs of a canceled customers file (decision 91): the calls not dialed yet are
not dialed, and their reserved credits are given back.

A run is canceled by its one terminal write (`finish_run`, only while running) with status
`canceled`; a batch dispatched after it places no call (`dispatch.dispatch_batch` reads the run
first, and again once its credits are reserved, before the dialer). Credits are reserved per batch
at dispatch, so what a cancel refunds is what a batch charged and the dialer never accepted."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from debtload.domain.calls.dispatch import CANCELED, credits_of
from debtload.domain.calls.ports import CallRunStore, EventPublisher
from debtload.domain.calls.summary import completed_event, summary_of
from debtload.domain.jobs.model import Job

DIALING_WAIT_SECONDS = 8.0  # a batch's dialer call (500 calls) takes a few seconds at most


def is_canceled(run: Mapping[str, Any]) -> bool:
    return run.get("status") == CANCELED


def refund_not_dialed(store: CallRunStore, tenant_id: str, call_run_id: str, batch: Mapping[str, Any]) -> int:
    """Release the credits of the batch's calls charged and not requested; the credits released."""
    charged = set(batch.get("charged") or ())
    requested = set(batch.get("requested") or ())
    prices = {str(c["key"]): credits_of(c) for c in batch.get("customers", [])}
    not_dialed = {key: prices.get(key, 0) for key in sorted(charged - requested)}
    if not not_dialed:
        return 0
    store.release_credits(tenant_id, call_run_id, int(batch["index"]), not_dialed)
    return sum(not_dialed.values())


def _wait_for_dialing(store: CallRunStore, tenant_id: str, call_run_id: str, run: Mapping[str, Any]) -> None:
    """Batches that took their claim before the cancel mark what the dialer accepted, then release it:
    wait for them (bounded), so what is refunded is only what was never dialed."""
    deadline = time.monotonic() + DIALING_WAIT_SECONDS
    while run.get("dialing") and time.monotonic() < deadline:
        time.sleep(0.1)
        run = store.get_run(tenant_id, call_run_id) or {}


def cancel_call_run(
    store: CallRunStore, publisher: EventPublisher | None, tenant_id: str, call_run_id: str, at: str
) -> bool:
    """Cancel a running run and refund what it charged without dialing; False if it had ended (its
    calls were placed). Refunding again is harmless: a key no longer charged is not refunded twice."""
    run = store.get_run(tenant_id, call_run_id)
    if run is None:
        return False
    if run.get("status") == "running":
        summary = {**summary_of(run, store.list_batches(tenant_id, call_run_id)), "status": CANCELED}
        summary["canceled_at"] = at
        event = completed_event(tenant_id, call_run_id, summary, at)
        if store.finish_run(tenant_id, call_run_id, {**summary, "finished_at": at}, event) and publisher:
            publisher.publish(event)
        run = store.get_run(tenant_id, call_run_id) or run
    if not is_canceled(run):
        return False
    _wait_for_dialing(store, tenant_id, call_run_id, run)
    for batch in store.list_batches(tenant_id, call_run_id):
        refund_not_dialed(store, tenant_id, call_run_id, batch)
    return True


def cancel_runs_of_job(store: CallRunStore, publisher: EventPublisher | None, job: Job) -> list[str]:
    """The cancel hook of a customers file's job: every run its chunks started; the ids canceled."""
    at = job.canceled_at or job.finished_at or ""
    return [
        run_id
        for run_id in store.runs_of_job(job.tenant_id, job.job_id)
        if cancel_call_run(store, publisher, job.tenant_id, run_id, at)
    ]
