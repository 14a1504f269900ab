"""The contract as an integrator meets it on the running stack: the served document is the committed
one, and Swagger UI's "Try it out" calls this stack, where a key entered under Authorize works."""

from __future__ import annotations

import json

import pytest

from admin.openapi import COMMITTED
from tests.e2e.conftest import Running

pytestmark = pytest.mark.e2e


def test_the_served_document_is_the_committed_contract(local_stack: Running) -> None:
    served = local_stack.http().get("/openapi.json")
    assert served.status == 200
    assert served.json() == json.loads(COMMITTED.read_text(encoding="utf-8")), (
        "the stack serves another contract than docs/openapi.json: run `make openapi` and commit it"
    )


def test_swagger_ui_embeds_the_contract_and_tries_requests_on_this_stack(local_stack: Running) -> None:
    http = local_stack.http()
    page = http.get("/docs")
    assert page.status == 200 and page.headers.get("Content-Type", "").startswith("text/html")
    assert b"SwaggerUIBundle" in page.body and b"cdn." not in page.body  # the bundle is inline
    spec = http.get("/docs?format=json").json()
    server = spec["servers"][0]["url"]
    assert server == "/"
    # What "Try it out" sends for POST /debts/batch: the first server, the operation's path, the key
    # under Authorize (bearer), the operation's example body.
    _, key = local_stack.tenant("Swagger user")
    operation = spec["paths"]["/debts/batch"]["post"]
    example = operation["requestBody"]["content"]["application/json"]["example"]
    tried = http.post(server.rstrip("/") + "/debts/batch", example, key=key)
    assert tried.status == 200, tried.body[:300]
    assert tried.json()["data"]["summary"]["created"] >= 1
