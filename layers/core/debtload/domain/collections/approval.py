"""Four-eyes approval of a bulk (decision 88): a bulk created with `require_approval` (or under the
tenant's `collections_require_approval`) is validated by the worker as usual, but its valid
collections are stored `pending` (their mandate and end-to-end claims taken) and the job is held:
counting its last chunk does not finish it. Another key with `collections:approve` then decides.

- The decision is one conditional write on the job (`approval`: awaiting -> approved | rejected),
  with its event in the outbox in the same transaction: two deciders, or a retry, cannot both win.
- Then its collections are settled: approve moves each pending one to confirmed and into the export
  queue, reject cancels each (counted on the bulk); each write is conditional on `pending`, so a
  retry or a concurrent call never confirms or cancels one twice.
- Last, the job is finished (`collections.bulk.completed`), exactly once (JobStore.finish).

A call that crashes after the decision is resumed by the same call again (the same decision on a bulk
not yet completed settles what is left); any other call on a decided or unheld bulk is a 409.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Final, Protocol

from debtload.domain.collections.bulks import APPROVED, AWAITING, KIND, REJECTED, bulk_status, bulk_view
from debtload.domain.collections.model import PENDING, Collection
from debtload.domain.errors import Conflict, Forbidden, NotFound
from debtload.domain.jobs.model import Job, OutboxEvent
from debtload.domain.jobs.ports import EventPublisher, JobStore
from debtload.domain.jobs.worker import finish_if_complete
from debtload.domain.tenants import Principal

APPROVED_EVENT: Final = "collections.bulk.approved"
REJECTED_EVENT: Final = "collections.bulk.rejected"
_PAGE: Final = 100


class ApprovalJobs(JobStore, Protocol):
    def decide_approval(self, job: Job, decision: str, decided_by: str, event: OutboxEvent) -> bool:
        """Set the job's approval from awaiting to `decision` (and who decided) with its event in the
        outbox, in one transaction; False when it was not awaiting any more."""
        ...


class ApprovalCollections(Protocol):
    def list_bulk(
        self, tenant_id: str, bulk_id: str, status: str | None, page_token: str | None, size: int
    ) -> tuple[list[Collection], str | None, str | None]: ...

    def bulk_canceled(self, tenant_id: str, bulk_id: str) -> int: ...

    def confirm_pending(self, tenant_id: str, collections: Sequence[Collection], now: str) -> list[str]:
        """Move each collection still pending to confirmed and into the export queue; the ids moved."""
        ...

    def cancel_pending(self, tenant_id: str, collections: Sequence[Collection], now: str) -> list[str]:
        """Cancel each collection still pending, counted on its bulk; the ids canceled."""
        ...


def decision_event(job: Job, decision: str, decided_by: str, now: str) -> OutboxEvent:
    event_type = APPROVED_EVENT if decision == APPROVED else REJECTED_EVENT
    event_id = "evt_" + uuid.uuid5(uuid.NAMESPACE_URL, f"{job.tenant_id}/{job.job_id}/{event_type}").hex
    return OutboxEvent(
        event_id=event_id,
        tenant_id=job.tenant_id,
        type=event_type,
        data={
            "id": job.job_id,
            "job_id": job.job_id,
            "kind": job.kind,
            "approval": decision,
            "created_by": job.options.get("created_by"),
            "decided_by": decided_by,
            "collections_total": job.rows_total,
            "collections_valid": job.rows_succeeded,
            "collections_failed": job.rows_failed,
        },
        created_at=now,
    )


def decide(
    jobs: ApprovalJobs,
    collections: ApprovalCollections,
    publisher: EventPublisher,
    principal: Principal,
    bulk_id: str,
    decision: str,
    now: str,
) -> dict[str, Any]:
    """Approve (`APPROVED`) or reject (`REJECTED`) a bulk awaiting approval; the bulk's view after."""
    assert decision in (APPROVED, REJECTED)
    job = jobs.get_job(principal.tenant_id, bulk_id)
    if job is None or job.kind != KIND:
        raise NotFound("Bulk not found")
    verb = "approve" if decision == APPROVED else "reject"
    if job.held and principal.key_id == job.options.get("created_by"):
        raise Forbidden(
            f"Four-eyes approval: the API key that created a bulk may not {verb} it; "
            "use another key with the scope collections:approve",
            {"created_by": principal.key_id},
        )
    state = job.options.get("approval")
    if job.status.terminal or state is None:
        raise Conflict("The bulk is not awaiting approval", {"status": bulk_status(job)})
    if state == AWAITING:
        if not job.all_chunks_counted:
            raise Conflict(
                "The bulk is still being validated; decide once its status is awaiting_approval",
                {"status": bulk_status(job)},
            )
        event = decision_event(job, decision, principal.key_id, now)
        if jobs.decide_approval(job, decision, principal.key_id, event):
            publisher.publish(event)
            state = decision
        else:
            latest = jobs.get_job(principal.tenant_id, bulk_id) or job
            state = latest.options.get("approval")
            if latest.status.terminal or state != decision:
                raise Conflict("The bulk is not awaiting approval", {"status": bulk_status(latest)})
    elif state != decision:
        raise Conflict(f"The bulk was {state} already", {"approval": state})
    # Decided (by this call or by a retried one that crashed): settle what is still pending.
    _settle(collections, principal.tenant_id, bulk_id, decision, now)
    latest = jobs.get_job(principal.tenant_id, bulk_id) or job
    decided = replace(latest, options={**latest.options, "approval": decision})
    finished = finish_if_complete(jobs, publisher, decided, release=True)
    final = finished or jobs.get_job(principal.tenant_id, bulk_id) or decided
    return bulk_view(final, collections.bulk_canceled(principal.tenant_id, bulk_id))


def _settle(collections: ApprovalCollections, tenant_id: str, bulk_id: str, decision: str, now: str) -> None:
    token: str | None = None
    while True:
        page, token, _ = collections.list_bulk(tenant_id, bulk_id, PENDING, token, _PAGE)
        if page:
            if decision == APPROVED:
                collections.confirm_pending(tenant_id, page, now)
            else:
                collections.cancel_pending(tenant_id, page, now)
        if not page or token is None:
            return
