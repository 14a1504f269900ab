"""Every route: 401 without a key, 403 with a key that lacks its scope, 404 for another tenant's
resources; and no API key ever reaches the logs."""

from __future__ import annotations

import re
import uuid

import pytest

from debtload.api.route_scopes import ANY_KEY, BY_RESOURCE, ROUTE_SCOPES
from devstack.template import LocalStackTemplate
from tests.e2e.conftest import Running
from tests.helpers import wait_for

pytestmark = pytest.mark.e2e

# Which scope each route needs is the layer's policy table (tests/unit/test_route_scopes.py ties it
# to the template); here we check that the running stack enforces it.
BODIES = {"PATCH": "{}", "PUT": "{}", "POST": "{}"}


def _path(template_path: str) -> str:
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), template_path)


def _authorized_routes() -> list[tuple[str, str]]:
    return sorted({(r.method, r.path) for r in LocalStackTemplate().api_routes() if r.authorized})


@pytest.mark.parametrize(("method", "path"), _authorized_routes(), ids=str)
def test_no_key_is_401_and_a_key_without_the_scope_is_403(
    local_stack: Running, method: str, path: str
) -> None:
    http = local_stack.http()
    assert http.request(method, _path(path), raw=BODIES.get(method, "").encode() or None).status == 401
    scope = ROUTE_SCOPES.get((method, path))
    if scope in (None, ANY_KEY, BY_RESOURCE, "imports:read"):
        return
    _, key = local_stack.tenant("Scopeless", scopes="imports:read")
    response = http.request(method, _path(path), raw=BODIES.get(method, "").encode() or None, key=key)
    assert response.status == 403, (method, path, response.status, response.body[:200])
    assert scope in response.json()["message"]


def test_job_rows_need_the_read_scope_of_the_job_kind(local_stack: Running) -> None:
    # Given an ingestion job, and a key of the tenant with cases:read only
    tenant_id, key = local_stack.tenant("KindScope")
    limited = local_stack.admin("key", "--tenant", tenant_id, "--scopes", "cases:read")["api_key"]
    http = local_stack.http(key)
    case = http.post("/cases", {"debtor_name": "A", "reference": "R", "amount": 1, "currency": "EUR"}).json()[
        "id"
    ]
    job = http.post("/ingestion-jobs", {"rows": [{"type": 0, "caseId": case, "description": "x"}]}).json()[
        "jobId"
    ]
    # Then its rows are readable with the admin key and refused to the limited one
    assert http.get(f"/jobs/{job}/rows").status == 200
    denied = http.get(f"/jobs/{job}/rows", key=limited)
    assert denied.status == 403 and "ingestion:read" in denied.json()["message"]


def test_other_tenants_resources_are_404(local_stack: Running) -> None:
    # Given an owner with a case, a job, a debt and a collection, and an intruder tenant
    _, owner_key = local_stack.tenant("Owner")
    _, intruder_key = local_stack.tenant("Intruder")
    owner, intruder = local_stack.http(owner_key), local_stack.http(intruder_key)
    case = owner.post(
        "/cases", {"debtor_name": "A", "reference": "R", "amount": 1, "currency": "EUR"}
    ).json()["id"]
    job = owner.post("/ingestion-jobs", {"rows": [{"type": 0, "caseId": case, "description": "x"}]}).json()[
        "jobId"
    ]
    wait_for(lambda: owner.get(f"/ingestion-jobs/{job}").json()["status"] >= 2)
    # Then each is the owner's to read, and not found for the intruder
    for path in (f"/cases/{case}", f"/cases/{case}/notes", f"/ingestion-jobs/{job}", f"/jobs/{job}/rows"):
        assert owner.get(path).status == 200, path
        assert intruder.get(path).status == 404, path
    assert intruder.post(f"/cases/{case}/notes", {"description": "sneaky"}).status == 404

    debt = owner.post(
        "/debts",
        {"firstname": "Jean", "lastname": "Dupont", "phone": "0612345678", "amount": 10, "currency": "EUR"},
    ).json()["id"]
    bulk = owner.post("/collections/bulks", {"collections": [{"amount": 0}]}).json()["id"]
    wait_for(lambda: owner.get(f"/collections/bulks/{bulk}").json()["status"] == "completed")
    collection = owner.get(f"/collections/bulks/{bulk}/collections").json()["results"][0]["id"]
    for path in (f"/debts/{debt}", f"/collections/bulks/{bulk}", f"/collections/bulks/{bulk}/collections",
                 f"/collections/{collection}"):  # fmt: skip
        assert owner.get(path).status == 200, path
        assert intruder.get(path).status == 404, path
    assert intruder.request("PATCH", f"/debts/{debt}", {"city": "Nice"}).status == 404
    assert intruder.post(f"/collections/{collection}/cancel").status == 404
    assert debt not in str(intruder.get("/debts").json())


def test_api_keys_never_reach_the_logs(local_stack: Running, capfd: pytest.CaptureFixture[str]) -> None:
    _, key = local_stack.tenant("Quiet")
    http = local_stack.http(key)
    http.get("/credits")
    http.get("/credits", headers={"X-Api-Key": key}, key="")
    http.get("/credits", key=key + "tampered")
    http.request("PATCH", "/settings", raw=b"{broken")
    out, err = capfd.readouterr()
    secret = key.rsplit(".", 1)[1]
    assert secret not in out and secret not in err


def _body_routes() -> list[tuple[str, str]]:
    routes = LocalStackTemplate().api_routes()
    return sorted({(r.method, r.path) for r in routes if r.method in ("POST", "PUT", "PATCH")})


def test_json_nested_5000_deep_is_a_400_on_every_route_with_a_body(local_stack: Running) -> None:
    _, key = local_stack.tenant("DeepJson")
    http = local_stack.http(key)
    deep = ("[" * 5000 + "]" * 5000).encode()
    for method, path in _body_routes():
        response = http.request(method, _path(path), raw=deep)
        assert response.status == 400, (method, path, response.status, response.body[:200])
        payload = response.json()
        assert payload["error"] is True and payload["code"] == "invalid_json", (method, path, payload)
        assert "nesting deeper than 32 levels" in payload["message"]


def test_a_revoked_key_gets_401_and_the_tenants_other_keys_keep_working(local_stack: Running) -> None:
    # Given a tenant with two keys
    tenant_id, key = local_stack.tenant("Revoked")
    other = local_stack.admin("key", "--tenant", tenant_id, "--scopes", "cases:read")["api_key"]
    http = local_stack.http(key)
    assert http.get("/credits").status == 200
    # When one is revoked
    out = local_stack.admin("revoke", "--tenant", tenant_id, "--key", key)
    assert out["revoked"] is True and out["tenant_id"] == tenant_id
    # Then it gets 401, and the other still works
    response = http.get("/credits")
    assert response.status == 401 and response.json()["error"] is True
    assert http.get(f"/cases/{uuid.uuid4()}", key=other).status == 404  # authenticated, no such case
