"""Partition-scoped Query for moto's DynamoDB.

moto answers a Query on a table's key by listing and sorting every item of the table, then keeping
the partition's: each Query costs the whole table. DynamoDB reads the partition only. A file import
pages through a job's row outcomes with Query while the table fills with the import's own rows, so
in the local stack a 100,000-row drop spent most of its time in those sorts. Here a main-table
Query sees only its partition; GSI queries, scans and everything else run moto's code unchanged.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models.table import Table

_narrowed = threading.local()


class PartitionQuery:
    def __init__(self) -> None:
        self._query: Callable[..., Any] | None = None
        self._all_items: Callable[..., Any] | None = None

    def install(self) -> None:
        query, all_items = Table.query, Table.all_items
        self._query, self._all_items = query, all_items
        signature = inspect.signature(query)

        def partition_items(table: Table) -> list[Any]:
            scope = getattr(_narrowed, "scope", None)
            if scope is None or scope[0] is not table:
                return all_items(table)
            partition = table.items.get(scope[1], {})  # .get: moto's defaultdict must not grow a key
            return sorted(partition.values(), key=lambda item: item.range_key)

        def partition_query(table: Table, *args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(table, *args, **kwargs)
            hash_key = bound.arguments.get("hash_key")
            if bound.arguments.get("index_name") or hash_key is None or not table.range_key_attr:
                return query(table, *args, **kwargs)
            _narrowed.scope = (table, hash_key)
            try:
                return query(table, *args, **kwargs)
            finally:
                _narrowed.scope = None

        Table.all_items = partition_items  # type: ignore[method-assign,assignment]
        Table.query = partition_query  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        if self._query is not None:
            Table.query = self._query  # type: ignore[method-assign]
            Table.all_items = self._all_items  # type: ignore[method-assign,assignment]
            self._query = None
