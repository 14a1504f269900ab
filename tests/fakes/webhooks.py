"""The webhook delivery task's store, sender and queue in memory."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from debtload.domain import webhooks


class MemoryWebhookStore:
    """Endpoints and events by tenant; thread-safe where concurrent deliveries write."""

    def __init__(self) -> None:
        self.endpoints: dict[str, webhooks.Endpoint] = {}
        self.events: dict[tuple[str, str], dict[str, Any]] = {}
        self.lock = threading.Lock()

    def get_endpoint(self, tenant_id: str) -> webhooks.Endpoint | None:
        return self.endpoints.get(tenant_id)

    def put_endpoint(self, tenant_id: str, endpoint: webhooks.Endpoint) -> None:
        self.endpoints[tenant_id] = endpoint

    def disable_endpoint(self, tenant_id: str, reason: str) -> None:
        raise AssertionError("not expected here")

    def get_event(self, tenant_id: str, event_id: str) -> dict[str, Any] | None:
        return self.events.get((tenant_id, event_id))

    def record_attempt(self, tenant_id: str, event_id: str, status: str, detail: str) -> int:
        with self.lock:
            event = self.events[(tenant_id, event_id)]
            event.update(delivery_status=status, last_attempt=detail, attempts=event.get("attempts", 0) + 1)
            event.pop("claimed", None)
            return int(event["attempts"])

    def schedule_retry(self, tenant_id: str, event_id: str, at: str) -> None:
        with self.lock:
            self.events[(tenant_id, event_id)]["next_attempt_at"] = at

    def claim_delivery(self, tenant_id: str, event_id: str, lease_seconds: float) -> bool:
        with self.lock:
            event = self.events[(tenant_id, event_id)]
            if event.get("delivery_status") in webhooks.SETTLED or event.get("claimed"):
                return False
            event["claimed"] = True
            return True

    def reset_event(self, tenant_id: str, event_id: str) -> None:
        raise AssertionError("not expected here")

    def mark_failed(self, tenant_id: str, event_id: str, detail: str) -> None:
        self.events[(tenant_id, event_id)].update(delivery_status="failed", last_attempt=detail)


class FakeSender:
    """Answers each POST with the next of `statuses`, and keeps what was sent."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.requests: list[tuple[str, bytes, Mapping[str, str]]] = []

    def post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
        self.requests.append((url, body, headers))
        return self.statuses.pop(0)


class VisibilityLog:
    """The SQS client as the delivery task uses it: records whose visibility it hands back."""

    def __init__(self) -> None:
        self.changed: list[str] = []

    def change_message_visibility(self, QueueUrl: str, ReceiptHandle: str, VisibilityTimeout: int) -> None:
        self.changed.append(ReceiptHandle)
