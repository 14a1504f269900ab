"""Delivers the webhook events queued on WebhookQueue.

A failed delivery is reported as a batch item failure after its message's visibility is set to the
backoff delay, so SQS itself schedules the retry. The attempt that reaches WebhookMaxAttempts marks
the event failed; a message that reaches the dead-letter queue anyway (receives that were not
attempts: a crash, a timeout) marks its event failed too. A failed event waits for
`POST /webhooks/events/{id}/replay`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from debtload.adapters import aws
from debtload.domain import webhooks


@dataclass(frozen=True, slots=True)
class WebhookDeliveryTask:
    store: webhooks.WebhookStore
    sender: webhooks.HttpSender
    queue_url: str
    sqs: Any = None  # resolved lazily: no client is made at cold start
    first_retry_seconds: int = 30
    max_attempts: int = 8
    dead_letter_queue_name: str = ""

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
            )
        except webhooks.RetryLater as retry:
            (self.sqs or aws.client("sqs")).change_message_visibility(
                QueueUrl=self.queue_url,
                ReceiptHandle=record["receiptHandle"],
                VisibilityTimeout=min(retry.delay_seconds, 43_200),
            )
            raise
