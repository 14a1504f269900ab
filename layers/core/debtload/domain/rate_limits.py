"""Per-tenant rate limits by route class, in fixed windows (docs/api.md; 50 batches an hour, as the Batch
Create Debts API allows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from debtload.config import Config

BATCH = "batch"
DEFAULT = "default"
# The bulk routes: each request can carry thousands of rows, so they get their own, small budget.
BATCH_ROUTES = frozenset(
    {
        ("POST", "/debts/batch"),
        ("POST", "/collections/bulks"),
        ("POST", "/customers/add/bulk"),
        ("POST", "/ingestion-jobs"),
    }
)


@dataclass(frozen=True, slots=True)
class Limit:
    route_class: str
    limit: int
    window_seconds: int


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }


class RateLimitStore(Protocol):
    def hit(
        self, tenant_id: str, route_class: str, window_start: int, limit: int, ttl_seconds: int
    ) -> int | None:
        """Count one request in the window; the new count, or None when the limit is already reached."""
        ...


def limit_for(method: str, resource: str, config: Config) -> Limit:
    if (method.upper(), resource) in BATCH_ROUTES:
        return Limit(BATCH, config.batch_rate_limit_per_hour, 3600)
    return Limit(DEFAULT, config.default_rate_limit_per_minute, 60)


def check(store: RateLimitStore, tenant_id: str, limit: Limit, now: float) -> RateDecision:
    window_start = int(now) // limit.window_seconds * limit.window_seconds
    reset = window_start + limit.window_seconds - int(now)
    count = store.hit(tenant_id, limit.route_class, window_start, limit.limit, limit.window_seconds * 2)
    if count is None:
        return RateDecision(False, limit.limit, 0, reset)
    return RateDecision(True, limit.limit, max(0, limit.limit - count), reset)
