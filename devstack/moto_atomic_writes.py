"""DynamoDB applies each write atomically: a condition is checked and the write made as one step,
so of two conditional writes racing on one item only one can pass. moto's backend checks and then
writes without a lock, so two threads of its server could both pass the same condition (seen: two
webhook workers both claiming one event's delivery). Here one backend's writes run one at a time.
Reads are left concurrent, as they are on AWS."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models import DynamoDBBackend

WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")


class AtomicWrites:
    def __init__(self) -> None:
        self._originals: dict[str, Callable[..., Any]] = {}
        self._locks: dict[int, threading.RLock] = {}
        self._guard = threading.Lock()

    def _lock(self, backend: Any) -> threading.RLock:
        with self._guard:
            return self._locks.setdefault(id(backend), threading.RLock())

    def install(self) -> None:
        for name in WRITES:
            original = getattr(DynamoDBBackend, name)
            self._originals[name] = original
            setattr(DynamoDBBackend, name, self._serialized(original))

    def _serialized(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def write(backend: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
            # Re-entrant: a transaction's rollback (moto_transactions) writes through these too.
            with self._lock(backend):
                return original(backend, *args, **kwargs)

        return write

    def uninstall(self) -> None:
        for name, original in self._originals.items():
            setattr(DynamoDBBackend, name, original)
        self._originals.clear()
