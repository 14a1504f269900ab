"""The InitiateCalls workflow's store and dialer in memory, with the helpers its unit tests share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from debtload.domain.calls.dispatch import dispatch_batch
from debtload.domain.calls.ports import BatchOutcome, CallRequest
from debtload.domain.jobs.model import OutboxEvent

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # a Wednesday, 11:00 in Paris


class MemoryCallRuns:
    def __init__(
        self,
        customers: int = 0,
        batch_size: int = 500,
        phones: Sequence[str] | None = None,
        balance: int = 1_000_000,
        **run: Any,
    ) -> None:
        self.balance = balance
        self.ledger: list[int] = []
        self.run: dict[str, Any] = {
            "customers": customers,
            "batch_size": batch_size,
            "call_config": {"agentId": "a1"},
            "campaign_id": "c1",
            "status": "running",
            **run,
        }
        numbers = list(phones) if phones else ["+33612345678"] * customers
        entries = [{"key": f"loan-{i}", "phone_number": numbers[i], "region": None} for i in range(customers)]
        self.batches: dict[int, dict[str, Any]] = {
            n: {"index": n, "customers": entries[i : i + batch_size]}
            for n, i in enumerate(range(0, customers, batch_size))
        }
        self.events: list[OutboxEvent] = []

    def create_run(
        self,
        tenant_id: str,
        call_run_id: str,
        run: Mapping[str, Any],
        batches: Sequence[Sequence[Mapping[str, Any]]],
    ) -> int:
        self.run = {"status": "running", **run}
        self.batches = {i: {"index": i, "customers": [dict(c) for c in b]} for i, b in enumerate(batches)}
        return len(batches) + 1

    def get_run(self, tenant_id: str, call_run_id: str) -> dict[str, Any] | None:
        return self.run if call_run_id == "run-1" else None

    def get_batch(self, tenant_id: str, call_run_id: str, index: int) -> dict[str, Any]:
        return dict(self.batches.get(index, {}))

    def mark_requested(
        self, tenant_id: str, call_run_id: str, index: int, customer_keys: Sequence[str]
    ) -> None:
        if customer_keys:
            batch = self.batches[index]
            batch["requested"] = set(batch.get("requested", set())) | set(customer_keys)

    def reserve_credits(
        self, tenant_id: str, call_run_id: str, index: int, charges: Mapping[str, int]
    ) -> bool:
        amount = sum(charges.values())
        if amount > self.balance:
            return False
        self.balance -= amount
        self.ledger.append(-amount)
        batch = self.batches[index]
        batch["charged"] = set(batch.get("charged", set())) | set(charges)
        return True

    def release_credits(
        self, tenant_id: str, call_run_id: str, index: int, charges: Mapping[str, int]
    ) -> None:
        batch = self.batches[index]
        still = {k: v for k, v in charges.items() if k in batch.get("charged", set())}
        batch["charged"] = set(batch.get("charged", set())) - set(still)
        if still:
            self.balance += sum(still.values())
            self.ledger.append(sum(still.values()))

    def credit_balance(self, tenant_id: str) -> int:
        return self.balance

    def save_batch_outcome(
        self, tenant_id: str, call_run_id: str, outcome: BatchOutcome, error: str | None
    ) -> None:
        self.batches[outcome.index].update(
            initiated=outcome.initiated,
            failed=outcome.failed,
            skipped=outcome.skipped,
            credits=outcome.credits,
            failed_calls=dict(outcome.failed_calls),
            skipped_calls=dict(outcome.skipped_calls),
            batch_status="failed" if error else "done",
            batch_error=error or "",
        )

    def list_batches(self, tenant_id: str, call_run_id: str) -> list[dict[str, Any]]:
        return [dict(b) for b in self.batches.values()]

    def finish_run(
        self, tenant_id: str, call_run_id: str, summary: Mapping[str, Any], event: OutboxEvent | None
    ) -> bool:
        if self.run["status"] != "running":
            return False
        self.run.update(summary)
        if event is not None:
            self.events.append(event)
        return True

    def outcome(self, index: int) -> dict[str, Any]:
        return self.batches[index]

    def runs_of_job(self, tenant_id: str, job_id: str) -> list[str]:
        return []

    def claim_dialing(self, tenant_id: str, call_run_id: str, index: int) -> bool:
        if self.run.get("status") == "canceled":
            return False
        self.run["dialing"] = set(self.run.get("dialing", set())) | {index}
        return True

    def release_dialing(self, tenant_id: str, call_run_id: str, index: int) -> None:
        self.run["dialing"] = set(self.run.get("dialing", set())) - {index}


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


class FailingStarter:
    def start(self, tenant_id: str, call_run_id: str) -> None:
        raise RuntimeError("no state machine")


def dispatch(
    store: MemoryCallRuns, dialer: RecordingDialer, index: int, now: datetime = NOW
) -> dict[str, Any]:
    return dispatch_batch(store, dialer, "t1", "run-1", index, now=now)
