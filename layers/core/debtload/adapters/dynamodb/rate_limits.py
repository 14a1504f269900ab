"""Fixed-window counters: one conditional UpdateItem per request, expired by TTL."""

from __future__ import annotations

import time

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.table import DynamoTable


class DynamoRateLimitStore:
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def hit(
        self, tenant_id: str, route_class: str, window_start: int, limit: int, ttl_seconds: int
    ) -> int | None:
        try:
            item = self.table.update(
                keys.tenant_pk(tenant_id),
                keys.rate_window_sk(route_class, window_start),
                "ADD hits :one SET expires_at = if_not_exists(expires_at, :expires)",
                values={":one": 1, ":limit": limit, ":expires": int(time.time()) + ttl_seconds},
                condition="attribute_not_exists(hits) OR hits < :limit",
            )
        except self.table.client.exceptions.ConditionalCheckFailedException:
            return None
        return int(item["hits"])
