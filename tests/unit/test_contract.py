"""The typed contract (issue 16): every operation the api serves is described, named and typed, its
errors are the one envelope, and docs/openapi.json is the document the api serves."""

from __future__ import annotations

import re
from typing import Any

import pytest

from admin.openapi import COMMITTED, committed_document
from debtload.api.contract.document import BODY_METHODS, CREATING_OPERATIONS, POWERTOOLS_SCHEMAS, operations
from devstack.template import PROJECT_ROOT
from tests.contract_conformance import document

OPERATION_ID = re.compile(r"^[a-z][a-zA-Z0-9]+$")
ENVELOPE = {"$ref": "#/components/schemas/ErrorEnvelope"}
# Operations that take no body: an action named by its path.
NO_BODY = {
    ("POST", "/collections/{collection_id}/cancel"),
    ("POST", "/collections/bulks/{bulk_id}/approve"),
    ("POST", "/collections/bulks/{bulk_id}/reject"),
    ("POST", "/webhooks/events/{event_id}/replay"),
    ("POST", "/jobs/{job_id}/cancel"),
}


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document()["paths"].items()
        for method, operation in item.items()
    ]


def test_every_served_operation_has_a_contract_and_every_contract_a_route() -> None:
    served = {(method, path) for method, path, _ in _operations()}
    described = set(operations())
    assert sorted(served - described) == [], "operations without a contract (debtload.api.contract)"
    assert sorted(described - served) == [], "contracts of operations no route serves"


def test_operation_ids_are_camel_case_and_unique() -> None:
    ids = [operation["operationId"] for _, _, operation in _operations()]
    assert [i for i in ids if not OPERATION_ID.match(i)] == []
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_every_operation_has_a_known_tag_a_summary_and_a_description() -> None:
    tags = {tag["name"] for tag in document()["tags"]}
    assert all(tag.get("description") for tag in document()["tags"])
    for method, path, operation in _operations():
        assert len(operation["tags"]) == 1 and operation["tags"][0] in tags, (method, path)
        assert operation.get("summary") and operation.get("description"), (method, path)


def test_every_operation_declares_a_typed_success() -> None:
    for method, path, operation in _operations():
        successes = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        assert successes, (method, path)
        for status, reply in successes.items():
            if status == "204":
                continue
            content = reply.get("content") or {}
            assert content, (method, path, status)
            for media, body in content.items():
                schema = body.get("schema") or {}
                assert schema.get("$ref") or (media != "application/json" and schema.get("type")), (
                    method,
                    path,
                    status,
                    media,
                )


def test_every_error_is_the_envelope() -> None:
    for method, path, operation in _operations():
        errors = {s: r for s, r in operation["responses"].items() if s[0] in "45"}
        assert errors or operation.get("security") == [], (method, path)  # a public route may fail never
        for status, reply in errors.items():
            schema = reply["content"]["application/json"]["schema"]
            # The envelope, or a seed's own error shape beside it (oneOf).
            assert schema == ENVELOPE or ENVELOPE in schema.get("oneOf", []), (method, path, status)
    assert set(POWERTOOLS_SCHEMAS) & set(document()["components"]["schemas"]) == set()


def test_writing_operations_declare_their_body() -> None:
    for method, path, operation in _operations():
        if method in BODY_METHODS and (method, path) not in NO_BODY:
            assert "requestBody" in operation, (method, path)
            assert "application/json" in operation["requestBody"]["content"], (method, path)


def _routes_through_create() -> set[tuple[str, str]]:
    """The routes whose handler calls api/creating.create, read from their source."""
    found = set()
    for module in (PROJECT_ROOT / "layers" / "core" / "debtload" / "api" / "routes").glob("*.py"):
        for chunk in module.read_text(encoding="utf-8").split("@router.")[1:]:
            match = re.match(r'(get|post|put|patch|delete)\(\s*"([^"]+)"', chunk)
            if match and "create(router" in chunk:
                found.add((match.group(1).upper(), re.sub(r"<([^>]+)>", r"{\1}", match.group(2))))
    return found


def test_the_creating_operations_take_an_idempotency_key_and_dry_run() -> None:
    assert _routes_through_create() == set(CREATING_OPERATIONS)
    for method, path in CREATING_OPERATIONS:
        names = {p["name"] for p in document()["paths"][path][method.lower()]["parameters"]}
        assert {"Idempotency-Key", "dry_run"} <= names, (method, path)


@pytest.mark.parametrize(
    ("method", "path", "limit"),
    [
        ("POST", "/debts/batch", "1,000"),
        ("POST", "/collections/bulks", "5,000"),
        ("POST", "/customers/add/bulk", "10,000"),
        ("POST", "/ingestion-jobs", "1,000"),
    ],
)
def test_the_bulk_operations_say_their_limits(method: str, path: str, limit: str) -> None:
    assert limit in document()["paths"][path][method.lower()]["description"]


def test_the_first_server_is_where_the_local_stack_answers() -> None:
    assert document()["servers"][0]["url"] == "/"


def test_the_committed_contract_is_the_served_document() -> None:
    assert COMMITTED.exists(), "run `make openapi` and commit docs/openapi.json"
    committed = COMMITTED.read_text(encoding="utf-8")
    assert committed == committed_document(), (
        "docs/openapi.json differs from the document the api serves: run `make openapi`, review the diff and commit it"
    )


def test_the_activity_vocabulary_is_the_domains() -> None:
    # The contract's literals are written out for the typed document; the domain's tuples decide.
    from typing import get_args

    from debtload.api.contract.activity import ActivityKind, ActivityStatus, ActivityType
    from debtload.domain import activity_items
    from debtload.domain.imports import KINDS

    assert get_args(ActivityStatus) == activity_items.STATUSES
    assert get_args(ActivityType) == activity_items.TYPES
    assert sorted(get_args(ActivityKind)) == sorted(KINDS)
