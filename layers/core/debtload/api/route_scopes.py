"""The scope each API route requires: written here only, checked before anything reads the body.

powertools validates a request body before the route function runs, so a scope check inside the
route would answer a caller without the scope with the body's field errors. This table is checked
first, by the handler (api/app.py), and the routes take their caller from `principal_from_event`
without naming a scope again. Keys are the template's resource paths; tests/unit/test_route_scopes.py
ties them to the template's authorized routes, both ways. `ANY_KEY`: any valid key of the tenant.
`BY_RESOURCE`: the scope depends on what the route finds (a job's kind), so the route checks it
after the lookup.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from debtload.api.principal import require_scope

ANY_KEY: Final = "any-key"
BY_RESOURCE: Final = "by-resource"

ROUTE_SCOPES: Final[Mapping[tuple[str, str], str]] = {
    ("GET", "/credits"): ANY_KEY,
    ("PATCH", "/settings"): "settings:write",
    ("GET", "/me"): ANY_KEY,
    ("GET", "/jobs"): ANY_KEY,
    ("GET", "/jobs/{id}"): BY_RESOURCE,
    ("GET", "/jobs/{id}/rows"): BY_RESOURCE,
    ("POST", "/jobs/{id}/cancel"): "jobs:write",
    ("PUT", "/webhooks"): "webhooks:write",
    ("GET", "/webhooks"): "webhooks:write",
    ("GET", "/webhooks/events"): "webhooks:write",
    ("POST", "/webhooks/events/{id}/replay"): "webhooks:write",
    ("POST", "/cases"): "cases:write",
    ("GET", "/cases/{id}"): "cases:read",
    ("POST", "/cases/{id}/notes"): "cases:write",
    ("GET", "/cases/{id}/notes"): "cases:read",
    ("POST", "/ingestion-jobs"): "ingestion:write",
    ("GET", "/ingestion-jobs/{jobId}"): "ingestion:read",
    ("POST", "/campaigns"): "campaigns:write",
    ("GET", "/campaigns/{id}"): "campaigns:read",
    ("POST", "/customers/add/bulk"): "customers:write",
    ("GET", "/call-runs/{id}"): "campaigns:read",
    ("GET", "/call-runs/{id}/calls"): "campaigns:read",
    ("GET", "/imports"): "imports:read",
    ("GET", "/imports/{id}"): "imports:read",
    ("POST", "/imports/{id}/undo"): "jobs:write",
    ("POST", "/imports/uploads"): "imports:write",
    ("GET", "/imports/{id}/files/{name}"): "imports:read",
    ("PUT", "/import-mappings/{kind}"): "imports:write",
    ("GET", "/import-mappings/{kind}"): "imports:read",
    ("DELETE", "/import-mappings/{kind}"): "imports:write",
    ("POST", "/debts/batch"): "debts:write",
    ("POST", "/debts"): "debts:write",
    ("GET", "/debts"): "debts:read",
    ("GET", "/debts/{id}"): "debts:read",
    ("PATCH", "/debts/{id}"): "debts:write",
    ("POST", "/timelines"): "debts:write",
    ("GET", "/timelines"): "debts:read",
    ("POST", "/collections/bulks"): "collections:write",
    ("GET", "/collections/bulks/{id}"): "collections:read",
    ("GET", "/collections/bulks/{id}/collections"): "collections:read",
    ("POST", "/collections/bulks/{id}/approve"): "collections:approve",
    ("POST", "/collections/bulks/{id}/reject"): "collections:approve",
    ("POST", "/collections"): "collections:write",
    ("GET", "/collections/{id}"): "collections:read",
    ("POST", "/collections/{id}/cancel"): "collections:write",
    ("POST", "/collections/exports"): "collections:write",
    ("GET", "/collections/exports/{id}"): "collections:read",
}


def check_route_scope(event: Mapping[str, Any]) -> None:
    """Raise Unauthorized/Forbidden before routing; public routes and unlisted ones pass through."""
    if not ((event.get("requestContext") or {}).get("authorizer") or {}).get("tenant_id"):
        return  # a public route (the gateway's authorizer runs on every other one)
    scope = ROUTE_SCOPES.get((str(event.get("httpMethod", "")).upper(), str(event.get("resource", ""))))
    if scope is None or scope == BY_RESOURCE:
        return
    require_scope(event, None if scope == ANY_KEY else scope)
