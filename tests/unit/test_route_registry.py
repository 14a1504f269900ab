"""The api function imports a resource's routes on that resource's first request (issue 15): the
registry must serve every template route from the modules it names, and an init must load none of
the heavy validation libraries."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest
from aws_lambda_powertools import Logger

from debtload.api import route_registry
from debtload.api.app import ApiRoutes, build_resolver, make_handler
from debtload.api.dependencies import ApiDependencies
from debtload.api.route_registry import MODULES_BY_SEGMENT, ROUTE_MODULES, first_segment, modules_for
from debtload.config import Config
from devstack.template import PROJECT_ROOT, LocalStackTemplate
from tests.helpers import api_event

HEAVY = ("phonenumbers", "schwifty", "holidays", "sepaxml", "openpyxl", "python_calamine")
TEMPLATE = LocalStackTemplate()
LOGGER = Logger(service="test-route-registry")


def _deps() -> ApiDependencies:
    # Building the routers builds their stores, which make no AWS client until a request uses one.
    environment = TEMPLATE.function_environment("ApiFunction", "http://127.0.0.1:9")
    return ApiDependencies.from_config(Config.from_env(environment))


def _shape(path: str) -> str:
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def _served(resolver: Any) -> set[tuple[str, str]]:
    return {
        (route.method, _shape(route.path)) for route in resolver._static_routes + resolver._dynamic_routes
    }


def _template_routes() -> set[tuple[str, str]]:
    return {(route.method, _shape(route.path)) for route in TEMPLATE.api_routes()}


def test_the_table_names_every_route_module_in_the_package_and_no_other() -> None:
    package = PROJECT_ROOT / "layers" / "core" / "debtload" / "api" / "routes"
    on_disk = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    assert set(ROUTE_MODULES) == on_disk
    assert {m for modules in MODULES_BY_SEGMENT.values() for m in modules} == set(ROUTE_MODULES)


@pytest.mark.parametrize("segment", sorted(MODULES_BY_SEGMENT))
def test_a_segments_resolver_serves_only_paths_under_its_segments(segment: str) -> None:
    routes = ApiRoutes(_deps(), LOGGER)
    resolver = routes.resolver_for({"resource": f"/{segment}", "path": f"/{segment}"})
    served_segments = {first_segment(path) for _, path in _served(resolver)}
    own = {s for s, modules in MODULES_BY_SEGMENT.items() if set(modules) & set(modules_for(segment))}
    assert segment in served_segments
    # system serves /openapi.json beside /health; the document itself goes to the full resolver.
    assert served_segments <= own | route_registry.DOCUMENT_SEGMENTS


def test_every_template_route_is_served_by_the_resolver_of_its_first_segment() -> None:
    routes = ApiRoutes(_deps(), LOGGER)
    missing = []
    for method, path in sorted(_template_routes()):
        resolver = routes.resolver_for({"resource": path.replace("{}", "{id}")})
        if path == "/docs":
            continue  # Swagger UI, registered by enable_swagger on the full resolver
        if (method, path) not in _served(resolver):
            missing.append(f"{method} {path}")
    assert missing == []


def test_the_full_resolver_serves_every_template_route() -> None:
    served = _served(build_resolver(_deps(), LOGGER))
    assert sorted(_template_routes() - served) == []


def test_an_unknown_path_gets_the_envelopes_404_and_builds_no_resolver() -> None:
    handler = make_handler(_deps(), LOGGER, preload=False)
    response = handler(api_event("GET", "/nowhere/at/all"), None)  # type: ignore[arg-type]
    assert response["statusCode"] == 404
    assert json.loads(response["body"])["code"] == "not_found"
    assert handler.routes.loaded_segments() == frozenset()


def test_the_resource_not_the_path_chooses_the_routes_to_load() -> None:
    # Behind a custom domain's base path mapping, `path` starts with the base path; `resource` does not.
    routes = ApiRoutes(_deps(), LOGGER)
    routes.resolver_for({"resource": "/credits", "path": "/billing/credits"})
    assert routes.loaded_segments() == frozenset({"credits"})


def test_a_first_request_builds_only_its_resources_resolver() -> None:
    handler = make_handler(_deps(), LOGGER, preload=False)
    assert handler(api_event("GET", "/health"), None)["statusCode"] == 200  # type: ignore[arg-type]
    assert handler.routes.loaded_segments() == frozenset({"health"})


def test_everything_is_built_at_init_when_lambda_initializes_ahead_of_traffic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start")
    handler = make_handler(_deps(), LOGGER)
    assert handler.routes.loaded_segments() == frozenset({*MODULES_BY_SEGMENT, "openapi.json"})
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
    assert make_handler(_deps(), LOGGER).routes.loaded_segments() == frozenset()


def test_the_document_lists_every_template_route_whichever_resource_came_first() -> None:
    handler = make_handler(_deps(), LOGGER, preload=False)
    assert handler(api_event("GET", "/health"), None)["statusCode"] == 200  # type: ignore[arg-type]
    response = handler(api_event("GET", "/openapi.json"), None)  # type: ignore[arg-type]
    paths = json.loads(response["body"])["paths"]
    documented = {(m.upper(), _shape(p)) for p, ops in paths.items() for m in ops}
    expected = {r for r in _template_routes() if r[1] not in ("/docs", "/openapi.json")}
    assert sorted(expected - documented) == []


# ----------------------------------------------------------------- what a cold start imports


_PROBE = """
import importlib.util, json, sys
sys.path.insert(0, {layer!r})
spec = importlib.util.spec_from_file_location("handler", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
{after}
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {heavy!r}
                        or name.startswith("debtload.api.routes."))))
