"""Batched DynamoDB requests go out as the JSON we already built, not re-walked by botocore.

`table.serialize` builds attribute values in DynamoDB's wire format, so the body of a BatchWriteItem
or BatchGetItem is exactly `json.dumps` of its parameters. botocore's JSON serializer would walk
every attribute against the service model to produce those same bytes: about 20 µs per item of a
debt (~20 attributes), a quarter of a 1,000-debt request's own time (docs/performance.md).

Only botocore's public events are used. `before-parameter-build` encodes the parameters and leaves
botocore one empty list per table, so the endpoint rules and the local stack's IAM check still see
the table names; `before-call` puts the encoded body back before the request is signed. Parameters
that are not plain JSON (a binary attribute, which botocore base64-encodes) keep botocore's path.
`tests/unit/adapters/test_prebuilt_body.py` compares the two bodies.
"""

from __future__ import annotations

import json
import threading
import weakref
from typing import Any

OPERATIONS = ("BatchWriteItem", "BatchGetItem")
_CONTEXT_KEY = "debtload_prebuilt_body"

_installed: weakref.WeakSet[Any] = weakref.WeakSet()
_lock = threading.Lock()


def install(client: Any) -> None:
    """Registers the two handlers on a DynamoDB client, once per client. Only for a client made
    without parameter validation (`adapters/aws.py`): a validator would check the emptied lists."""
    if client in _installed:
        return
    with _lock:
        if client in _installed:
            return
        events = client.meta.events
        for operation in OPERATIONS:
            events.register(f"before-parameter-build.dynamodb.{operation}", _take_body)
            events.register(f"before-call.dynamodb.{operation}", _restore_body)
        _installed.add(client)


def _take_body(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    try:
        body = json.dumps(params, separators=(",", ":")).encode("utf-8")
    except TypeError:  # bytes: botocore base64-encodes binary attributes itself
        return
    context[_CONTEXT_KEY] = body
    params["RequestItems"] = {table: _empty(request) for table, request in params["RequestItems"].items()}


def _empty(request: Any) -> Any:
    # BatchWriteItem maps a table to a list of writes, BatchGetItem to a KeysAndAttributes structure.
    return [] if isinstance(request, list) else {"Keys": []}


def _restore_body(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    body = context.pop(_CONTEXT_KEY, None)
    if body is not None:
        params["body"] = body
