"""The job engine's queue and event publisher in memory."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from debtload.domain.jobs.model import ChunkMessage, OutboxEvent


class ListQueue:
    """The chunk queue as a list of message bodies; `fail_after` sends, it becomes unreachable."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.fail_after = fail_after

    def send_chunks(self, messages: Sequence[ChunkMessage]) -> None:
        for message in messages:
            if self.fail_after is not None and len(self.bodies) >= self.fail_after:
                raise ConnectionError("queue unreachable")
            self.bodies.append(json.loads(json.dumps(message.to_body())))


class RecordingPublisher:
    def __init__(self) -> None:
        self.events: list[OutboxEvent] = []

    def publish(self, event: OutboxEvent) -> None:
        self.events.append(event)
