"""Four-eyes approval of a bulk (decision 88): the domain's rules, with in-memory stores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest

from debtload.domain.collections import approval, bulks
from debtload.domain.collections.model import CANCELED, CONFIRMED, PENDING, Collection
from debtload.domain.errors import BadRequest, Conflict, Forbidden, NotFound
from debtload.domain.jobs.events import terminal_event
from debtload.domain.jobs.model import Job, JobStatus, OutboxEvent
from debtload.domain.jobs.worker import finish_if_complete
from debtload.domain.tenants import Principal
from tests.fakes.jobs import RecordingPublisher

CREATOR = Principal("t1", "key_creator", frozenset({"collections:write"}))
APPROVER = Principal("t1", "key_approver", frozenset({"collections:approve"}))


class Jobs:
    def __init__(self, job: Job) -> None:
        self.jobs = {job.job_id: job}
        self.outbox: list[OutboxEvent] = []

    def get_job(self, tenant_id: str, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def decide_approval(self, job: Job, decision: str, decided_by: str, event: OutboxEvent) -> bool:
        stored = self.jobs[job.job_id]
        if stored.options.get("approval") != bulks.AWAITING or stored.status.terminal:
            return False
        self.jobs[job.job_id] = replace(stored, options={**stored.options, "approval": decision})
        self.outbox.append(event)
        return True

    def finish(self, job: Job, status: JobStatus, outcome: str, event: OutboxEvent) -> bool:
        if self.jobs[job.job_id].status.terminal:
            return False
        self.jobs[job.job_id] = replace(self.jobs[job.job_id], status=status, outcome=outcome)
        self.outbox.append(event)
        return True


class Collections:
    def __init__(self, bulk_id: str, n: int) -> None:
        self.items = {
            f"c{i}": Collection(f"c{i}", PENDING, {}, "t", "t", bulk_id=bulk_id, row=i) for i in range(n)
        }
        self.canceled = 0
        self.confirmations = 0

    def list_bulk(
        self, tenant_id: str, bulk_id: str, status: str | None, page_token: str | None, size: int
    ) -> tuple[list[Collection], str | None, str | None]:
        found = [c for c in self.items.values() if status is None or c.status == status]
        return found[:size], None, None

    def bulk_canceled(self, tenant_id: str, bulk_id: str) -> int:
        return self.canceled

    def _move(self, collections: Sequence[Collection], to: str) -> list[str]:
        moved = [c.collection_id for c in collections if self.items[c.collection_id].status == PENDING]
        for cid in moved:
            self.items[cid] = replace(self.items[cid], status=to)
        return moved

    def confirm_pending(self, tenant_id: str, collections: Sequence[Collection], now: str) -> list[str]:
        moved = self._move(collections, CONFIRMED)
        self.confirmations += len(moved)
        return moved

    def cancel_pending(self, tenant_id: str, collections: Sequence[Collection], now: str) -> list[str]:
        moved = self._move(collections, CANCELED)
        self.canceled += len(moved)
        return moved


def held_job(**changes: Any) -> Job:
    job = Job(
        tenant_id="t1",
        job_id="b1",
        kind=bulks.KIND,
        source="api",
        status=JobStatus.IN_PROGRESS,
        rows_total=3,
        rows_succeeded=3,
        chunks_total=1,
        chunks_done=1,
        options=bulks.approval_options(CREATOR.key_id),
    )
    return replace(job, **changes)


def decide(jobs: Jobs, cols: Collections, principal: Principal, decision: str) -> dict[str, Any]:
    return approval.decide(jobs, cols, RecordingPublisher(), principal, "b1", decision, "now")


def test_a_held_bulk_is_not_finished_by_its_last_chunk_and_shows_awaiting_approval() -> None:
    job = held_job()
    jobs = Jobs(job)
    assert finish_if_complete(jobs, RecordingPublisher(), job) is None
    view = bulks.bulk_view(job, 0)
    assert (view["status"], view["collections_confirmed"], view["approval"]) == (
        "awaiting_approval",
        0,
        "awaiting",
    )
    assert bulks.bulk_view(held_job(chunks_done=0), 0)["status"] == "pending"


def test_approve_confirms_every_pending_collection_and_completes_once() -> None:
    jobs, cols = Jobs(held_job()), Collections("b1", 3)
    view = decide(jobs, cols, APPROVER, bulks.APPROVED)
    assert (view["status"], view["collections_confirmed"], view["approval"]) == ("completed", 3, "approved")
    assert [e.type for e in jobs.outbox] == [approval.APPROVED_EVENT, "collections.bulk.completed"]
    with pytest.raises(Conflict):
        decide(jobs, cols, APPROVER, bulks.APPROVED)
    assert cols.confirmations == 3


def test_reject_cancels_every_collection() -> None:
    jobs, cols = Jobs(held_job()), Collections("b1", 3)
    view = decide(jobs, cols, APPROVER, bulks.REJECTED)
    assert (view["status"], view["collections_canceled"], view["collections_confirmed"]) == (
        "completed",
        3,
        0,
    )
    completed = jobs.outbox[-1]
    assert completed.data["collections_confirmed"] == 0 and completed.data["collections_canceled"] == 3


def test_the_creating_key_may_not_decide_and_unknown_or_unheld_bulks_are_refused() -> None:
    jobs, cols = Jobs(held_job()), Collections("b1", 1)
    with pytest.raises(Forbidden, match="created a bulk"):
        decide(jobs, cols, CREATOR, bulks.APPROVED)
    with pytest.raises(NotFound):
        approval.decide(jobs, cols, RecordingPublisher(), APPROVER, "nope", bulks.APPROVED, "now")
    with pytest.raises(Conflict):
        decide(Jobs(held_job(options={})), cols, APPROVER, bulks.APPROVED)
    with pytest.raises(Conflict, match="still being validated"):
        decide(Jobs(held_job(chunks_done=0)), cols, APPROVER, bulks.APPROVED)


def test_a_decided_bulk_not_yet_finished_is_resumed_by_the_same_decision_only() -> None:
    jobs, cols = (
        Jobs(
            held_job(
                rows_succeeded=2, options={**bulks.approval_options("key_creator"), "approval": "approved"}
            )
        ),
        Collections("b1", 2),
    )
    with pytest.raises(Conflict):
        decide(jobs, cols, APPROVER, bulks.REJECTED)
    assert decide(jobs, cols, APPROVER, bulks.APPROVED)["collections_confirmed"] == 2


def test_require_approval_comes_from_the_request_else_the_tenant_setting() -> None:
    assert bulks.requires_approval({"collections": []}, {}) is False
    assert bulks.requires_approval({"collections": []}, {"collections_require_approval": True}) is True
    assert (
        bulks.requires_approval({"require_approval": False}, {"collections_require_approval": True}) is False
    )
    with pytest.raises(BadRequest):
        bulks.requires_approval({"require_approval": "yes"}, {})


def test_the_completed_event_of_an_unheld_bulk_is_unchanged() -> None:
    job = held_job(options={})
    assert terminal_event(job, JobStatus.COMPLETED, "ok").data["collections_confirmed"] == 3