"""


def _loaded(function_id: str, after: str = "") -> set[str]:
    spec = TEMPLATE.function(function_id)
    env = {
        "PATH": "/usr/bin:/bin",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        **TEMPLATE.function_environment(function_id, "http://127.0.0.1:9"),
    }
    probe = _PROBE.format(
        layer=str(PROJECT_ROOT / "layers" / "core"),
        path=str(PROJECT_ROOT / spec.code_uri / "app.py"),
        after=after,
        heavy=set(HEAVY),
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return {
        name.split(".")[0] if not name.startswith("debtload.") else name for name in json.loads(done.stdout)
    }


def test_the_api_init_imports_no_resources_routes_and_no_validation_library() -> None:
    assert _loaded("ApiFunction") == set()


# What each function's init must not import: each library belongs to a task the function does not
# run at init. The calls function validates phone numbers; a file import reads workbooks.
NEVER_AT_INIT = {
    "AuthorizerFunction": set(HEAVY),
    "ApiFunction": set(HEAVY),
    "WorkerFunction": set(HEAVY),
    "FileImportFunction": {"phonenumbers", "schwifty", "holidays", "sepaxml"},
    "CallsFunction": {"schwifty", "holidays", "sepaxml", "openpyxl", "python_calamine"},
    "WebhooksFunction": set(HEAVY),
}


def test_the_table_covers_every_template_function() -> None:
    assert {spec.logical_id for spec in TEMPLATE.functions()} == set(NEVER_AT_INIT)


@pytest.mark.parametrize("function_id", sorted(NEVER_AT_INIT))
def test_no_function_imports_at_init_what_it_does_not_use(function_id: str) -> None:
    assert _loaded(function_id) & NEVER_AT_INIT[function_id] == set()


_FIRST = """
from debtload.api.app import ApiRoutes
routes = module.handle.routes
routes.resolver_for({{"resource": {resource!r}}})
deps = module.handle.deps
{touch}
"""


@pytest.mark.parametrize(
    ("resource", "touch", "expected", "absent"),
    [
        ("/credits", "deps.tenants", set(), set(HEAVY)),
        ("/debts/batch", "deps.batch_services", {"phonenumbers"}, {"sepaxml", "openpyxl", "python_calamine"}),
        ("/collections/bulks", "deps.collections", {"schwifty"}, {"sepaxml", "openpyxl", "python_calamine"}),
        ("/cases", "deps.cases", set(), {"schwifty", "sepaxml", "openpyxl", "python_calamine"}),
    ],
)
def test_a_resources_first_request_imports_what_it_uses_and_no_more(
    resource: str, touch: str, expected: set[str], absent: set[str]
) -> None:
    loaded = _loaded("ApiFunction", _FIRST.format(resource=resource, touch=touch))
    assert expected <= loaded
    assert loaded & absent == set()
    routes = {name for name in loaded if name.startswith("debtload.api.routes.")}
    segment = first_segment(resource)
    assert routes == {f"debtload.api.routes.{m}" for m in modules_for(segment)}
