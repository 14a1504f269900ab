"""Every answer the api function gives in the suites is checked against the OpenAPI document it
serves (issue 16): its status must be declared for the operation, and its JSON body must match the
declared schema. The integration suite's `invoke` and the e2e suite's HTTP client call `check`, so a
route that answers a shape, or a status, its contract does not declare fails the test that saw it."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import jsonschema


class ContractViolation(AssertionError):
    pass


@cache
def document() -> dict[str, Any]:
    from admin.openapi import committed_document

    return dict(json.loads(committed_document()))


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


@cache
def _operations_by_shape() -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    found: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            found[(method.upper(), _shape(path))] = (path, operation)
    return found


@cache
def _path_patterns() -> list[tuple[re.Pattern[str], str]]:
    patterns = []
    for path in document()["paths"]:
        regex = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"
        patterns.append((re.compile(regex), path))
    # A literal segment wins over a parameter, as API Gateway matches (/collections/bulks vs /{id}).
    patterns.sort(key=lambda pair: pair[1].count("{"))
    return patterns


def resource_of(path: str) -> str | None:
    bare = path.split("?", 1)[0]
    return next((resource for pattern, resource in _path_patterns() if pattern.match(bare)), None)


def _contracted(operation: Mapping[str, Any]) -> bool:
    # An operation the contract does not describe yet keeps powertools' generated operationId.
    return not re.search(r"_(get|post|put|patch|delete)$", str(operation.get("operationId", "")))


def check(
    method: str, resource: str, status: int, headers: Mapping[str, str], body: str | bytes | None
) -> None:
    """Raises ContractViolation when the answer is not one the document declares."""
    found = _operations_by_shape().get((method.upper(), _shape(resource)))
    if found is None or status >= 500:
        return  # not a documented route (the gateway's 404), or a fault the suite provoked
    path, operation = found
    if not _contracted(operation):
        return
    declared = operation.get("responses", {})
    answer = declared.get(str(status))
    if answer is None:
        raise ContractViolation(
            f"{method} {path} answered {status}, which it does not declare ({sorted(declared)})"
        )
    content = answer.get("content") or {}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    media = content_type.split(";", 1)[0].strip()
    if not content:
        return
    if media not in content:
        raise ContractViolation(
            f"{method} {path} {status}: content type {content_type!r}, declared {sorted(content)}"
        )
    if media != "application/json":
        return  # a CSV or HTML answer: its schema is a string
    text = body.decode() if isinstance(body, bytes) else body
    schema = {**content["application/json"]["schema"], "components": document()["components"]}
    try:
        jsonschema.validate(json.loads(text or "null"), schema, cls=jsonschema.Draft202012Validator)
    except jsonschema.ValidationError as error:
        where = "/".join(str(p) for p in error.absolute_path) or "(the body)"
        raise ContractViolation(f"{method} {path} {status}: at {where}: {error.message}") from None


def check_proxy(event: Mapping[str, Any], response: Any) -> None:
    """The integration suite's hook: an API Gateway event and the api function's proxy answer."""
    if not isinstance(response, Mapping) or "statusCode" not in response:
        return
    headers = dict(response.get("headers") or {})
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers.setdefault(name, values[-1] if values else "")
    body = response.get("body")
    if response.get("isBase64Encoded"):
        return
    check(
        str(event.get("httpMethod")),
        str(event.get("resource") or event.get("path")),
        int(response["statusCode"]),
        headers,
        body,
    )
