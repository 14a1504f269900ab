"""Call runs (seed 002's initiateCall) and the InitiateCalls workflow's tasks: start a run, plan its
batches, dispatch one batch, record a failed batch, summarize.

A call run and its batches live in the store: customers are passed by reference, never through the
state machine's payload. Each call has a deterministic id; a call is marked requested once the
dialer accepted it, and a retried batch skips marked calls. A crash between the dialer's acceptance
and the mark re-sends that one call with the same id, which the dialer uses as its idempotency token
(Amazon Connect's ClientToken, the CallRequested event's callId), so no call is placed twice.

Per call, in this order: the campaign's call window (outside it the call is skipped with a reason,
and nothing is charged), the destination's price (an expensive destination without the campaign's or
the customer's opt-in fails the call), the credits, then the dialer. Credits are reserved for the
whole batch in one ledger entry, atomically with the batch's `charged` set, so a retried batch never
charges a call twice and a short balance fails only the calls it cannot cover (never the batch).
One transaction per batch rather than one per call: 500 TransactWriteItems per batch would dominate
the dispatch time (and moto copies the table on every transaction). A call the dialer refuses, or a
charged call of a batch that failed for good, is failed and its credits are given back the same way.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any, Protocol

from debtload.domain.campaigns import DAY_NAMES, CallWindow
from debtload.domain.errors import NotFound
from debtload.domain.jobs.model import OutboxEvent
from debtload.domain.pricing import DEFAULT_PRICES, PriceTable, destination_for
from debtload.validation.phone import region_of

COMPLETED_EVENT = "call_run.completed"
RUN_STATUSES = ("running", "succeeded", "partially_failed", "failed")


def call_id(call_run_id: str, customer_key: str) -> str:
    return hashlib.sha256(f"{call_run_id}|{customer_key}".encode()).hexdigest()[:32]


RESERVE_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class CallRequest:
    call_id: str
    tenant_id: str
    call_run_id: str
    customer_key: str
    phone_number: str
    call_config: Mapping[str, Any]
    campaign_id: str = ""
    credits: int = 0


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    index: int
    initiated: int
    failed: int
    skipped: int
    credits: int = 0
    failed_calls: Mapping[str, str] = field(default_factory=dict)
    skipped_calls: Mapping[str, str] = field(default_factory=dict)


class CallRunStore(Protocol):
    def create_run(
        self,
        tenant_id: str,
        call_run_id: str,
        run: Mapping[str, Any],
        batches: Sequence[Sequence[Mapping[str, Any]]],
    ) -> int: ...

    def get_run(self, tenant_id: str, call_run_id: str) -> dict[str, Any] | None: ...

    def get_batch(self, tenant_id: str, call_run_id: str, index: int) -> dict[str, Any]:
        """The batch item: customers, requested (keys the dialer accepted), failed_calls, counts."""
        ...

    def mark_requested(
        self, tenant_id: str, call_run_id: str, index: int, customer_keys: Sequence[str]
    ) -> None: ...

    def reserve_credits(
        self, tenant_id: str, call_run_id: str, index: int, charges: Mapping[str, int]
    ) -> bool:
        """Debit sum(charges) and add the keys to the batch's `charged` set, atomically; False (and
        nothing written) when the balance does not cover it."""
        ...

    def release_credits(
        self, tenant_id: str, call_run_id: str, index: int, charges: Mapping[str, int]
    ) -> None:
        """Give back the credits of charged keys and remove them from `charged`, atomically; keys
        no longer charged are not refunded again."""
        ...

    def credit_balance(self, tenant_id: str) -> int: ...

    def save_batch_outcome(
        self, tenant_id: str, call_run_id: str, outcome: BatchOutcome, error: str | None
    ) -> None: ...

    def list_batches(self, tenant_id: str, call_run_id: str) -> list[dict[str, Any]]: ...

    def finish_run(
        self, tenant_id: str, call_run_id: str, summary: Mapping[str, Any], event: OutboxEvent | None
    ) -> bool:
        """Write the outcome and its outbox event once (only while the run is running); False if it
        had already finished."""
        ...


class Dialer(Protocol):
    def request_calls(self, calls: Sequence[CallRequest]) -> list[str | None]:
        """Hands calls to the dialer; returns, per call, None if accepted or the reason it was not."""
        ...


class CallRunStarter(Protocol):
    def start(self, tenant_id: str, call_run_id: str) -> None:
        """Start the InitiateCalls workflow for a stored run (input: ids only); idempotent per run."""
        ...


class EventPublisher(Protocol):
    def publish(self, event: OutboxEvent) -> None: ...


def existing_run(store: CallRunStore, tenant_id: str, call_run_id: str) -> dict[str, Any]:
    run = store.get_run(tenant_id, call_run_id)
    if run is None:
        raise NotFound(f"Call run {call_run_id} not found", {"callRunId": call_run_id})
    return run


# Starting a run (the api function, after the customers are written)


def start_call_run(
    store: CallRunStore,
    starter: CallRunStarter,
    tenant_id: str,
    call_run_id: str,
    run: Mapping[str, Any],
    targets: Sequence[Mapping[str, Any]],
    batch_size: int,
) -> dict[str, Any]:
    """Store the run and its batches (the customers by reference), then start the workflow.

    `run` carries what dispatching needs from the campaign (call window, opt-in, call config), so
    a later change to the campaign does not change a run already under way. If the workflow cannot
    be started, the run is failed with the reason rather than left running forever.
    """
    batches = [list(targets[i : i + batch_size]) for i in range(0, len(targets), batch_size)]
    # A run already stored is the same request's, retried: writing its batches again would wipe
    # what they record (requested, charged) and call and charge every debtor twice. It is only
    # started again, which the starter makes a no-op when its execution exists; a run that already
    # ended (failed to start, or done) is left as it is.
    existing = store.get_run(tenant_id, call_run_id)
    if existing is None:
        store.create_run(
            tenant_id,
            call_run_id,
            {**run, "customers": len(targets), "batch_size": batch_size, "batches_total": len(batches)},
            batches,
        )
    result = {
        "callRunId": call_run_id,
        "status": "started",
        "customers": len(targets),
        "batches": len(batches),
        "batchSize": batch_size,
    }
    if existing is not None and existing.get("status") != "running":
        return {**result, "status": str(existing.get("status"))}
    try:
        starter.start(tenant_id, call_run_id)
    except Exception as error:  # reported, not raised: the writes are done
        reason = f"the InitiateCalls workflow could not be started ({type(error).__name__})"
        store.finish_run(tenant_id, call_run_id, {"status": "failed", "error": reason}, None)
        return {**result, "status": "failed", "error": reason}
    return result


# The workflow's tasks


def plan_batches(
    store: CallRunStore, tenant_id: str, call_run_id: str, max_concurrency: int, wait_seconds: int
) -> dict[str, Any]:
    run = existing_run(store, tenant_id, call_run_id)
    count = math.ceil(int(run["customers"]) / int(run["batch_size"])) if run["customers"] else 0
    return {
        "tenantId": tenant_id,
        "callRunId": call_run_id,
        "batches": list(range(count)),
        "maxConcurrency": max_concurrency,
        "waitSeconds": wait_seconds,
    }


def call_window_of(run: Mapping[str, Any]) -> CallWindow | None:
    raw = run.get("call_window")
    if not raw:
        return None

    def hhmm(text: str) -> time:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))

    return CallWindow(
        start=hhmm(raw["start"]),
        end=hhmm(raw["end"]),
        timezone=raw.get("timezone", "Europe/Paris"),
        days=frozenset(DAY_NAMES.index(d) for d in raw.get("days", DAY_NAMES)),
    )


def dispatch_batch(
    store: CallRunStore,
    dialer: Dialer,
    tenant_id: str,
    call_run_id: str,
    index: int,
    *,
    now: datetime,
    prices: PriceTable = DEFAULT_PRICES,
) -> dict[str, Any]:
    run = existing_run(store, tenant_id, call_run_id)
    batch = store.get_batch(tenant_id, call_run_id, index)
    customers: list[dict[str, Any]] = list(batch.get("customers", []))
    already = set(batch.get("requested", []))
    charged = set(batch.get("charged", []))
    failed_calls: dict[str, str] = dict(batch.get("failed_calls") or {})
    skipped_calls: dict[str, str] = {}
    window = call_window_of(run)
    in_window = window is None or window.allows(now)
    campaign_opt_in = bool(run.get("accept_expensive_destination", False))
    cost: dict[str, int] = {c["key"]: _price(c, prices)[0] for c in customers}

    callable_now: list[dict[str, Any]] = []
    for customer in customers:
        key = customer["key"]
        if key in already or key in failed_calls:
            continue  # decided by an earlier attempt of this batch: never requested twice
        if not in_window:
            assert window is not None
            skipped_calls[key] = f"outside the campaign's call window {window.describe()}"
            continue
        credits_per_call, expensive, where = _price(customer, prices)
        if expensive and not (customer.get("accept_expensive_destination") or campaign_opt_in):
            failed_calls[key] = (
                f"expensive destination {where} ({credits_per_call} credits a call): "
                "set accept_expensive_destination on the campaign or the record to call it"
            )
            continue
        callable_now.append(customer)

    to_charge = {c["key"]: cost[c["key"]] for c in callable_now if c["key"] not in charged}
    charged |= _reserve(store, tenant_id, call_run_id, index, to_charge)
    for key, amount in to_charge.items():
        if key not in charged:
            failed_calls[key] = f"insufficient credits: this call costs {amount} credits"
    config = run.get("call_config", {})
    to_request = [
        CallRequest(
            call_id(call_run_id, c["key"]),
            tenant_id,
            call_run_id,
            c["key"],
            c["phone_number"],
            config,
            str(run.get("campaign_id", "")),
            cost[c["key"]],
        )
        for c in callable_now
        if c["key"] in charged
    ]

    reasons = dialer.request_calls(to_request) if to_request else []
    accepted = [call.customer_key for call, reason in zip(to_request, reasons, strict=True) if reason is None]
    store.mark_requested(tenant_id, call_run_id, index, accepted)
    refused = {}
    for call, reason in zip(to_request, reasons, strict=True):
        if reason is not None:
            failed_calls[call.customer_key] = f"the dialer refused the call: {reason}"
            refused[call.customer_key] = call.credits
    if refused:
        store.release_credits(tenant_id, call_run_id, index, refused)
    requested = already | set(accepted)
    outcome = BatchOutcome(
        index=index,
        # Calls accepted by an earlier attempt of this batch count as initiated, not again requested.
        initiated=len(requested),
        failed=len(failed_calls),
        skipped=len(skipped_calls),
        credits=sum(cost[k] for k in requested),
        failed_calls=failed_calls,
        skipped_calls=skipped_calls,
    )
    store.save_batch_outcome(tenant_id, call_run_id, outcome, None)
    return {
        "index": index,
        "initiated": outcome.initiated,
        "failed": outcome.failed,
        "skipped": outcome.skipped,
    }


def _reserve(
    store: CallRunStore, tenant_id: str, call_run_id: str, index: int, charges: Mapping[str, int]
) -> set[str]:
    """Reserve every call if the balance allows, else as many as it covers, in batch order."""
    wanted = dict(charges)
    for _ in range(RESERVE_ATTEMPTS):
        if not wanted:
            return set()
        if store.reserve_credits(tenant_id, call_run_id, index, wanted):
            return set(wanted)
        # Short: take the calls that fit the balance read now (it may move; then try again).
        balance = store.credit_balance(tenant_id)
        affordable: dict[str, int] = {}
        total = 0
        for key, amount in charges.items():
            if total + amount <= balance:
                affordable[key] = amount
                total += amount
        wanted = affordable
    return set()


def _price(customer: Mapping[str, Any], prices: PriceTable) -> tuple[int, bool, str]:
    region = customer.get("region") or region_of(str(customer.get("phone_number", ""))) or "ZZ"
    destination = destination_for(str(region), prices)
    return destination.credits_per_call, destination.expensive, f"{destination.country} ({destination.zone})"


def record_batch_failure(
    store: CallRunStore, tenant_id: str, call_run_id: str, index: int, error: Any
) -> None:
    """The Catch path: the batch failed after its retries. Calls the dialer already accepted stay
    initiated; every other customer of the batch is failed with the workflow's error."""
    batch = store.get_batch(tenant_id, call_run_id, index)
    customers = list(batch.get("customers", []))
    requested = set(batch.get("requested", []))
    # Calls charged but never accepted by the dialer will not be made: their credits go back.
    unplaced = {
        c["key"]: _price(c, DEFAULT_PRICES)[0]
        for c in customers
        if c["key"] in set(batch.get("charged", [])) and c["key"] not in requested
    }
    if unplaced:
        store.release_credits(tenant_id, call_run_id, index, unplaced)
    if isinstance(error, Mapping):
        message = str(error.get("Cause") or error.get("Error") or "unknown error")
    else:
        message = str(error)
    reason = f"the batch failed: {message[:300]}"
    failed_calls = {c["key"]: reason for c in customers if c["key"] not in requested}
    store.save_batch_outcome(
        tenant_id,
        call_run_id,
        BatchOutcome(
            index=index,
            initiated=len(requested),
            failed=len(failed_calls),
            skipped=0,
            credits=sum(_price(c, DEFAULT_PRICES)[0] for c in customers if c["key"] in requested),
            failed_calls=failed_calls,
        ),
        message,
    )


