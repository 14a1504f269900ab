"""The scopes an API key can carry (listed in docs/api.md). Each route's scope is set once, in
api/route_scopes.py."""

from __future__ import annotations

ALL_SCOPES: tuple[str, ...] = (
    "debts:write",
    "debts:read",
    "collections:write",
    "collections:read",
    "collections:approve",
    "customers:write",
    "campaigns:write",
    "campaigns:read",
    "cases:write",
    "cases:read",
    "ingestion:write",
    "ingestion:read",
    "webhooks:write",
    "imports:read",
    "imports:write",
    "settings:write",
    "jobs:write",
)


def unknown_scopes(scopes: list[str] | tuple[str, ...]) -> list[str]:
    known = set(ALL_SCOPES)
    return [scope for scope in scopes if scope not in known]
