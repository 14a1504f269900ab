"""The tenant's webhook endpoint and the delivery state of its outbox events."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.cursors import decode_cursor, encode_cursor
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.domain import webhooks
from debtload.domain.webhooks import Endpoint


class DynamoWebhookStore:
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def get_endpoint(self, tenant_id: str) -> Endpoint | None:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.WEBHOOK_SK)
        if item is None:
            return None
        return Endpoint(
            url=item["url"],
            events=tuple(item.get("events", [])),
            secret=item["secret"],
            enabled=bool(item.get("enabled", True)),
            disabled_reason=item.get("disabled_reason"),
        )

    def put_endpoint(self, tenant_id: str, endpoint: Endpoint) -> None:
        self.table.put(
            {
                "PK": keys.tenant_pk(tenant_id),
                "SK": keys.WEBHOOK_SK,
                "url": endpoint.url,
                "events": list(endpoint.events),
                "secret": endpoint.secret,
                "enabled": True,
                "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )

    def disable_endpoint(self, tenant_id: str, reason: str) -> None:
        self.table.update(
            keys.tenant_pk(tenant_id),
            keys.WEBHOOK_SK,
            "SET enabled = :false, disabled_reason = :reason",
            values={":false": False, ":reason": reason},
            condition="attribute_exists(PK)",
        )

    def get_event(self, tenant_id: str, event_id: str) -> dict[str, Any] | None:
        return self.table.get(keys.tenant_pk(tenant_id), keys.event_sk(event_id))

    def record_attempt(self, tenant_id: str, event_id: str, status: str, detail: str) -> int:
        item = self.table.update(
            keys.tenant_pk(tenant_id),
            keys.event_sk(event_id),
            "SET delivery_status = :status, last_attempt = :detail, last_attempt_at = :now ADD attempts :one"
            " REMOVE delivery_lease_until",
            values={
                ":status": status,
                ":detail": detail,
                ":now": datetime.now(UTC).isoformat(timespec="seconds"),
                ":one": 1,
            },
        )
        return int(item.get("attempts", 1))

    def schedule_retry(self, tenant_id: str, event_id: str, at: str) -> None:
        self.table.update(
            keys.tenant_pk(tenant_id),
            keys.event_sk(event_id),
            "SET next_attempt_at = :at",
            values={":at": at},
        )

    def claim_delivery(self, tenant_id: str, event_id: str, lease_seconds: float) -> bool:
        now = time.time()
        try:
            self.table.update(
                keys.tenant_pk(tenant_id),
                keys.event_sk(event_id),
                "SET delivery_lease_until = :until",
                values={
                    ":until": Decimal(str(round(now + lease_seconds, 3))),
                    ":now": Decimal(str(round(now, 3))),
                }
                | {f":s{i}": status for i, status in enumerate(webhooks.SETTLED)},
                condition=(
                    "attribute_exists(PK) AND (attribute_not_exists(delivery_status) OR NOT delivery_status IN ("
                    + ", ".join(f":s{i}" for i in range(len(webhooks.SETTLED)))
                    + ")) AND (attribute_not_exists(delivery_lease_until) OR delivery_lease_until < :now)"
                ),
            )
        except self.table.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def list_events(
        self, tenant_id: str, status: str | None, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        pk = keys.tenant_pk(tenant_id)
        start = _own_events_cursor(decode_cursor(cursor), pk)
        found: list[dict[str, Any]] = []
        while True:
            # A status is a filter over the partition's events, so read wider pages than asked.
            items, last = self.table.query(
                pk, keys.event_sk(""), limit=limit if status is None else 200, start_key=start
            )
            for item in items:
                if status is None or item.get("delivery_status", "pending") == status:
                    found.append(item)
                    if len(found) == limit:
                        more = last is not None or item is not items[-1]
                        return found, encode_cursor({"PK": pk, "SK": item["SK"]}) if more else None
            if last is None:
                return found, None
            start = last

    def mark_failed(self, tenant_id: str, event_id: str, detail: str) -> None:
        self.table.update(
            keys.tenant_pk(tenant_id),
            keys.event_sk(event_id),
            "SET delivery_status = :failed, last_attempt = :detail, failed_at = :now",
            values={
                ":failed": "failed",
                ":detail": detail,
                ":now": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )

    def reset_event(self, tenant_id: str, event_id: str) -> None:
        self.table.update(
            keys.tenant_pk(tenant_id),
            keys.event_sk(event_id),
            "SET delivery_status = :pending, attempts = :zero REMOVE delivery_lease_until",
            values={":pending": "pending", ":zero": 0},
        )


def _own_events_cursor(start: dict[str, Any] | None, pk: str) -> dict[str, Any] | None:
    """An events cursor names one of this tenant's events; anything else is refused (DynamoDB would
    answer an unusable ExclusiveStartKey with an error, not a page)."""
    if start is None:
        return None
    if (
        set(start) != {"PK", "SK"}
        or start["PK"] != pk
        or not isinstance(start["SK"], str)
        or not start["SK"].startswith(keys.event_sk(""))
    ):
        raise ValueError("invalid cursor")
    return start
