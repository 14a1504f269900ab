"""The InitiateCalls workflow's batch tasks: dispatch one batch, record a batch that failed for good.

A call is marked requested once the dialer accepted it, and a retried batch skips marked calls. A
crash between the dialer's acceptance and the mark re-sends that one call with the same id, which
the dialer uses as its idempotency token (Amazon Connect's ClientToken, the CallRequested event's
callId), so no call is placed twice.

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

from collections.abc import Mapping, Sequence
from datetime import datetime, time
from typing import Any

from debtload.domain.calls.ports import BatchOutcome, CallRequest, CallRunStore, Dialer
from debtload.domain.calls.start import call_id, existing_run
from debtload.domain.campaigns.campaign import DAY_NAMES, CallWindow
from debtload.domain.pricing import DEFAULT_PRICES, PriceTable, destination_for
from debtload.validation.phone import region_of

RESERVE_ATTEMPTS = 3
CANCELED = "canceled"  # a run's status once its customers file was canceled (domain/calls/cancel.py)


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
    """One attempt at a batch: choose the calls to make now, charge them, hand them to the dialer,
    store the batch's outcome."""
    run = existing_run(store, tenant_id, call_run_id)
    if run.get("status") == CANCELED:
        return _canceled(index)  # its customers file was canceled: nothing is charged or dialed
    batch = store.get_batch(tenant_id, call_run_id, index)
    customers: list[dict[str, Any]] = list(batch.get("customers", []))
    already = set(batch.get("requested", []))
    failed_calls: dict[str, str] = dict(batch.get("failed_calls") or {})
    cost: dict[str, int] = {c["key"]: _price(c, prices)[0] for c in customers}
    callable_now, skipped_calls = _callable_now(run, customers, already, failed_calls, now, prices)
    charged = _charge(
        store, tenant_id, call_run_id, index, callable_now, set(batch.get("charged", [])), cost, failed_calls
    )
    # The batch takes its claim on the run before the dialer, only while the run is not canceled: a
    # cancel either comes first (nothing dialed, the reservation given back) or waits for this
    # batch's calls to be marked requested before it refunds (decision 91).
    if not store.claim_dialing(tenant_id, call_run_id, index):
        refund = {k: cost[k] for k in sorted(charged - already) if k in cost}
        if refund:
            store.release_credits(tenant_id, call_run_id, index, refund)
        return _canceled(index)
    try:
        to_request = _call_requests(
            run, tenant_id, call_run_id, [c for c in callable_now if c["key"] in charged], cost
        )
        accepted = _request_calls(store, dialer, tenant_id, call_run_id, index, to_request, failed_calls)
    finally:
        store.release_dialing(tenant_id, call_run_id, index)
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


def _canceled(index: int) -> dict[str, Any]:
    return {"index": index, "initiated": 0, "failed": 0, "skipped": 0, "canceled": True}


def credits_of(customer: Mapping[str, Any], prices: PriceTable = DEFAULT_PRICES) -> int:
    """What one call to the customer costs."""
    return _price(customer, prices)[0]


def _callable_now(
    run: Mapping[str, Any],
    customers: Sequence[dict[str, Any]],
    already: set[str],
    failed_calls: dict[str, str],
    now: datetime,
    prices: PriceTable,
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The customers to charge and call now, and those skipped (outside the call window) with the
    reason. An expensive destination without an opt-in is added to `failed_calls`."""
    window = call_window_of(run)
    in_window = window is None or window.allows(now)
    campaign_opt_in = bool(run.get("accept_expensive_destination", False))
    skipped_calls: dict[str, str] = {}
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
    return callable_now, skipped_calls


def _charge(
    store: CallRunStore,
    tenant_id: str,
    call_run_id: str,
    index: int,
    callable_now: Sequence[Mapping[str, Any]],
    charged: set[str],
    cost: Mapping[str, int],
    failed_calls: dict[str, str],
) -> set[str]:
    """Reserve the credits of the calls not charged yet; a call the balance cannot cover is added to
    `failed_calls`. Returns every key charged now."""
    to_charge = {c["key"]: cost[c["key"]] for c in callable_now if c["key"] not in charged}
    charged = charged | _reserve(store, tenant_id, call_run_id, index, to_charge)
    for key, amount in to_charge.items():
        if key not in charged:
            failed_calls[key] = f"insufficient credits: this call costs {amount} credits"
    return charged


def _call_requests(
    run: Mapping[str, Any],
    tenant_id: str,
    call_run_id: str,
    customers: Sequence[Mapping[str, Any]],
    cost: Mapping[str, int],
) -> list[CallRequest]:
    config = run.get("call_config", {})
    return [
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
        for c in customers
    ]


def _request_calls(
    store: CallRunStore,
    dialer: Dialer,
    tenant_id: str,
    call_run_id: str,
    index: int,
    to_request: Sequence[CallRequest],
    failed_calls: dict[str, str],
) -> list[str]:
    """Hand the calls to the dialer and mark those it accepted; a refused call is added to
    `failed_calls` and its credits are given back. Returns the keys accepted."""
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
    return accepted


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
