"""The local stack's item-level rollback keeps moto's transaction semantics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from debtload.adapters.dynamodb.table import DynamoTable, TransactionCancelled
from devstack.moto_transactions import ItemLevelRollback
from tests.conftest import MotoResources


@pytest.fixture
def table(moto_resources: MotoResources) -> Iterator[DynamoTable]:
    rollback = ItemLevelRollback()
    rollback.install()
    try:
        yield DynamoTable(moto_resources.table_name)
    finally:
        rollback.uninstall()


def test_a_cancelled_transaction_changes_nothing(table: DynamoTable) -> None:
    table.put({"PK": "T#1", "SK": "A", "n": 1})
    table.put({"PK": "T#1", "SK": "GUARD", "n": 0})
    with pytest.raises(TransactionCancelled):
        table.transact(
            [
                {"Put": {"Item": {"PK": "T#1", "SK": "A", "n": 2}}},
                {"Put": {"Item": {"PK": "T#1", "SK": "NEW", "n": 3}}},
                {
                    "Update": {
                        "Key": {"PK": "T#1", "SK": "B"},
                        "UpdateExpression": "SET n = :n",
                        "ExpressionAttributeValues": {":n": 4},
                    }
                },
                {
                    "ConditionCheck": {
                        "Key": {"PK": "T#1", "SK": "GUARD"},
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
            ]
        )
    assert table.get("T#1", "A") == {"PK": "T#1", "SK": "A", "n": 1}
    assert table.get("T#1", "NEW") is None
    assert table.get("T#1", "B") is None


def test_a_committed_transaction_applies_every_write(table: DynamoTable) -> None:
    table.put({"PK": "T#1", "SK": "A", "n": 1})
    table.transact(
        [
            {
                "Update": {
                    "Key": {"PK": "T#1", "SK": "A"},
                    "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": 1},
                }
            },
            {
                "Put": {
                    "Item": {"PK": "T#1", "SK": "NEW", "n": 3},
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        ]
    )
    assert table.get("T#1", "A") == {"PK": "T#1", "SK": "A", "n": 2}
    assert table.get("T#1", "NEW") == {"PK": "T#1", "SK": "NEW", "n": 3}