def run_status(initiated: int, failed: int, skipped: int) -> str:
    if failed == 0:
        return "succeeded"
    if initiated + skipped == 0:
        return "failed"
    return "partially_failed"


def completed_event(tenant_id: str, call_run_id: str, summary: Mapping[str, Any], at: str) -> OutboxEvent:
    # One event per run: a deterministic id makes every re-publication the same event.
    event_id = (
        "evt_" + uuid.uuid5(uuid.NAMESPACE_URL, f"{tenant_id}/call-run/{call_run_id}/{COMPLETED_EVENT}").hex
    )
    return OutboxEvent(
        event_id=event_id,
        tenant_id=tenant_id,
        type=COMPLETED_EVENT,
        data={"callRunId": call_run_id, **{k: v for k, v in summary.items() if k != "batches"}},
        created_at=at,
    )


def summary_of(run: Mapping[str, Any], batches: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The run's counts from its batches, as summarize (and fail_run) store them."""
    batches = sorted(batches, key=lambda b: int(b["index"]))
    done = [b for b in batches if "batch_status" in b]
    initiated = sum(int(b["initiated"]) for b in done)
    # A batch that never reported (the workflow stopped early) fails its customers.
    failed = sum(int(b["failed"]) for b in done) + sum(
        len(b.get("customers", [])) for b in batches if b not in done
    )
    skipped = sum(int(b["skipped"]) for b in done)
    return {
        "status": run_status(initiated, failed, skipped),
        "customers": int(run["customers"]),
        "initiated": initiated,
        "failed": failed,
        "skipped": skipped,
        "batchesProcessed": len(done),
        "batches": [
            {"index": int(b["index"]), "initiated": int(b["initiated"]), "failed": int(b["failed"])}
            for b in done
        ],
        "creditsReserved": sum(int(b.get("credits", 0) or 0) for b in done),
    }


def summarize(
    store: CallRunStore,
    tenant_id: str,
    call_run_id: str,
    *,
    publisher: EventPublisher | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    run = existing_run(store, tenant_id, call_run_id)
    summary = summary_of(run, store.list_batches(tenant_id, call_run_id))
    _, event = finish_with(store, tenant_id, call_run_id, summary, now)
    if publisher is not None:
        # Published on every attempt: delivery dedupes by event id, and a crash right after the
        # store's write must not lose the webhook.
        publisher.publish(event)
    return {"callRunId": call_run_id, **summary}


def finish_with(
    store: CallRunStore, tenant_id: str, call_run_id: str, summary: dict[str, Any], now: datetime | None
) -> tuple[bool, OutboxEvent]:
    """The run's one terminal write, with its call_run.completed event; False if it had ended."""
    at = (now or datetime.now().astimezone()).isoformat()
    event = completed_event(tenant_id, call_run_id, summary, at)
    return store.finish_run(tenant_id, call_run_id, {**summary, "finished_at": at}, event), event


# Reading runs (GET /call-runs/{id}, GET /call-runs/{id}/calls)


def view_run(store: CallRunStore, tenant_id: str, call_run_id: str) -> dict[str, Any]:
    run = existing_run(store, tenant_id, call_run_id)
    if run.get("status", "running") != "running":
        keys = ("status", "customers", "initiated", "failed", "skipped", "batchesProcessed", "batches")
        view = {k: run.get(k) for k in keys}
        view["creditsReserved"] = int(run.get("creditsReserved", 0) or 0)
        if run.get("error"):
            view["error"] = run["error"]
        view.setdefault("batches", [])
        for name in ("initiated", "failed", "skipped", "batchesProcessed"):
            view[name] = int(view.get(name) or 0)
    else:
        # Progress so far, from the batches that have reported.
        done = sorted(
            (b for b in store.list_batches(tenant_id, call_run_id) if "batch_status" in b),
            key=lambda b: int(b["index"]),
        )
        view = {
            "status": "running",
            "customers": int(run["customers"]),
            "initiated": sum(int(b["initiated"]) for b in done),
            "failed": sum(int(b["failed"]) for b in done),
            "skipped": sum(int(b["skipped"]) for b in done),
            "batchesProcessed": len(done),
            "batches": [
                {"index": int(b["index"]), "initiated": int(b["initiated"]), "failed": int(b["failed"])}
                for b in done
            ],
            "creditsReserved": sum(int(b.get("credits", 0) or 0) for b in done),
        }
    return {
        "id": call_run_id,
        "campaignId": run.get("campaign_id"),
        "batchSize": int(run.get("batch_size", 0) or 0),
        "batchesTotal": int(run.get("batches_total", 0) or 0),
        "createdAt": run.get("created_at"),
        **view,
    }


def list_calls(
    store: CallRunStore, tenant_id: str, call_run_id: str, batch_index: int, status: str | None
) -> tuple[list[dict[str, Any]], int | None]:
    """The calls of one batch (a page), with their state, and the next batch's index."""
    run = existing_run(store, tenant_id, call_run_id)
    total = int(run.get("batches_total") or math.ceil(int(run["customers"]) / max(int(run["batch_size"]), 1)))
    if batch_index >= total:
        return [], None
    batch = store.get_batch(tenant_id, call_run_id, batch_index)
    requested = set(batch.get("requested", []))
    failed = dict(batch.get("failed_calls") or {})
    skipped = dict(batch.get("skipped_calls") or {})
    calls = []
    for customer in batch.get("customers", []):
        key = customer["key"]
        if key in requested:
            state, reason = "requested", None
        elif key in failed:
            state, reason = "failed", failed[key]
        elif key in skipped:
            state, reason = "skipped", skipped[key]
        else:
            state, reason = "pending", None
        if status is not None and state != status:
            continue
        calls.append(
            {
                "callId": call_id(call_run_id, key),
                "customerId": key,
                "phoneNumber": customer["phone_number"],
                "batch": batch_index,
                "status": state,
                "reason": reason,
            }
        )
    return calls, (batch_index + 1 if batch_index + 1 < total else None)
