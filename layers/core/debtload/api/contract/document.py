"""The OpenAPI document a client reads: powertools' document of the routes (paths and parameters),
with each operation's name, tag, description, body and answers from the contract modules, the one
`ErrorEnvelope`, global tags and the server the caller reached."""

from __future__ import annotations

import copy
import importlib
from collections.abc import Iterable, Mapping
from typing import Any, Final

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from debtload.api.contract.operation import ERROR_MEANINGS, JSON, ErrorEnvelope, Operation, Reply

CONTRACT_PACKAGE: Final = "debtload.api.contract"
# One module per resource family, each with `OPERATIONS` and, for the tag, `TAG` and `TAG_DESCRIPTION`.
CONTRACT_MODULES: Final[tuple[str, ...]] = (
    "system",
    "console",
    "credits",
    "settings",
    "jobs",
    "activity",
    "webhooks",
    "cases",
    "ingestion",
    "campaigns",
    "customers",
    "call_runs",
    "imports",
    "uploads",
    "import_mappings",
    "debts",
    "collections",
)
SCHEMA_REF: Final = "#/components/schemas/{model}"
AUTHORIZED_ERRORS: Final = (401, 403, 429)
# The request guard (api/request_guard.py) answers these for any body, before routing.
BODY_ERRORS: Final = (400, 413, 415)
BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})
# powertools' own validation answers; ours is the envelope's 400 (api/app.py), so these go.
POWERTOOLS_SCHEMAS: Final = ("HTTPValidationError", "ValidationError", "ResponseValidationError")
METHODS: Final = ("get", "put", "post", "delete", "patch")
# The operations that run through api/creating.create, and so take an Idempotency-Key and
# ?dry_run=true; tests/unit/test_contract.py reads the routes to keep this in step.
CREATING_OPERATIONS: Final = frozenset(
    {
        ("POST", "/campaigns"),
        ("POST", "/cases"),
        ("POST", "/cases/{case_id}/notes"),
        ("POST", "/collections"),
        ("POST", "/collections/bulks"),
        ("POST", "/collections/exports"),
        ("POST", "/customers/add/bulk"),
        ("POST", "/debts"),
        ("POST", "/debts/batch"),
        ("POST", "/imports/{import_id}/undo"),
        ("POST", "/imports/uploads"),
        ("POST", "/ingestion-jobs"),
        ("POST", "/timelines"),
    }
)
CREATING_PARAMETERS: Final = (
    {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Makes a retry safe: the same key and body within 24 hours answer the first "
        "answer again (with `Idempotent-Replayed: true`) and write nothing; the same key with another "
        "body is 422. At most 255 characters.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    },
    {
        "name": "dry_run",
        "in": "query",
        "required": False,
        "description": "`true` validates and answers as for real, writes nothing and charges nothing.",
        "schema": {"type": "boolean", "default": False},
    },
)
# Operations that take an Idempotency-Key but no dry run (they have no body to check).
KEYED_OPERATIONS: Final = frozenset({("POST", "/jobs/{job_id}/cancel")})
CONTACT: Final = {"name": "debtload"}


def contract_modules() -> list[Any]:
    return [importlib.import_module(f"{CONTRACT_PACKAGE}.{name}") for name in CONTRACT_MODULES]


def operations() -> dict[tuple[str, str], Operation]:
    merged: dict[tuple[str, str], Operation] = {}
    for module in contract_modules():
        for key, operation in module.OPERATIONS.items():
            if key in merged:
                raise ValueError(f"{key} is in two contract modules")
            merged[key] = operation
    return merged


def tags() -> list[dict[str, str]]:
    seen: dict[str, str] = {}
    for module in contract_modules():
        seen.setdefault(module.TAG, module.TAG_DESCRIPTION)
    return [{"name": name, "description": text} for name, text in seen.items()]


def contract_document(generated: Mapping[str, Any], server_url: str = "/") -> dict[str, Any]:
    document = copy.deepcopy(dict(generated))
    contract = operations()
    models: list[type[BaseModel]] = [ErrorEnvelope]
    described: set[tuple[str, str]] = set()
    for path, item in document.get("paths", {}).items():
        for method in [m for m in METHODS if m in item]:
            key = (method.upper(), path)
            operation = contract.get(key)
            if operation is None:
                # Described as powertools builds it; tests/unit/test_contract.py fails for it.
                item[method]["responses"].pop("422", None)
                continue
            described.add(key)
            item[method] = _operation_object(item[method], method.upper(), operation, models)
            if key in CREATING_OPERATIONS:
                item[method]["parameters"] = [*item[method].get("parameters", []), *CREATING_PARAMETERS]
            elif key in KEYED_OPERATIONS:
                item[method]["parameters"] = [*item[method].get("parameters", []), CREATING_PARAMETERS[0]]
    schemas = dict(document.get("components", {}).get("schemas", {}))
    for name in POWERTOOLS_SCHEMAS:
        schemas.pop(name, None)
    schemas.update(_schemas(models))
    document.setdefault("components", {})["schemas"] = dict(sorted(schemas.items()))
    document["tags"] = tags()
    document["info"]["contact"] = dict(CONTACT)
    document["servers"] = [{"url": server_url, "description": "This API, as the caller reached it"}]
    return document


def _operation_object(
    generated: Mapping[str, Any], method: str, operation: Operation, models: list[type[BaseModel]]
) -> dict[str, Any]:
    described = {
        key: value
        for key, value in generated.items()
        if key not in ("responses", "operationId", "summary", "description", "tags")
    }
    described.update(
        operationId=operation.operation_id,
        summary=operation.summary,
        description=operation.description,
        tags=[operation.tag],
    )
    if operation.request is not None:
        models.append(operation.request)
        content: dict[str, Any] = {"schema": {"$ref": SCHEMA_REF.format(model=_name(operation.request))}}
        _add_examples(content, operation.request_example, operation.request_examples)
        described["requestBody"] = {"required": operation.request_required, "content": {JSON: content}}
    if operation.public:
        described["security"] = []
    responses: dict[str, Any] = {}
    errors = set(operation.errors)
    if method in BODY_METHODS:
        errors.update(BODY_ERRORS)
    if not operation.public:
        errors.update(AUTHORIZED_ERRORS)
    envelope = {"$ref": SCHEMA_REF.format(model="ErrorEnvelope")}
    for status in sorted(errors | set(operation.responses)):
        reply = operation.responses.get(status)
        if reply is None:
            responses[str(status)] = {
                "description": ERROR_MEANINGS[status],
                "content": {JSON: {"schema": envelope}},
            }
            continue
        responses[str(status)] = answer = _reply_object(reply, models)
        if status in errors and reply.model is not None:
            # An error status with a shape of its own (a seed's 400): that shape, or the envelope
            # the request guard and the router answer for the same status.
            schema = answer["content"][JSON]["schema"]
            answer["content"][JSON]["schema"] = {"oneOf": [schema, envelope]}
            answer["description"] = f"{reply.description} Or: {ERROR_MEANINGS[status]}"
    described["responses"] = responses
    return described


def _reply_object(reply: Reply, models: list[type[BaseModel]]) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": reply.description}
    if reply.model is not None:
        models.append(reply.model)
        content: dict[str, Any] = {"schema": {"$ref": SCHEMA_REF.format(model=_name(reply.model))}}
    elif reply.schema is not None:
        content = {"schema": dict(reply.schema)}
    else:
        return answer
    _add_examples(content, reply.example, {})
    answer["content"] = {reply.media_type: content}
    for media_type, schema in reply.alternatives.items():
        answer["content"][media_type] = {"schema": dict(schema)}
    return answer


def _add_examples(content: dict[str, Any], example: Any, examples: Mapping[str, Any]) -> None:
    if examples:
        content["examples"] = {name: {"value": value} for name, value in examples.items()}
    elif example is not None:
        content["example"] = example


def _name(model: type[BaseModel]) -> str:
    # pydantic names a model's definition after its class, so class names are unique across modules.
    return model.__name__


def _schemas(models: Iterable[type[BaseModel]]) -> dict[str, Any]:
    unique = list(dict.fromkeys(models))
    names = [_name(m) for m in unique]
    if len(set(names)) != len(names):
        raise ValueError(
            f"two contract models share a name: {sorted(n for n in names if names.count(n) > 1)}"
        )
    _, definitions = models_json_schema([(m, "validation") for m in unique], ref_template=SCHEMA_REF)
    return dict(definitions.get("$defs", {}))
