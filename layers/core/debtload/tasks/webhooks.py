"""Delivers the webhook events queued on WebhookQueue.

A failed delivery is reported as a batch item failure after its message's visibility is set to the
backoff delay, so SQS itself schedules the retry; after WebhookMaxAttempts receives the message
goes to the dead-letter queue.
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

    def handle_record(self, record: Mapping[str, Any]) -> str:
        body = json.loads(record["body"])
        try:
            return webhooks.deliver(
                self.store,
                self.sender,
                str(body["tenant_id"]),
                str(body["event_id"]),
                first_retry_seconds=self.first_retry_seconds,
            )
        except webhooks.RetryLater as retry:
            (self.sqs or aws.client("sqs")).change_message_visibility(
                QueueUrl=self.queue_url,
                ReceiptHandle=record["receiptHandle"],
                VisibilityTimeout=min(retry.delay_seconds, 43_200),
            )
            raise
