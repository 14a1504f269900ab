"""Call runs and their batches (customers by reference) in the single table.

One item per run (`CALLRUN#<id>`) and one per batch (`CALLRUN#<id>#BATCH#<n>`): the batch holds its
customers (at most 500 small entries, far below the 400 KB item limit), the keys the dialer accepted
(a string set, ADDed after each acceptance), the failed and skipped calls with their reasons, and
its counts, and the keys whose credits are reserved (`charged`). Credits move in one transaction
with that set: the balance, a ledger entry (and its reference item, as for every ledger entry), and
the batch item, so a reservation is never half-made and never made twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.jobs import outbox_item
from debtload.adapters.dynamodb.table import DynamoTable, TransactionCancelled, set_fields_expression
from debtload.adapters.dynamodb.tenants import LEDGER_BALANCE, LEDGER_MARKER, ledger_operations
from debtload.domain.calls.ports import BatchOutcome
from debtload.domain.jobs.model import OutboxEvent

RELEASE_CHUNK = 50  # keys per refund transaction: one contains() each in the condition (4 KB limit)


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
                "customers": [dict(c) for c in customers],
            }
            for index, customers in enumerate(batches)
        ]
        calls = self.table.batch_write(items)
        # The run is written last: a run that exists always has all of its batches.
        item = {"PK": pk, "SK": keys.call_run_sk(call_run_id), "status": "running", **run}
        if run.get("job_id"):  # started by a file import: listed under its job
            item["GSI1PK"] = keys.job_call_runs_gsi_pk(tenant_id, str(run["job_id"]))
            item["GSI1SK"] = keys.call_run_sk(call_run_id)
        elif run.get("created_at"):  # started by a customers bulk: listed beside the jobs (decision 92)
            item["GSI1PK"] = keys.jobs_gsi_pk(tenant_id)
            item["GSI1SK"] = str(run["created_at"])
        self.table.put(item)
        return calls + 1

    def runs_of_job(self, tenant_id: str, job_id: str) -> list[str]:
        """Ids of the call runs a file import's job started, in id order."""
        ids: list[str] = []
        start: dict[str, Any] | None = None
        while True:
            items, start = self.table.query(
                keys.job_call_runs_gsi_pk(tenant_id, job_id), index="GSI1", start_key=start
            )
            ids.extend(str(i["SK"]).removeprefix(keys.call_run_sk("")) for i in items)
            if start is None:
                return ids

    def get_run(self, tenant_id: str, call_run_id: str) -> dict[str, Any] | None:
        return self.table.get(keys.tenant_pk(tenant_id), keys.call_run_sk(call_run_id))

    def get_batch(self, tenant_id: str, call_run_id: str, index: int) -> dict[str, Any]:
        return self.table.get(keys.tenant_pk(tenant_id), keys.call_batch_sk(call_run_id, index)) or {}

    def claim_dialing(self, tenant_id: str, call_run_id: str, index: int) -> bool:
        try:
            self.table.update(
                keys.tenant_pk(tenant_id),
                keys.call_run_sk(call_run_id),
                "ADD dialing :index",
                values={":index": {index}, ":canceled": "canceled"},
                names={"#st": "status"},
                condition="attribute_exists(PK) AND #st <> :canceled",
            )
        except self.table.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def release_dialing(self, tenant_id: str, call_run_id: str, index: int) -> None:
        self.table.update(
            keys.tenant_pk(tenant_id),
            keys.call_run_sk(call_run_id),
            "DELETE dialing :index",
            values={":index": {index}},
        )

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

    def credit_balance(self, tenant_id: str) -> int:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.CREDITS_SK)
        return int(item.get("balance", 0)) if item else 0

    @staticmethod
    def _entry_id(kind: str, call_run_id: str, index: int, customer_keys: Sequence[str]) -> str:
        digest = hashlib.sha256("\n".join(sorted(customer_keys)).encode()).hexdigest()[:16]
        return f"{kind}:{call_run_id}:{index}:{digest}"

    def reserve_credits(
        self, tenant_id: str, call_run_id: str, index: int, charges: Mapping[str, int]
    ) -> bool:
        if not charges:
            return True
        pk = keys.tenant_pk(tenant_id)
        amount = sum(charges.values())
        entry_id = self._entry_id("calls", call_run_id, index, list(charges))
        reason = f"{len(charges)} call(s) of call run {call_run_id}"
        operations: list[Mapping[str, Any]] = [
            *ledger_operations(tenant_id, -amount, reason, entry_id, must_cover=True),
            {
                "Update": {
                    "Key": {"PK": pk, "SK": keys.call_batch_sk(call_run_id, index)},
                    "UpdateExpression": "ADD charged :keys",
                    "ExpressionAttributeValues": {":keys": set(charges)},
                }
            },
        ]
        try:
            self.table.transact(operations)
        except TransactionCancelled as error:
            if (
                len(error.reasons) > LEDGER_BALANCE
                and error.reasons[LEDGER_BALANCE] == "ConditionalCheckFailed"
            ):
                return False
            if error.reasons and error.reasons[LEDGER_MARKER] == "ConditionalCheckFailed":
                return True  # reserved before under this entry id (same batch, same keys): not twice
            raise
        return True

    def release_credits(
        self, tenant_id: str, call_run_id: str, index: int, charges: Mapping[str, int]
    ) -> None:
        pk = keys.tenant_pk(tenant_id)
        ordered = sorted(charges)
        for start in range(0, len(ordered), RELEASE_CHUNK):
            chunk = ordered[start : start + RELEASE_CHUNK]
            amount = sum(charges[k] for k in chunk)
            values: dict[str, Any] = {":keys": set(chunk), **{f":k{i}": key for i, key in enumerate(chunk)}}
            condition = " AND ".join(f"contains(charged, :k{i})" for i in range(len(chunk)))
            operations: list[Mapping[str, Any]] = [
                {
                    "Update": {
                        "Key": {"PK": pk, "SK": keys.call_batch_sk(call_run_id, index)},
                        "UpdateExpression": "DELETE charged :keys",
                        # Only keys still charged are refunded: a second release changes nothing.
                        "ConditionExpression": condition,
                        "ExpressionAttributeValues": values,
                    }
                },
                *ledger_operations(
                    tenant_id,
                    amount,
                    f"{len(chunk)} call(s) of call run {call_run_id} not placed",
                    self._entry_id("calls-refund", call_run_id, index, chunk),
                    must_cover=False,
                ),
            ]
            try:
                self.table.transact(operations)
            except TransactionCancelled as error:
                if "ConditionalCheckFailed" not in error.reasons:
                    raise

    def save_batch_outcome(
        self, tenant_id: str, call_run_id: str, outcome: BatchOutcome, error: str | None
    ) -> None:
        self.table.update(
            keys.tenant_pk(tenant_id),
            keys.call_batch_sk(call_run_id, outcome.index),
            "SET initiated = :i, failed = :f, skipped = :s, credits = :c, failed_calls = :fc,"
            " skipped_calls = :sc, batch_status = :st, batch_error = :e",
            values={
                ":i": outcome.initiated,
                ":f": outcome.failed,
                ":s": outcome.skipped,
                ":c": outcome.credits,
                ":fc": dict(outcome.failed_calls),
                ":sc": dict(outcome.skipped_calls),
                ":st": "failed" if error else "done",
                ":e": error or "",
            },
        )

    def list_batches(self, tenant_id: str, call_run_id: str) -> list[dict[str, Any]]:
        batches: list[dict[str, Any]] = []
        start: dict[str, Any] | None = None
        while True:
            items, start = self.table.query(
                keys.tenant_pk(tenant_id), keys.call_batch_prefix(call_run_id), start_key=start
            )
            batches.extend(items)
            if start is None:
                return batches

    def finish_run(
        self, tenant_id: str, call_run_id: str, summary: Mapping[str, Any], event: OutboxEvent | None
    ) -> bool:
        expression, values, names = set_fields_expression(summary)
        names["#st"] = "status"
        values[":running"] = "running"
        update = {
            "Update": {
                "Key": {"PK": keys.tenant_pk(tenant_id), "SK": keys.call_run_sk(call_run_id)},
                "UpdateExpression": expression,
                # Exactly one terminal transition, so exactly one outbox event per run.
                "ConditionExpression": "#st = :running",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }
        operations: list[Mapping[str, Any]] = [update]
        if event is not None:
            operations.append({"Put": {"Item": outbox_item(event)}})
        try:
            self.table.transact(operations)
        except TransactionCancelled as error:
            if "ConditionalCheckFailed" in error.reasons:
                return False
            raise
        return True
