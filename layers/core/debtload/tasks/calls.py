"""Routes a state machine task payload (`action`) to its use case in domain.calls."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from debtload.config import Config
from debtload.domain.calls import dispatch, failure, ports, start, summary
from debtload.domain.errors import BadRequest


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class CallTasks:
    store: ports.CallRunStore
    dialer: ports.Dialer
    config: Config
    publisher: ports.EventPublisher | None = None
    clock: Callable[[], datetime] = field(default=_utc_now)

    def run(self, payload: Mapping[str, Any]) -> Any:
        action = payload.get("action")
        tenant_id = str(payload.get("tenantId", ""))
        run_id = str(payload.get("callRunId", ""))
        if action == "plan":
            return start.plan_batches(
                self.store,
                tenant_id,
                run_id,
                self.config.call_max_concurrency,
                self.config.call_batch_wait_seconds,
            )
        if action == "dispatch":
            return dispatch.dispatch_batch(
                self.store,
                self.dialer,
                tenant_id,
                run_id,
                int(payload["batchIndex"]),
                now=self.clock(),
            )
        if action == "batch_failed":
            dispatch.record_batch_failure(
                self.store, tenant_id, run_id, int(payload["batchIndex"]), payload.get("error")
            )
            return {"recorded": True}
        if action == "summarize":
            return summary.summarize(
                self.store, tenant_id, run_id, publisher=self.publisher, now=self.clock()
            )
        if action == "mark_failed":
            return failure.fail_run(
                self.store,
                tenant_id,
                run_id,
                payload.get("error"),
                publisher=self.publisher,
                now=self.clock(),
            )
        raise BadRequest(f"Unknown calls task action {action!r}")
