"""DynamoDB's item size and SQS's message size, measured as AWS measures them.

DynamoDB: moto refuses an item over 405,000 of its own bytes, which count a number by its decimal
string, a binary by its base64 text, and nothing for list or map structure. DynamoDB's limit is
400 KB (409,600 bytes) of attribute names plus values: strings and binaries by their bytes, numbers
by about one byte per two significant digits plus one, booleans and nulls one byte, lists and maps
3 bytes plus one per element. A test passing against moto's count could fail on AWS (lists of small
maps, the shape of our rows, weigh more there), so moto's check is replaced by this one for PutItem,
UpdateItem (the item the update leaves, which is undone when too large), BatchWriteItem (checked
before anything is written, as AWS validates the whole request) and TransactWriteItems (its Puts
and Updates go through the same two paths).

SQS: moto compares the body's character count with the queue's MaximumMessageSize and ignores
message attributes; SQS counts UTF-8 bytes of the body plus each attribute's name, type and value.
A batch may total 1 MiB (SendMessageBatch); every entry is checked before any is sent.
"""

from __future__ import annotations

import base64
import binascii
import copy
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from moto.dynamodb.exceptions import ItemSizeTooLarge, ItemSizeToUpdateTooLarge
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import LimitedSizeDict
from moto.dynamodb.responses import DynamoHandler
from moto.sqs.exceptions import BatchRequestTooLong, InvalidParameterValue
from moto.sqs.models import SQSBackend

from devstack.moto_transactions import put_back

MAX_ITEM_BYTES = 400 * 1024
MAX_BATCH_MESSAGE_BYTES = 1024 * 1024


# ---- DynamoDB ---------------------------------------------------------------------------------


def _utf8(text: str) -> int:
    return len(text.encode("utf-8"))


def _binary(raw: str | bytes) -> int:
    if isinstance(raw, bytes):
        return len(raw)
    try:
        return len(base64.b64decode(raw, validate=True))
    except (binascii.Error, ValueError):
        return _utf8(raw)


def _number(raw: str) -> int:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return _utf8(raw)
    digits = len(value.normalize().as_tuple().digits)  # leading and trailing zeros trimmed
    return (digits + 1) // 2 + 1 + (1 if value < 0 else 0)


def attribute_size(value: Mapping[str, Any]) -> int:
    """One attribute value in DynamoDB's wire format ({"S": "..."}, {"L": [...]}, ...)."""
    ((kind, raw),) = value.items()
    if kind == "S":
        return _utf8(raw)
    if kind == "N":
        return _number(raw)
    if kind == "B":
        return _binary(raw)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(_utf8(member) for member in raw)
    if kind == "NS":
        return sum(_number(member) for member in raw)
    if kind == "BS":
        return sum(_binary(member) for member in raw)
    if kind == "L":
        return 3 + sum(1 + attribute_size(member) for member in raw)
    if kind == "M":
        return 3 + sum(1 + _utf8(name) + attribute_size(member) for name, member in raw.items())
    raise ValueError(f"unknown attribute type {kind!r}")


def item_size(item: Mapping[str, Mapping[str, Any]]) -> int:
    return sum(_utf8(name) + attribute_size(value) for name, value in item.items())


def _check_item(item: Mapping[str, Mapping[str, Any]]) -> None:
    if item_size(item) > MAX_ITEM_BYTES:
        raise ItemSizeTooLarge()


# ---- SQS --------------------------------------------------------------------------------------


def message_size(body: str, attributes: Mapping[str, Mapping[str, Any]] | None) -> int:
    size = _utf8(body)
    for name, attribute in (attributes or {}).items():
        size += _utf8(name) + _utf8(str(attribute.get("DataType", "")))
        if "StringValue" in attribute:
            size += _utf8(str(attribute["StringValue"]))
        if "BinaryValue" in attribute:
            size += _binary(attribute["BinaryValue"])
    return size


