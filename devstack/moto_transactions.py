"""Item-level rollback for moto's TransactWriteItems.

moto backs a transaction up by deep-copying every table it touches, so that it can roll back: the
cost grows with the table, once per transaction. The job engine writes two transactions per chunk,
so a 100,000-row file in the local stack went quadratic (13.5 GB before it was stopped). Here the
backup is the items the transaction touches, which is all a rollback needs; moto's own whole-table
copy is turned into a no-op while its transaction code runs unchanged.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table


class _CopyWithoutTables:
    """Stands in for the `copy` module inside moto.dynamodb.models: tables are not copied."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


_Snapshot = tuple[Table, Any, Any, Any]


def _snapshot(backend: DynamoDBBackend, entry: dict[str, Any]) -> _Snapshot | None:
    try:
        ((_, operation),) = entry.items()
        table = backend.get_table(operation["TableName"])
        if "Key" in operation:
            key = operation["Key"]
        else:
            key = {table.hash_key_attr: operation["Item"][table.hash_key_attr]}
            if table.range_key_attr:
                key[table.range_key_attr] = operation["Item"][table.range_key_attr]
        hash_value, range_value = backend.get_keys_value(table, key)
        return table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value))
    except Exception:  # a malformed entry: moto's own code rejects it before writing anything
        return None


def _restore(snapshot: _Snapshot) -> None:
    put_back(*snapshot)


def put_back(table: Any, hash_value: Any, range_value: Any, item: Any) -> None:
    """Sets an item of moto's table back to `item` (None: absent), bypassing moto's write checks."""
    if table.range_key_attr:
        if item is None:
            table.items.get(hash_value, {}).pop(range_value, None)
        else:
            table.items[hash_value][range_value] = item
    elif item is None:
        table.items.pop(hash_value, None)
    else:
        table.items[hash_value] = item


class ItemLevelRollback:
    def __init__(self) -> None:
        self._original: Callable[..., Any] | None = None
        self._original_copy: Any = None

    def install(self) -> None:
        original = DynamoDBBackend.transact_write_items
        self._original, self._original_copy = original, dynamodb_models.copy

        def transact_write_items(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> Any:
            snapshots = [s for s in (_snapshot(backend, entry) for entry in transact_items) if s is not None]
            try:
                return original(backend, transact_items)
            except Exception:
                for snapshot in reversed(snapshots):
                    _restore(snapshot)
                raise

        dynamodb_models.copy = _CopyWithoutTables()  # type: ignore[assignment]
        DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        if self._original is not None:
            DynamoDBBackend.transact_write_items = self._original  # type: ignore[method-assign]
            dynamodb_models.copy = self._original_copy
            self._original = None
