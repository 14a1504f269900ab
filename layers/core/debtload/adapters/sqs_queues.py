"""Job chunks and webhook events onto their SQS queues."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from debtload.adapters import aws
from debtload.domain.jobs.model import ChunkMessage, OutboxEvent

SEND_RETRIES = 5
MAX_BATCH_ENTRIES = 10
# SendMessageBatch also caps the sum of its bodies (256 KiB on older limits, 1 MiB today); chunks are
# up to ~240 KB each, so a batch is packed by size too, under the older and stricter figure.
MAX_BATCH_BYTES = 256 * 1024


class SqsSendFailed(RuntimeError):
    pass


def _send_batch(client: Any, queue_url: str, bodies: Sequence[tuple[str, str]]) -> None:
    """SendMessageBatch (10 a call), retrying the entries SQS reports as failed."""
    pending = list(bodies)
    for attempt in range(SEND_RETRIES):
        response = client.send_message_batch(
            QueueUrl=queue_url, Entries=[{"Id": entry_id, "MessageBody": body} for entry_id, body in pending]
        )
        failed_ids = {entry["Id"] for entry in response.get("Failed", [])}
        pending = [entry for entry in pending if entry[0] in failed_ids]
        if not pending:
            return
        time.sleep(0.05 * 2**attempt)
    raise SqsSendFailed(f"{len(pending)} message(s) could not be sent to {queue_url}")


class SqsChunkQueue:
    def __init__(self, queue_url: str, client: Any | None = None) -> None:
        self.queue_url = queue_url
        self._client = client

    @property
    def client(self) -> Any:
        return self._client if self._client is not None else aws.client("sqs")

    def send_chunks(self, messages: Sequence[ChunkMessage]) -> None:
        bodies = [
            (str(m.chunk), json.dumps(m.to_body(), separators=(",", ":"), default=str)) for m in messages
        ]
        for batch in _packed(bodies):
            _send_batch(self.client, self.queue_url, batch)


def _packed(bodies: Sequence[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Consecutive groups of at most MAX_BATCH_ENTRIES bodies and MAX_BATCH_BYTES in all."""
    batches: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    size = 0
    for entry in bodies:
        length = len(entry[1].encode())
        if current and (len(current) == MAX_BATCH_ENTRIES or size + length > MAX_BATCH_BYTES):
            batches.append(current)
            current, size = [], 0
        current.append(entry)
        size += length
    if current:
        batches.append(current)
    return batches


class SqsEventPublisher:
    """Queues outbox events for the webhooks function, which looks each one up by id."""

    def __init__(self, queue_url: str, client: Any | None = None) -> None:
        self.queue_url = queue_url
        self._client = client

    @property
    def client(self) -> Any:
        return self._client if self._client is not None else aws.client("sqs")

    def publish(self, event: OutboxEvent) -> None:
        body = json.dumps({"tenant_id": event.tenant_id, "event_id": event.event_id, "type": event.type})
        _send_batch(self.client, self.queue_url, [("0", body)])
