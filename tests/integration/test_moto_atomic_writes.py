"""Of two conditional writes racing on one item, only one passes, as on DynamoDB. moto's own
update_item is held open here until a second write could join it, so the race is forced."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend

from devstack.moto_atomic_writes import AtomicWrites

TABLE = "race"


class HeldOpen:
    """Wraps moto's update_item: each call waits (at most `hold` s) for another one to be inside."""

    def __init__(self, hold: float = 0.5) -> None:
        self.hold = hold
        self.inside = 0
        self.most_inside = 0
        self.condition = threading.Condition()

    def wrap(self, original: Any) -> Any:
        def update_item(backend: Any, *args: Any, **kwargs: Any) -> Any:
            with self.condition:
                self.inside += 1
                self.most_inside = max(self.most_inside, self.inside)
                self.condition.notify_all()
                self.condition.wait_for(lambda: self.inside >= 2, self.hold)
            try:
                return original(backend, *args, **kwargs)
            finally:
                with self.condition:
                    self.inside -= 1

        return update_item


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        client.put_item(TableName=TABLE, Item={"PK": {"S": "event"}})
        yield client


def _claims(client: Any) -> list[str]:
    def claim(worker: str) -> str:
        try:
            client.update_item(
                TableName=TABLE,
                Key={"PK": {"S": "event"}},
                UpdateExpression="SET claimed_by = :w",
                ConditionExpression="attribute_not_exists(claimed_by)",
                ExpressionAttributeValues={":w": {"S": worker}},
            )
        except ClientError as error:
            return error.response["Error"]["Code"]
        return "claimed"

    with ThreadPoolExecutor(2) as pool:
        return sorted(pool.map(claim, ["a", "b"]))


def test_two_racing_conditional_writes_one_passes(table: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given moto's update_item held open for a second caller, under the atomic-writes hook
    held = HeldOpen()
    monkeypatch.setattr(DynamoDBBackend, "update_item", held.wrap(DynamoDBBackend.update_item))
    writes = AtomicWrites()
    writes.install()
    try:
        # When two workers claim the same item at once
        outcomes = _claims(table)
    finally:
        writes.uninstall()
    # Then one claims it and the other's condition fails, the writes having run one at a time
    assert outcomes == ["ConditionalCheckFailedException", "claimed"]
    assert held.most_inside == 1


def test_without_the_hook_two_writes_are_inside_moto_at_once(
    table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why the hook exists: moto's update_item reads the item, checks the condition and writes it
    with no lock between, so two writes inside it at once can both pass (a thread switch between the
    check and the write is rare, hence this shows the overlap rather than a double pass)."""
    held = HeldOpen()
    monkeypatch.setattr(DynamoDBBackend, "update_item", held.wrap(DynamoDBBackend.update_item))
    _claims(table)
    assert held.most_inside == 2
