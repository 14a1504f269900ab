"""A thin DynamoDB table: item (de)serialisation, conditional writes, transactions, batched writes.

Batched writes go 25 items per BatchWriteItem and retry UnprocessedItems with exponential backoff
and jitter until every item is written, so callers never half-write a batch silently. One request's
BatchWriteItem (and BatchGetItem) calls run `batch_concurrency` at a time (DYNAMODB_BATCH_CONCURRENCY;
docs/performance.md, "Concurrent batched I/O"); a lone chunk is called on the caller's thread.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from debtload.adapters import aws
from debtload.adapters.dynamodb.fan_out import fan_out, fan_out_settled

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

BATCH_WRITE_LIMIT = 25
BATCH_GET_LIMIT = 100
DEFAULT_BATCH_CONCURRENCY = 16
MAX_UNPROCESSED_RETRIES = 12


class UnprocessedItemsError(RuntimeError):
    """BatchWriteItem kept returning items after every retry: the caller must not report success."""


class TransactionCancelled(RuntimeError):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__(f"transaction cancelled: {reasons}")
        self.reasons = reasons


def serialize(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: attribute_value(value) for key, value in item.items() if value is not None}


def attribute_value(value: Any) -> dict[str, Any]:
    """Build the attribute value directly: boto3's TypeSerializer costs about twice as much per item,
    and bulk writes serialise tens of thousands of items per request."""
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if isinstance(value, float):
        return {"N": str(Decimal(str(value)))}
    if value is None:
        return {"NULL": True}
    if isinstance(value, dict):
        return {"M": {str(k): attribute_value(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [attribute_value(v) for v in value]}
    return dict(_serializer.serialize(_to_dynamo(value)))  # sets and binary: the rare cases


def deserialize(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _from_dynamo(_deserializer.deserialize(value)) for key, value in item.items()}


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    if isinstance(value, set):
        return sorted(_from_dynamo(v) for v in value)
    return value


def set_fields_expression(fields: Mapping[str, Any]) -> tuple[str, dict[str, Any], dict[str, str]]:
    """UpdateExpression, values and names that SET each field, or REMOVE it when its value is None.
    Keys (PK, SK) are never touched."""
    sets, removes = [], []
    values: dict[str, Any] = {}
    names: dict[str, str] = {}
    for index, (name, value) in enumerate(fields.items()):
        if name in ("PK", "SK"):
            continue
        names[f"#f{index}"] = name
        if value is None:
            removes.append(f"#f{index}")
        else:
            sets.append(f"#f{index} = :v{index}")
            values[f":v{index}"] = value
    clauses = [f"SET {', '.join(sets)}" if sets else "", f"REMOVE {', '.join(removes)}" if removes else ""]
    return " ".join(clause for clause in clauses if clause), values, names


class DynamoTable:
    def __init__(
        self,
        table_name: str,
        client: Any | None = None,
        sleep: Callable[[float], None] = time.sleep,
        batch_concurrency: int = DEFAULT_BATCH_CONCURRENCY,
    ) -> None:
        self.name = table_name
        self._client = client
        self._sleep = sleep
        self.batch_concurrency = max(1, batch_concurrency)
        if client is None:  # the shared client's pool must hold a request's concurrent calls
            aws.reserve_connections(self.batch_concurrency + aws.OTHER_CALLS)

    @property
    def client(self) -> Any:
        # Not cached here: tests and the local stack swap endpoints through aws.reset_clients().
        return self._client if self._client is not None else aws.client("dynamodb")

    def get(self, pk: str, sk: str, consistent: bool = True) -> dict[str, Any] | None:
        response = self.client.get_item(
            TableName=self.name, Key=serialize({"PK": pk, "SK": sk}), ConsistentRead=consistent
        )
        item = response.get("Item")
        return deserialize(item) if item else None

    def put(
        self, item: Mapping[str, Any], condition: str | None = None, values: Mapping[str, Any] | None = None
    ) -> None:
        kwargs: dict[str, Any] = {"TableName": self.name, "Item": serialize(item)}
        if condition:
            kwargs["ConditionExpression"] = condition
        if values:
            kwargs["ExpressionAttributeValues"] = serialize(values)
        self.client.put_item(**kwargs)

    def update(
        self,
        pk: str,
        sk: str,
        expression: str,
        values: Mapping[str, Any] | None = None,
        names: Mapping[str, str] | None = None,
        condition: str | None = None,
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "TableName": self.name,
            "Key": serialize({"PK": pk, "SK": sk}),
            "UpdateExpression": expression,
            "ReturnValues": "ALL_NEW",
        }
        if values:
            kwargs["ExpressionAttributeValues"] = serialize(values)
        if names:
            kwargs["ExpressionAttributeNames"] = dict(names)
        if condition:
            kwargs["ConditionExpression"] = condition
        return deserialize(self.client.update_item(**kwargs).get("Attributes", {}))

    def query(
        self,
        pk: str,
        sk_prefix: str | None = None,
        *,
        limit: int | None = None,
        forward: bool = True,
        start_key: Mapping[str, Any] | None = None,
        index: str | None = None,
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        pk_name, sk_name = ("GSI1PK", "GSI1SK") if index == "GSI1" else ("PK", "SK")
        expression = "#pk = :pk"
        values: dict[str, Any] = {":pk": pk}
        if sk_prefix:
            expression += " AND begins_with(#sk, :sk)"
            values[":sk"] = sk_prefix
        kwargs: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": expression,
            "ExpressionAttributeNames": {"#pk": pk_name, **({"#sk": sk_name} if sk_prefix else {})},
            "ExpressionAttributeValues": serialize(values),
            "ScanIndexForward": forward,
        }
        if index:
            kwargs["IndexName"] = index
        if limit:
            kwargs["Limit"] = limit
        if start_key:
            kwargs["ExclusiveStartKey"] = serialize(start_key)
        response = self.client.query(**kwargs)
        last = response.get("LastEvaluatedKey")
        return [deserialize(item) for item in response.get("Items", [])], (
            deserialize(last) if last else None
        )

    def batch_get(
        self, key_pairs: Sequence[tuple[str, str]], projection: str | None = None
    ) -> list[dict[str, Any]]:
        """Items for (PK, SK) pairs, 100 keys a call, retrying UnprocessedKeys; missing keys are absent.
        Items come in no particular order (BatchGetItem's own); callers key them by their fields."""
        unique = list(dict.fromkeys(key_pairs))
        chunks = [unique[start : start + BATCH_GET_LIMIT] for start in range(0, len(unique), BATCH_GET_LIMIT)]
        if len(chunks) <= 1:
            return self._get_chunk(chunks[0], projection) if chunks else []
        pages = fan_out(lambda chunk: self._get_chunk(chunk, projection), chunks, self.batch_concurrency)
        return [item for page in pages for item in page]

    def _get_chunk(
        self, key_pairs: Sequence[tuple[str, str]], projection: str | None
    ) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        request: dict[str, Any] = {"Keys": [serialize({"PK": pk, "SK": sk}) for pk, sk in key_pairs]}
        if projection:
            request["ProjectionExpression"] = projection
        for attempt in range(MAX_UNPROCESSED_RETRIES + 1):
            response = self.client.batch_get_item(RequestItems={self.name: request})
            found.extend(deserialize(item) for item in response.get("Responses", {}).get(self.name, []))
            unprocessed = response.get("UnprocessedKeys", {}).get(self.name)
            if not unprocessed:
                return found
            request = unprocessed
            self._sleep(min(2.0, 0.025 * 2**attempt) * random.uniform(0.5, 1.0))  # noqa: S311 - jitter
        raise UnprocessedItemsError("BatchGetItem kept returning unprocessed keys")

    def transact(self, operations: Sequence[Mapping[str, Any]]) -> None:
        """Operations are TransactWriteItems entries whose Item/Key/values are plain Python values."""
        request = [self._transact_entry(op) for op in operations]
        try:
            self.client.transact_write_items(TransactItems=request)
        except self.client.exceptions.TransactionCanceledException as error:
            reasons = [reason.get("Code", "None") for reason in error.response.get("CancellationReasons", [])]
            raise TransactionCancelled(reasons) from error

    def _transact_entry(self, op: Mapping[str, Any]) -> dict[str, Any]:
        ((kind, body),) = op.items()
        entry: dict[str, Any] = {"TableName": self.name}
        for field, value in body.items():
            if field in ("Item", "Key", "ExpressionAttributeValues"):
                entry[field] = serialize(value)
            else:
                entry[field] = value
        return {kind: entry}

    def batch_write(self, items: Iterable[Mapping[str, Any]]) -> int:
        """Put every item; returns the number of BatchWriteItem calls made. Raises (after the calls
        already running have finished) when any chunk could not be written."""
        chunks = self._write_chunks(items)
        first = next(chunks, None)
        if first is None:
            return 0
        second = next(chunks, None)
        if second is None:
            return self._write_chunk(first)
        return sum(
            fan_out(self._write_chunk, itertools.chain((first, second), chunks), self.batch_concurrency)
        )

    def batch_write_groups(self, groups: Sequence[Iterable[Mapping[str, Any]]]) -> list[Exception | None]:
        """Put every group's items, the chunks of all groups on one pool; for each group, None when
        all its items were written, else the first error among its chunks. A failed group stops no
        other group, and this returns only once every chunk has finished."""
        group_of_chunk: list[int] = []

        def chunks() -> Iterator[list[dict[str, Any]]]:
            for group, items in enumerate(groups):
                for chunk in self._write_chunks(items):
                    group_of_chunk.append(group)
                    yield chunk

        outcomes = fan_out_settled(self._write_chunk, chunks(), self.batch_concurrency)
        failures: list[Exception | None] = [None] * len(groups)
        for group, outcome in zip(group_of_chunk, outcomes, strict=True):
            if isinstance(outcome, Exception) and failures[group] is None:
                failures[group] = outcome
        return failures

    @staticmethod
    def _write_chunks(items: Iterable[Mapping[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        chunk: list[dict[str, Any]] = []
        for item in items:
            chunk.append({"PutRequest": {"Item": serialize(item)}})
            if len(chunk) == BATCH_WRITE_LIMIT:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _write_chunk(self, requests: list[dict[str, Any]]) -> int:
        calls = 0
        pending = requests
        for attempt in range(MAX_UNPROCESSED_RETRIES + 1):
            try:
                response = self.client.batch_write_item(RequestItems={self.name: pending})
            except self.client.exceptions.ProvisionedThroughputExceededException:
                response = {"UnprocessedItems": {self.name: pending}}
            calls += 1
            pending = response.get("UnprocessedItems", {}).get(self.name, [])
            if not pending:
                return calls
            self._sleep(min(2.0, 0.025 * 2**attempt) * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not crypto
        raise UnprocessedItemsError(
            f"{len(pending)} items still unprocessed after {calls} BatchWriteItem calls"
        )
