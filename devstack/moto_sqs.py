"""SQS hands a message to one receiver at a time; moto's ReceiveMessage, run by several threads of
its server at once, can hand the same message to two (its loop marks messages received without a
lock). With several concurrent pollers per queue (MaximumConcurrency) that made every chunk run
twice and spent its receive count, so receives of one queue are serialized here, and a long poll
waits outside the lock so other receivers are not held up."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from moto.sqs.models import SQSBackend

_IDLE = 0.05


class SerializedReceive:
    def __init__(self) -> None:
        self._original: Callable[..., Any] | None = None
        self._locks: defaultdict[tuple[int, str], threading.Lock] = defaultdict(threading.Lock)
        self._guard = threading.Lock()

    def _lock(self, backend: Any, queue_name: str) -> threading.Lock:
        with self._guard:
            return self._locks[(id(backend), queue_name)]

    def install(self) -> None:
        original = SQSBackend.receive_message
        self._original = original
        locks = self

        def receive_message(
            backend: SQSBackend,
            queue_name: str,
            count: int,
            wait_seconds_timeout: int,
            visibility_timeout: int,
            message_attribute_names: list[str] | None = None,
        ) -> Any:
            deadline = time.monotonic() + wait_seconds_timeout
            lock = locks._lock(backend, queue_name)
            while True:
                with lock:
                    result = original(
                        backend, queue_name, count, 0, visibility_timeout, message_attribute_names
                    )
                remaining = deadline - time.monotonic()
                if result or remaining <= 0:
                    return result
                backend.get_queue(queue_name).wait_for_messages(min(1, remaining))  # type: ignore[arg-type]
                time.sleep(min(_IDLE, max(remaining, 0)))

        SQSBackend.receive_message = receive_message  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        if self._original is not None:
            SQSBackend.receive_message = self._original  # type: ignore[method-assign]
            self._original = None
