"""An SQS event source mapping for in-process functions, with Lambda's semantics.

moto's own mapping delivers one record at a time and ignores partial failures; this one gathers up to
BatchSize messages (ReceiveMessage returns at most 10 a call), builds Lambda's event, and settles the
batch as Lambda does: an invocation error deletes nothing; a `batchItemFailures` response (when
ReportBatchItemFailures is on) deletes everything else; an invalid failure identifier fails the
whole batch. Failed messages are left to their visibility timeout, and redrive to the dead-letter
queue is the queue's own job (moto applies maxReceiveCount on receive, as SQS does).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

Invoke = Callable[[dict[str, Any]], Any]

RECEIVE_LIMIT = 10
_SYSTEM_ATTRIBUTES = (
    "ApproximateReceiveCount",
    "SentTimestamp",
    "SenderId",
    "ApproximateFirstReceiveTimestamp",
    "MessageGroupId",
    "MessageDeduplicationId",
    "SequenceNumber",
)


def _lambda_attribute(value: dict[str, Any]) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": value.get("DataType"),
    }
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = value["BinaryValue"]
    return attribute


class SqsEventSourcePoller:
    def __init__(
        self,
        *,
        sqs_client: Any,
        queue_url: str,
        queue_arn: str,
        invoke: Invoke,
        batch_size: int = 10,
        report_batch_item_failures: bool = False,
        maximum_batching_window_seconds: float = 0.0,
        wait_time_seconds: int = 1,
        region: str = "us-east-1",
        name: str = "",
        logger: logging.Logger | None = None,
    ) -> None:
        self.sqs = sqs_client
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self.invoke = invoke
        self.batch_size = batch_size
        self.report_batch_item_failures = report_batch_item_failures
        self.batching_window = maximum_batching_window_seconds
        self.wait_time_seconds = wait_time_seconds
        self.region = region
        self.name = name or queue_arn.rsplit(":", 1)[-1]
        self.log = logger or logging.getLogger("devstack.sqs")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # one invocation cycle
    def poll_once(self) -> int:
        messages = self._gather()
        if not messages:
            return 0
        event = {"Records": [self._record(m) for m in messages]}
        try:
            response = self.invoke(event)
        except Exception:
            self.log.exception(
                "%s: invocation failed; %d message(s) will be retried", self.name, len(messages)
            )
            return len(messages)
        self._delete([m for m in messages if m["MessageId"] not in self._failed_ids(response, messages)])
        return len(messages)

    def _gather(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        deadline = time.monotonic() + self.batching_window
        while len(messages) < self.batch_size:
            wait = self.wait_time_seconds if not messages else 0
            received = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(RECEIVE_LIMIT, self.batch_size - len(messages)),
                WaitTimeSeconds=wait,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            messages.extend(received)
            if not received and (not messages or time.monotonic() >= deadline):
                break
            if self._stop.is_set():
                break
        return messages

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        system = message.get("Attributes", {})
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": {name: system[name] for name in _SYSTEM_ATTRIBUTES if name in system},
            "messageAttributes": {
                name: _lambda_attribute(value) for name, value in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": self.region,
        }

    def _failed_ids(self, response: Any, messages: list[dict[str, Any]]) -> set[str]:
        all_ids = {m["MessageId"] for m in messages}
        if not self.report_batch_item_failures or not isinstance(response, dict):
            return set()
        failures = response.get("batchItemFailures") or []
        ids = {failure.get("itemIdentifier") if isinstance(failure, dict) else None for failure in failures}
        if any(not identifier or identifier not in all_ids for identifier in ids):
            # Lambda treats a malformed or unknown identifier as a failure of the whole batch.
            self.log.warning(
                "%s: invalid batchItemFailures %r; the whole batch is retried", self.name, failures
            )
            return all_ids
        return {str(identifier) for identifier in ids}

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        for start in range(0, len(messages), RECEIVE_LIMIT):
            batch = messages[start : start + RECEIVE_LIMIT]
            response = self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)],
            )
            for failed in response.get("Failed", []):
                self.log.error("%s: could not delete a message: %s", self.name, failed)

    # the loop
    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"sqs-poller-{self.name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        backoff = 0.1
        while not self._stop.is_set():
            try:
                handled = self.poll_once()
                backoff = 0.1
            except Exception:
                if self._stop.is_set():
                    return
                self.log.exception("%s: polling failed; retrying in %.1fs", self.name, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if not handled:
                self._stop.wait(0.05)  # long polling already waited; never spin

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
