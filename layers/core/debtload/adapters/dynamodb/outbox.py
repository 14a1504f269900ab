"""Outbox entries (EVENT# items) that were never sent, found through a sparse GSI1 key.

An entry is written with GSI1PK = OUTBOX#UNSENT and loses it when marked sent, so the index holds
only what is still to publish. This one key is not prefixed by a tenant: the sweep is a system task
that publishes every tenant's entries, and no route reads it.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.domain.jobs.model import OutboxEvent

UNSENT_GSI_PK = "OUTBOX#UNSENT"
PAGE = 100


def unsent_sort_key(created_at: str, tenant_id: str, event_id: str) -> str:
    return f"{created_at}#{tenant_id}#{event_id}"


class DynamoOutbox:
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def unsent(self, written_before: str, limit: int) -> list[OutboxEvent]:
        events: list[OutboxEvent] = []
        start = None
        while len(events) < limit:
            items, start = self.table.query(UNSENT_GSI_PK, index="GSI1", limit=PAGE, start_key=start)
            for item in items:
                if str(item.get("GSI1SK", "")) >= written_before:
                    return events  # oldest first: the rest are younger still
                tenant_id = str(item["PK"]).removeprefix("TENANT#")
                events.append(
                    OutboxEvent(
                        str(item["event_id"]),
                        tenant_id,
                        str(item["type"]),
                        item.get("data") or {},
                        str(item.get("created_at", "")),
                    )
                )
                if len(events) == limit:
                    return events
            if start is None:
                return events
        return events

    def mark_sent(self, event: OutboxEvent) -> None:
        # Only an entry that exists: a publish of an event with no outbox entry creates nothing.
        with contextlib.suppress(self.table.client.exceptions.ConditionalCheckFailedException):
            self.table.update(
                keys.tenant_pk(event.tenant_id),
                keys.event_sk(event.event_id),
                "SET published_at = :now REMOVE GSI1PK, GSI1SK",
                values={":now": datetime.now(UTC).isoformat(timespec="milliseconds")},
                condition="attribute_exists(PK)",
            )
