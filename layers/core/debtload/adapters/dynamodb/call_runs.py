"""Call runs and their batches (customers by reference) in the single table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.domain.call_runs import BatchOutcome


class DynamoCallRunStore:
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def create_run(
        self,
        tenant_id: str,
        call_run_id: str,
        run: Mapping[str, Any],
        batches: Sequence[Sequence[Mapping[str, Any]]],
    ) -> int:
        pk = keys.tenant_pk(tenant_id)
        items = [
            {
                "PK": pk,
                "SK": keys.call_batch_sk(call_run_id, index),
                "index": index,
                "customers": list(customers),
            }
            for index, customers in enumerate(batches)
        ]
        calls = self.table.batch_write(items)
        # The run is written last: a run that exists always has all of its batches.
        self.table.put({"PK": pk, "SK": keys.call_run_sk(call_run_id), "status": "running", **run})
        return calls + 1

    def get_run(self, tenant_id: str, call_run_id: str) -> dict[str, Any] | None:
        return self.table.get(keys.tenant_pk(tenant_id), keys.call_run_sk(call_run_id))

    def _batch(self, tenant_id: str, call_run_id: str, index: int) -> dict[str, Any]:
        return self.table.get(keys.tenant_pk(tenant_id), keys.call_batch_sk(call_run_id, index)) or {}

    def get_batch_customers(self, tenant_id: str, call_run_id: str, index: int) -> list[dict[str, Any]]:
        return list(self._batch(tenant_id, call_run_id, index).get("customers", []))

    def requested_calls(self, tenant_id: str, call_run_id: str, index: int) -> set[str]:
        return set(self._batch(tenant_id, call_run_id, index).get("requested", []))

    def mark_requested(
        self, tenant_id: str, call_run_id: str, index: int, customer_keys: Sequence[str]
    ) -> None:
        if not customer_keys:
            return
        self.table.update(
            keys.tenant_pk(tenant_id),
            keys.call_batch_sk(call_run_id, index),
            "ADD requested :keys",
            values={":keys": set(customer_keys)},
        )

    def save_batch_outcome(
        self, tenant_id: str, call_run_id: str, outcome: BatchOutcome, error: str | None
    ) -> None:
        self.table.update(
            keys.tenant_pk(tenant_id),
            keys.call_batch_sk(call_run_id, outcome.index),
            "SET initiated = :i, failed = :f, skipped = :s, batch_status = :st, batch_error = :e",
            values={
                ":i": outcome.initiated,
                ":f": outcome.failed,
                ":s": outcome.skipped,
                ":st": "failed" if error else "done",
                ":e": error or "",
            },
        )

    def list_batch_outcomes(self, tenant_id: str, call_run_id: str) -> list[dict[str, Any]]:
        outcomes: list[dict[str, Any]] = []
        start: dict[str, Any] | None = None
        while True:
            items, start = self.table.query(
                keys.tenant_pk(tenant_id), keys.call_batch_sk(call_run_id, 0)[:-5], start_key=start
            )
            outcomes.extend(
                {
                    "index": i["index"],
                    "initiated": i["initiated"],
                    "failed": i["failed"],
                    "skipped": i["skipped"],
                }
                for i in items
                if "batch_status" in i
            )
            if start is None:
                return outcomes

    def finish_run(self, tenant_id: str, call_run_id: str, summary: Mapping[str, Any]) -> None:
        names = {f"#k{i}": name for i, name in enumerate(summary)}
        values = {f":v{i}": value for i, value in enumerate(summary.values())}
        expression = "SET " + ", ".join(f"#k{i} = :v{i}" for i in range(len(summary)))
        self.table.update(keys.tenant_pk(tenant_id), keys.call_run_sk(call_run_id), expression, values, names)
