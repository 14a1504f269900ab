"""Delivers the webhook events queued on WebhookQueue.

A failed delivery is reported as a batch item failure after its message's visibility is set to the
backoff delay, so SQS itself schedules the retry. The attempt that reaches WebhookMaxAttempts marks
the event failed; a message that reaches the dead-letter queue anyway (receives that were not
attempts: a crash, a timeout) marks its event failed too. A failed event waits for
`POST /webhooks/events/{id}/replay`.

A batch is delivered on a small pool, one tenant's events in order on one worker, so a tenant whose
receiver hangs holds one worker, not the batch. Each delivery has a total deadline; a delivery
starts only while the invocation has room for it, and the messages not attempted are handed back
untouched (batch item failures with their visibility unchanged, no attempt recorded).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from debtload.adapters import aws
from debtload.domain import webhooks

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WebhookDeliveryTask:
    store: webhooks.WebhookStore
    sender: webhooks.HttpSender
    queue_url: str
    sqs: Any = None  # resolved lazily: no client is made at cold start
    first_retry_seconds: int = 30
    max_attempts: int = 8
    dead_letter_queue_name: str = ""
    delivery_timeout: float = 10.0  # the whole request, not one read
    parallelism: int = 4  # tenants delivered at once
    safety_ms: int = 1_000  # kept back from the invocation's deadline for the batch response

    def handle_batch(
        self, records: Sequence[Mapping[str, Any]], remaining_ms: Callable[[], int]
    ) -> dict[str, list[dict[str, str]]]:
        """Deliver an SQS batch; returns the partial batch response."""
        by_tenant: dict[str, list[Mapping[str, Any]]] = {}
        failed: list[str] = []
        for record in records:
            try:
                tenant = str(json.loads(record["body"])["tenant_id"])
            except (ValueError, KeyError, TypeError):
                log.exception("Unreadable webhook message %s", record.get("messageId"))
                failed.append(str(record["messageId"]))
                continue
            by_tenant.setdefault(tenant, []).append(record)
        if by_tenant:
            with ThreadPoolExecutor(max_workers=min(self.parallelism, len(by_tenant))) as pool:
                for group_failed in pool.map(
                    lambda group: self._deliver_in_order(group, remaining_ms), by_tenant.values()
                ):
                    failed.extend(group_failed)
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}

    def _deliver_in_order(
        self, group: Sequence[Mapping[str, Any]], remaining_ms: Callable[[], int]
    ) -> list[str]:
        failed: list[str] = []
        for index, record in enumerate(group):
            if remaining_ms() <= self.delivery_timeout * 1000 + self.safety_ms:
                untouched = [str(r["messageId"]) for r in group[index:]]
                log.warning(
                    "No time left for %d webhook message(s); they come back as they are", len(untouched)
                )
                return failed + untouched
            try:
                self.handle_record(record)
            except webhooks.RetryLater as retry:
                log.info("Webhook %s retries in %d s: %s", record["messageId"], retry.delay_seconds, retry)
                failed.append(str(record["messageId"]))
            except Exception:
                log.exception("Webhook message %s failed", record["messageId"])
                failed.append(str(record["messageId"]))
        return failed

    def handle_record(self, record: Mapping[str, Any]) -> str:
        body = json.loads(record["body"])
        source_queue = str(record.get("eventSourceARN", "")).rsplit(":", 1)[-1]
        if self.dead_letter_queue_name and source_queue == self.dead_letter_queue_name:
            receives = int(record.get("attributes", {}).get("ApproximateReceiveCount", 0) or 0)
            return webhooks.dead_lettered(self.store, str(body["tenant_id"]), str(body["event_id"]), receives)
        try:
            return webhooks.deliver(
                self.store,
                self.sender,
                str(body["tenant_id"]),
                str(body["event_id"]),
                first_retry_seconds=self.first_retry_seconds,
                max_attempts=self.max_attempts,
                timeout=self.delivery_timeout,
            )
        except webhooks.RetryLater as retry:
            (self.sqs or aws.client("sqs")).change_message_visibility(
                QueueUrl=self.queue_url,
                ReceiptHandle=record["receiptHandle"],
                VisibilityTimeout=min(retry.delay_seconds, 43_200),
            )
            raise
