"""Jobs, chunk markers, per-row outcomes and outbox events in the single table."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.cursors import decode_cursor, encode_cursor
from debtload.adapters.dynamodb.row_packing import pack_outcomes, unpack_outcome
from debtload.adapters.dynamodb.table import DynamoTable, TransactionCancelled
from debtload.domain.jobs.model import Job, JobStatus, OutboxEvent, RowOutcome

ROW_TTL_DAYS = 90
_JOB_FIELDS = (
    "kind",
    "source",
    "rows_total",
    "rows_succeeded",
    "rows_failed",
    "chunks_total",
    "chunks_done",
    "dead_chunks",
    "sealed",
    "options",
    "created_at",
    "updated_at",
    "finished_at",
    "outcome",
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _expires_at(days: int = ROW_TTL_DAYS) -> int:
    return int(datetime.now(UTC).timestamp()) + days * 86_400


def job_from_item(tenant_id: str, item: dict[str, Any]) -> Job:
    return Job(
        tenant_id=tenant_id,
        job_id=item["job_id"],
        kind=item["kind"],
        source=item.get("source", "api"),
        status=JobStatus(item["status"]),
        rows_total=int(item.get("rows_total", 0)),
        rows_succeeded=int(item.get("rows_succeeded", 0)),
        rows_failed=int(item.get("rows_failed", 0)),
        chunks_total=int(item.get("chunks_total", 0)),
        chunks_done=int(item.get("chunks_done", 0)),
        dead_chunks=int(item.get("dead_chunks", 0)),
        sealed=bool(item.get("sealed", True)),
        options=item.get("options", {}) or {},
        created_at=item.get("created_at", ""),
        updated_at=item.get("updated_at", ""),
        finished_at=item.get("finished_at"),
        outcome=item.get("outcome"),
        in_flight=frozenset(str(lease) for lease in item.get("in_flight") or ()),
        canceled_at=item.get("canceled_at"),
    )


class DynamoJobStore:
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def create_job(self, job: Job) -> None:
        item = {
            "PK": keys.tenant_pk(job.tenant_id),
            "SK": keys.job_sk(job.job_id),
            "job_id": job.job_id,
            "status": job.status.value,
            **{name: getattr(job, name) for name in _JOB_FIELDS},
            "options": dict(job.options),
            "GSI1PK": keys.jobs_gsi_pk(job.tenant_id),
            "GSI1SK": job.created_at,
        }
        self.table.put(item, condition="attribute_not_exists(PK)")

    def get_job(self, tenant_id: str, job_id: str) -> Job | None:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.job_sk(job_id))
        return job_from_item(tenant_id, item) if item else None

    def mark_in_progress(self, tenant_id: str, job_id: str) -> None:
        # Another chunk may have got there first: then the condition fails, and that is fine.
        with contextlib.suppress(self.table.client.exceptions.ConditionalCheckFailedException):
            self.table.update(
                keys.tenant_pk(tenant_id),
                keys.job_sk(job_id),
                "SET #st = :progress, updated_at = :now",
                values={
                    ":progress": JobStatus.IN_PROGRESS.value,
                    ":queued": JobStatus.QUEUED.value,
                    ":now": _now(),
                },
                names={"#st": "status"},
                condition="#st = :queued",
            )

    def seal(
        self, tenant_id: str, job_id: str, rows_total: int, chunks_total: int, release: str | None = None
    ) -> Job:
        values: dict[str, Any] = {":true": True, ":rows": rows_total, ":chunks": chunks_total, ":now": _now()}
        update = "SET sealed = :true, rows_total = :rows, chunks_total = :chunks, updated_at = :now"
        if release is not None:
            update += " DELETE in_flight :lease"
            values[":lease"] = {release}
        item = self.table.update(keys.tenant_pk(tenant_id), keys.job_sk(job_id), update, values=values)
        return job_from_item(tenant_id, item)

    def is_chunk_counted(self, tenant_id: str, job_id: str, chunk: int) -> bool:
        return self.table.get(keys.job_pk(tenant_id, job_id), keys.job_chunk_sk(job_id, chunk)) is not None

    def save_row_outcomes(self, tenant_id: str, job_id: str, outcomes: Sequence[RowOutcome]) -> None:
        """One item per chunk of outcomes (split only near DynamoDB's item limit), keyed by its first
        row, so recording outcomes costs a constant number of writes, not one per row. A re-run chunk
        overwrites its own items. Succeeded rows keep their reference; failed rows keep what was sent."""
        if not outcomes:
            return
        ordered = sorted(outcomes, key=lambda o: o.row)
        pk = keys.job_pk(tenant_id, job_id)
        expires = _expires_at()
        items = []
        for part, packed in enumerate(pack_outcomes(ordered)):
            items.append(
                {
                    "PK": pk,
                    "SK": keys.job_outcomes_sk(job_id, ordered[0].row, part),
                    "outcomes": packed,
                    "expires_at": expires,
                }
            )
        self.table.batch_write(items)

    def count_chunk(
        self,
        tenant_id: str,
        job_id: str,
        chunk: int,
        succeeded: int,
        failed: int,
        dead: bool,
        lease: str | None = None,
    ) -> Job | None:
        pk = keys.tenant_pk(tenant_id)
        now = _now()
        values: dict[str, Any] = {
            ":s": succeeded,
            ":f": failed,
            ":one": 1,
            ":dead": 1 if dead else 0,
            ":now": now,
            ":queued": JobStatus.QUEUED.value,
            ":progress": JobStatus.IN_PROGRESS.value,
        }
        update = (
            "ADD rows_succeeded :s, rows_failed :f, chunks_done :one, dead_chunks :dead SET updated_at = :now"
        )
        condition = "#st IN (:queued, :progress)"
        if lease is None:
            update += ", #st = :progress"
        else:
            # The chunk took its lease while the job ran (claim_chunk set it in progress): it is
            # counted even if the job was canceled since, and the status is left as it is (decision 91).
            update += " DELETE in_flight :lease"
            condition = "#st IN (:queued, :progress) OR (#st = :canceled AND contains(in_flight, :held))"
            values.update({":lease": {lease}, ":held": lease, ":canceled": JobStatus.CANCELED.value})
        try:
            self.table.transact(
                [
                    {
                        "Put": {
                            "Item": {
                                "PK": keys.job_pk(tenant_id, job_id),
                                "SK": keys.job_chunk_sk(job_id, chunk),
                                "succeeded": succeeded,
                                "failed": failed,
                                "dead": dead,
                                "counted_at": now,
                                "expires_at": _expires_at(),
                            },
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                    {
                        "Update": {
                            "Key": {"PK": pk, "SK": keys.job_sk(job_id)},
                            "UpdateExpression": update,
                            "ConditionExpression": condition,
                            "ExpressionAttributeNames": {"#st": "status"},
                            "ExpressionAttributeValues": values,
                        }
                    },
                ]
            )
        except TransactionCancelled as error:
            if "ConditionalCheckFailed" in error.reasons:
                return None
            raise
        return self.get_job(tenant_id, job_id)

    def claim_chunk(self, tenant_id: str, job_id: str, lease: str) -> bool:
        try:
            self.table.update(
                keys.tenant_pk(tenant_id),
                keys.job_sk(job_id),
                "ADD in_flight :lease SET #st = :progress, updated_at = :now",
                values={
                    ":lease": {lease},
                    ":progress": JobStatus.IN_PROGRESS.value,
                    ":queued": JobStatus.QUEUED.value,
                    ":now": _now(),
                },
                names={"#st": "status"},
                condition="#st IN (:queued, :progress)",
            )
        except self.table.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def release_chunk(self, tenant_id: str, job_id: str, lease: str) -> None:
        self.table.update(
            keys.tenant_pk(tenant_id),
            keys.job_sk(job_id),
            "DELETE in_flight :lease",
            values={":lease": {lease}},
        )

    def cancel(self, job: Job, canceled_at: str) -> bool:
        try:
            self.table.update(
                keys.tenant_pk(job.tenant_id),
                keys.job_sk(job.job_id),
                "SET #st = :canceled, canceled_at = :at, updated_at = :at",
                values={
                    ":canceled": JobStatus.CANCELED.value,
                    ":at": canceled_at,
                    ":queued": JobStatus.QUEUED.value,
                    ":progress": JobStatus.IN_PROGRESS.value,
                },
                names={"#st": "status"},
                condition="#st IN (:queued, :progress)",
            )
        except self.table.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def finish_canceled(self, job: Job, outcome: str, event: OutboxEvent) -> bool:
        return self._update_with_event(
            {
                "Key": {"PK": keys.tenant_pk(job.tenant_id), "SK": keys.job_sk(job.job_id)},
                "UpdateExpression": "SET outcome = :outcome, finished_at = :at, updated_at = :at",
                "ConditionExpression": "#st = :canceled AND attribute_not_exists(finished_at)",
                "ExpressionAttributeNames": {"#st": "status"},
                "ExpressionAttributeValues": {
                    ":outcome": outcome,
                    ":at": job.finished_at or _now(),
                    ":canceled": JobStatus.CANCELED.value,
                },
            },
            event,
        )

    def finish(self, job: Job, status: JobStatus, outcome: str, event: OutboxEvent) -> bool:
        pk = keys.tenant_pk(job.tenant_id)
        now = _now()
        return self._update_with_event(
            {
                "Key": {"PK": pk, "SK": keys.job_sk(job.job_id)},
                "UpdateExpression": "SET #st = :final, outcome = :outcome, finished_at = :now, updated_at = :now",
                "ConditionExpression": "#st IN (:queued, :progress)",
                "ExpressionAttributeNames": {"#st": "status"},
                "ExpressionAttributeValues": {
                    ":final": status.value,
                    ":outcome": outcome,
                    ":now": now,
                    ":queued": JobStatus.QUEUED.value,
                    ":progress": JobStatus.IN_PROGRESS.value,
                },
            },
            event,
        )

    def decide_approval(self, job: Job, decision: str, decided_by: str, event: OutboxEvent) -> bool:
        """A held job's approval from awaiting to `decision`, with its event, in one transaction."""
        now = _now()
        return self._update_with_event(
            {
                "Key": {"PK": keys.tenant_pk(job.tenant_id), "SK": keys.job_sk(job.job_id)},
                "UpdateExpression": "SET options.approval = :decision, "
                "options.decided_by = :by, updated_at = :now",
                "ConditionExpression": "options.approval = :awaiting AND #st IN (:queued, :progress)",
                "ExpressionAttributeNames": {"#st": "status"},
                "ExpressionAttributeValues": {
                    ":decision": decision,
                    ":by": decided_by,
                    ":now": now,
                    ":awaiting": "awaiting",
                    ":queued": JobStatus.QUEUED.value,
                    ":progress": JobStatus.IN_PROGRESS.value,
                },
            },
            event,
        )

    def _update_with_event(self, update: dict[str, Any], event: OutboxEvent) -> bool:
        """The job's conditional update and its event in the outbox, in one transaction: both or
        neither. False when the update's condition did not hold."""
        try:
            self.table.transact([{"Update": update}, {"Put": {"Item": outbox_item(event)}}])
        except TransactionCancelled as error:
            if "ConditionalCheckFailed" in error.reasons:
                return False
            raise
        return True

    def list_row_outcomes(
        self, tenant_id: str, job_id: str, status: str | None, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Rows in row order, optionally of one status. The cursor names an outcome item and a
        position inside it."""
        pk = keys.job_pk(tenant_id, job_id)
        position = decode_cursor(cursor)
        pending: list[dict[str, Any]] = []
        start: dict[str, Any] | None = None
        offset = 0
        if position:
            resumed = self.table.get(pk, str(position.get("sk", "")))
            pending = [resumed] if resumed else []
            start = {"PK": pk, "SK": str(position.get("sk", ""))}
            offset = int(position.get("offset", 0))
        more = True
        rows: list[dict[str, Any]] = []
        while True:
            if not pending:
                if not more:
                    return rows, None
                pending, start = self.table.query(
                    pk, keys.job_outcomes_prefix(job_id), limit=4, start_key=start
                )
                more = start is not None
                if not pending:
                    return rows, None
            item = pending.pop(0)
            packed = item.get("outcomes", [])
            for index in range(offset, len(packed)):
                outcome = unpack_outcome(packed[index])
                if status is not None and outcome["status"] != status:
                    continue
                rows.append(outcome)
                if len(rows) == limit:
                    return rows, encode_cursor({"sk": item["SK"], "offset": index + 1})
            offset = 0


def outbox_item(event: OutboxEvent) -> dict[str, Any]:
    created = event.created_at or _now()
    return {
        "PK": keys.tenant_pk(event.tenant_id),
        "SK": keys.event_sk(event.event_id),
        # Unsent until the publisher marks it: the outbox sweep finds it (adapters/dynamodb/outbox.py).
        "GSI1PK": "OUTBOX#UNSENT",
        "GSI1SK": f"{created}#{event.tenant_id}#{event.event_id}",
        "event_id": event.event_id,
        "type": event.type,
        "data": dict(event.data),
        "created_at": created,
        "delivery_status": "pending",
        "attempts": 0,
        "expires_at": _expires_at(30),
    }
