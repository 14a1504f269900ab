"""Each route's scope is written once, in api/route_scopes.py: the api function enforces it on every
route of the template, before the body is read (tests/e2e/test_security.py does the same through
the local stack's gateway)."""

from __future__ import annotations

import re

from debtload.api.route_scopes import ANY_KEY, BY_RESOURCE, ROUTE_SCOPES
from debtload.domain.tenants import Principal
from devstack.template import LocalStackTemplate
from tests.helpers import api_event, body_of
from tests.integration.conftest import Invoke

NO_SCOPE = Principal("demo-tenant", "key_none", frozenset())
BODIES = {"PATCH": {}, "PUT": {}, "POST": {}}


def _scoped_routes() -> list[tuple[str, str, str]]:
    routes = {(r.method, r.path) for r in LocalStackTemplate().api_routes() if r.authorized}
    return sorted(
        (method, path, ROUTE_SCOPES[(method, path)])
        for method, path in routes
        if ROUTE_SCOPES.get((method, path)) not in (None, ANY_KEY, BY_RESOURCE)
    )


def test_a_key_without_the_scope_is_403_on_every_scoped_route(invoke: Invoke) -> None:
    routes = _scoped_routes()
    assert routes
    answers = {}
    for method, resource, _ in routes:
        parameters = {name: f"x-{name}" for name in re.findall(r"\{([^}]+)\}", resource)}
        path = re.sub(r"\{([^}]+)\}", lambda m: f"x-{m.group(1)}", resource)
        event = api_event(
            method,
            path,
            body=BODIES.get(method),
            resource=resource,
            path_parameters=parameters or None,
            principal=NO_SCOPE,
        )
        response = invoke("ApiFunction", event)
        answers[(method, resource)] = (response["statusCode"], body_of(response).get("details"))
    assert answers == {
        (method, resource): (403, {"required_scope": scope}) for method, resource, scope in routes
    }


def test_any_key_routes_need_no_scope(invoke: Invoke, demo_tenant: str) -> None:
    for method, resource in (k for k, v in ROUTE_SCOPES.items() if v == ANY_KEY):
        response = invoke("ApiFunction", api_event(method, resource, principal=NO_SCOPE))
        assert response["statusCode"] == 200, (method, resource)
