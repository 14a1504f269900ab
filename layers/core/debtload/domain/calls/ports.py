"""What the call-run use cases need from the outside (the run store, the dialer, the workflow's
starter, the event publisher) and the values they exchange with it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from debtload.domain.jobs.model import OutboxEvent


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

    def runs_of_job(self, tenant_id: str, job_id: str) -> list[str]:
        """Ids of the runs a customers file's job started."""
        ...

    def get_batch(self, tenant_id: str, call_run_id: str, index: int) -> dict[str, Any]:
        """The batch item: customers, requested (keys the dialer accepted), failed_calls, counts."""
        ...

    def claim_dialing(self, tenant_id: str, call_run_id: str, index: int) -> bool:
        """Add the batch to the run's `dialing` set, only while the run is not canceled; False if it is."""
        ...

    def release_dialing(self, tenant_id: str, call_run_id: str, index: int) -> None: ...

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