def _check_message(backend: SQSBackend, queue_name: str, body: str, attributes: Any) -> int:
    size = message_size(body, attributes)
    limit = int(backend.get_queue(queue_name).maximum_message_size)  # type: ignore[attr-defined]
    if size > limit:
        raise InvalidParameterValue(
            f"One or more parameters are invalid. Reason: Message must be shorter than {limit} bytes."
        )
    return size


# ---- installation -----------------------------------------------------------------------------


class MotoLimits:
    def __init__(self) -> None:
        self._originals: dict[tuple[type, str], Any] = {}

    def _patch(self, owner: type, name: str, replacement: Any) -> Any:
        original = owner.__dict__[name]
        self._originals[(owner, name)] = original
        setattr(owner, name, replacement)
        return original

    def install(self) -> None:
        if self._originals:
            return
        self._install_dynamodb()
        self._install_sqs()

    def _install_dynamodb(self) -> None:
        # moto's own, stricter-in-places count goes; ours replaces it on every write path.
        self._patch(LimitedSizeDict, "__setitem__", dict.__setitem__)

        put_item: Callable[..., Any] = DynamoDBBackend.put_item
        update_item: Callable[..., Any] = DynamoDBBackend.update_item
        batch_write: Callable[..., Any] = DynamoHandler.batch_write_item

        def checked_put(
            backend: DynamoDBBackend, table_name: str, item_attrs: Any, *a: Any, **kw: Any
        ) -> Any:
            _check_item(item_attrs)
            return put_item(backend, table_name, item_attrs, *a, **kw)

        def checked_update(backend: DynamoDBBackend, table_name: str, key: Any, *a: Any, **kw: Any) -> Any:
            try:
                table = backend.get_table(table_name)
                hash_value, range_value = backend.get_keys_value(table, key)
            except Exception:  # a malformed request: moto's own update refuses it with its error
                return update_item(backend, table_name, key, *a, **kw)
            before = copy.deepcopy(table.get_item(hash_value, range_value))
            item = update_item(backend, table_name, key, *a, **kw)
            if item_size(item.to_json()["Attributes"]) > MAX_ITEM_BYTES:
                put_back(table, hash_value, range_value, before)
                raise ItemSizeToUpdateTooLarge()
            return item

        def checked_batch_write(handler: DynamoHandler) -> Any:
            for requests in handler.body.get("RequestItems", {}).values():
                for request in requests:
                    if "PutRequest" in request:
                        _check_item(request["PutRequest"]["Item"])
            return batch_write(handler)

        self._patch(DynamoDBBackend, "put_item", checked_put)
        self._patch(DynamoDBBackend, "update_item", checked_update)
        self._patch(DynamoHandler, "batch_write_item", checked_batch_write)

    def _install_sqs(self) -> None:
        send: Callable[..., Any] = SQSBackend.send_message
        send_batch: Callable[..., Any] = SQSBackend.send_message_batch

        def checked_send(backend: SQSBackend, queue_name: str, message_body: str, *a: Any, **kw: Any) -> Any:
            attributes = kw.get("message_attributes", a[0] if a else None)
            _check_message(backend, queue_name, message_body, attributes)
            return send(backend, queue_name, message_body, *a, **kw)

        def checked_send_batch(backend: SQSBackend, queue_name: str, entries: dict[str, Any]) -> Any:
            total = sum(
                _check_message(backend, queue_name, entry["MessageBody"], entry.get("MessageAttributes"))
                for entry in entries.values()
            )
            if total > MAX_BATCH_MESSAGE_BYTES:
                raise BatchRequestTooLong(total)
            return send_batch(backend, queue_name, entries)

        self._patch(SQSBackend, "send_message", checked_send)
        self._patch(SQSBackend, "send_message_batch", checked_send_batch)

    def uninstall(self) -> None:
        for (owner, name), original in reversed(self._originals.items()):
            setattr(owner, name, original)
        self._originals.clear()
