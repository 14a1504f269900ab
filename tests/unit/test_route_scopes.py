from __future__ import annotations

import pytest

from debtload.api.principal import require_scope
from debtload.api.route_scopes import ROUTE_SCOPES, check_route_scope
from debtload.domain.errors import Forbidden, Unauthorized
from debtload.scopes import ALL_SCOPES
from devstack.template import LocalStackTemplate


def test_every_authorized_template_route_has_a_scope_policy() -> None:
    routes = {(r.method, r.path) for r in LocalStackTemplate().api_routes() if r.authorized}
    assert sorted(routes - set(ROUTE_SCOPES)) == []
    assert sorted(set(ROUTE_SCOPES) - routes) == []


def test_policies_name_known_scopes() -> None:
    for scope in ROUTE_SCOPES.values():
        assert scope in ALL_SCOPES or scope in ("any-key", "by-resource")


def _event(method: str, resource: str, scopes: str | None) -> dict[str, object]:
    authorizer = {"tenant_id": "t1", "key_id": "k", "scopes": scopes} if scopes is not None else None
    return {"httpMethod": method, "resource": resource, "requestContext": {"authorizer": authorizer}}


def test_scope_is_checked_before_the_route() -> None:
    with pytest.raises(Forbidden, match="cases:write"):
        check_route_scope(_event("POST", "/cases", "cases:read"))
    check_route_scope(_event("POST", "/cases", "cases:write"))
    check_route_scope(_event("GET", "/credits", "imports:read"))
    check_route_scope(_event("GET", "/health", None))


def test_missing_tenant_context_on_a_scoped_route_passes_to_the_route() -> None:
    # Behind API Gateway every authorized route has a tenant; the route's own check answers 401.
    check_route_scope({"httpMethod": "POST", "resource": "/cases", "requestContext": {}})
    with pytest.raises(Unauthorized):
        require_scope({"requestContext": {}}, "cases:write")
