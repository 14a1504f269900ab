"""An in-process stand-in for Lambda's SQS event source mapping.

Moto's own event source mapping hands a function one record at a time and ignores
``batchItemFailures``, so the local stack drives SQS-triggered functions with this poller
instead. It reproduces what Lambda does: gather up to ``BatchSize`` messages (across several
``ReceiveMessage`` calls, which return at most 10), invoke once, then delete what succeeded.
Anything not deleted comes back when its visibility timeout expires, and the queue's own
``RedrivePolicy`` moves it to the DLQ after ``maxReceiveCount`` receives (moto's
``receive_message`` does that, as SQS does), so the poller never touches visibility or the DLQ.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

Invoke = Callable[[dict[str, Any]], Any]

_MAX_RECEIVE = 10
_MAX_DELETE = 10
# Between empty polls; long polling already waits, so this only bounds the loop rate.
_IDLE_WAIT_SECONDS = 0.2
_ERROR_BACKOFF_INITIAL = 0.1
_ERROR_BACKOFF_MAX = 2.0

_LOG = logging.getLogger(__name__)


class _BatchFailed(Exception):
    """The response makes Lambda treat the whole batch as failed."""


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
        concurrency: int = 1,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if not 0 <= wait_time_seconds <= 20:
            raise ValueError("wait_time_seconds must be between 0 and 20")
        self._sqs = sqs_client
        self._queue_url = queue_url
        self._queue_arn = queue_arn
        self._invoke = invoke
        self._batch_size = batch_size
        self._report_failures = report_batch_item_failures
        self._window = max(0.0, maximum_batching_window_seconds)
        # Moto's long poll busy-waits while a FIFO queue has visible messages whose group is
        # in flight (its wait condition is "any visible message", not "any receivable one"),
        # which burns a core for the whole wait; short polls plus our own idle wait avoid it.
        self._wait_time = 0 if queue_arn.endswith(".fifo") else wait_time_seconds
        self._region = region
        self.name = name or queue_arn.rsplit(":", 1)[-1]
        self._log = logger or _LOG
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._concurrency = concurrency
        self._stop_event = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- public API ---------------------------------------------------------------------------

    def poll_once(self) -> int:
        """Gather one batch, invoke once, settle. Returns the batch size (0 when none came).

        SQS errors on the first receive propagate (the loop backs off on them); errors after
        messages are in hand are logged, because those messages are already owned by this
        invocation and will simply come back after their visibility timeout.
        """
        messages = self._gather()
        if not messages:
            return 0
        event = {"Records": [self._record(m) for m in messages]}
        try:
            response = self._invoke(event)
        except (Exception, SystemExit):
            # Lambda leaves a failed batch alone: no delete and no visibility reset, so the
            # messages reappear only when their visibility timeout expires.
            self._log.exception(
                "%s: invocation failed; %d message(s) will be retried after their visibility timeout",
                self.name,
                len(messages),
            )
            return len(messages)
        self._settle(messages, response)
        return len(messages)

    def start(self) -> None:
        """Starts `concurrency` pollers: Lambda runs up to MaximumConcurrency batches of one event
        source at once, so two chunks of one job can finish together locally too."""
        if self.running:
            return
        # A fresh Event per run so a previous thread that outlived stop()'s join still sees
        # its own stop signal and cannot be revived by a restart.
        self._stop_event = threading.Event()
        self._threads = [
            threading.Thread(
                target=self._run, args=(self._stop_event,), name=f"sqs-poller-{self.name}-{i}", daemon=True
            )
            for i in range(self._concurrency)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop_event.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        busy = [thread for thread in self._threads if thread.is_alive()]
        if busy:
            self._log.warning(
                "%s: %d poller thread(s) still busy after %.1fs (handler running?)",
                self.name,
                len(busy),
                timeout,
            )
        else:
            self._threads = []

    @property
    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    # -- loop ---------------------------------------------------------------------------------

    def _run(self, stop: threading.Event) -> None:
        backoff = _ERROR_BACKOFF_INITIAL
        while not stop.is_set():
            try:
                count = self.poll_once()
            except (BotoCoreError, ClientError) as exc:
                # Typically the endpoint going away during shutdown: no traceback noise.
                self._log.warning("%s: SQS error, retrying in %.1fs: %s", self.name, backoff, exc)
                stop.wait(backoff)
                backoff = min(backoff * 2, _ERROR_BACKOFF_MAX)
                continue
            except Exception:
                self._log.exception("%s: unexpected poller error, retrying in %.1fs", self.name, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, _ERROR_BACKOFF_MAX)
                continue
            backoff = _ERROR_BACKOFF_INITIAL
            if count == 0:
                stop.wait(_IDLE_WAIT_SECONDS)

    # -- gathering ----------------------------------------------------------------------------

    def _receive(self, max_messages: int, wait_seconds: int) -> list[dict[str, Any]]:
        response = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=max_messages,
            WaitTimeSeconds=wait_seconds,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages: list[dict[str, Any]] = response.get("Messages", [])
        return messages

    def _gather(self) -> list[dict[str, Any]]:
        first = self._receive(min(self._batch_size, _MAX_RECEIVE), self._wait_time)
        if not first:
            return []
        # Keyed by MessageId: if a visibility timeout expires mid-gather the same message can be
        # received twice, and batchItemFailures could not tell the two copies apart.
        batch: dict[str, dict[str, Any]] = {m["MessageId"]: m for m in first}
        deadline = time.monotonic() + self._window
        while len(batch) < self._batch_size and not self._stop_event.is_set():
            remaining = deadline - time.monotonic()
            if self._window and remaining <= 0:
                break
            try:
                more = self._receive(min(self._batch_size - len(batch), _MAX_RECEIVE), 0)
            except (BotoCoreError, ClientError) as exc:
                self._log.warning(
                    "%s: receive failed mid-batch, invoking with what we have: %s", self.name, exc
                )
                break
            if not more:
                # With a batching window Lambda keeps polling until the window closes; without
                # one, an empty receive ends the batch.
                if not self._window:
                    break
                self._stop_event.wait(min(0.05, max(remaining, 0.0)))
                continue
            for message in more:
                batch.pop(message["MessageId"], None)
                batch[message["MessageId"]] = message
        return list(batch.values())

    # -- event shape --------------------------------------------------------------------------

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message.get("Body", ""),
            "attributes": dict(message.get("Attributes", {})),
            "messageAttributes": {
                name: _message_attribute(value)
                for name, value in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": self._queue_arn,
            "awsRegion": self._region,
        }

    # -- settling -----------------------------------------------------------------------------

    def _settle(self, messages: list[dict[str, Any]], response: Any) -> None:
        if not self._report_failures:
            self._delete(messages)
            return
        ids = {m["MessageId"] for m in messages}
        try:
            failed = _failed_ids(response, ids)
        except _BatchFailed as exc:
            self._log.error(
                "%s: invalid batchItemFailures response (%s); the whole batch of %d will be retried",
                self.name,
                exc,
                len(messages),
            )
            return
        if failed:
            self._log.info(
                "%s: %d of %d message(s) reported as failed", self.name, len(failed), len(messages)
            )
        # Failed messages are left strictly alone: the handler may have set their visibility
        # itself (retry backoff) and SQS/redrive takes it from there.
        self._delete([m for m in messages if m["MessageId"] not in failed])

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        for start in range(0, len(messages), _MAX_DELETE):
            chunk = messages[start : start + _MAX_DELETE]
            # Positional Ids: they only have to be unique within one call and MessageIds are
            # not guaranteed to fit DeleteMessageBatch's Id alphabet.
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)]
            try:
                response = self._sqs.delete_message_batch(QueueUrl=self._queue_url, Entries=entries)
            except (BotoCoreError, ClientError):
                self._log.exception(
                    "%s: DeleteMessageBatch failed; %d processed message(s) will be delivered again",
                    self.name,
                    len(chunk),
                )
                continue
            for failure in response.get("Failed", []):
                message = chunk[int(failure["Id"])]
                self._log.error(
                    "%s: could not delete message %s: %s %s",
                    self.name,
                    message["MessageId"],
                    failure.get("Code"),
                    failure.get("Message"),
                )


def _message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    # Lambda's event uses camelCase keys, always carries both list fields and base64-encodes
    # binary values (boto3 hands them to us already decoded to bytes).
    out: dict[str, Any] = {}
    if "StringValue" in value:
        out["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        out["binaryValue"] = _b64(value["BinaryValue"])
    out["stringListValues"] = list(value.get("StringListValues", []))
    out["binaryListValues"] = [_b64(v) for v in value.get("BinaryListValues", [])]
    out["dataType"] = value.get("DataType", "String")
    return out


def _b64(raw: bytes | str) -> str:
    if isinstance(raw, str):
        raw = raw.encode()
    return base64.b64encode(raw).decode("ascii")


def _failed_ids(response: Any, batch_ids: set[str]) -> set[str]:
    """MessageIds reported as failed; raises _BatchFailed when Lambda would fail the whole batch.

    Lambda counts an empty/null response, or an empty/null batchItemFailures, as full success,
    and an unparseable response, a bad key, or an empty, null or unknown itemIdentifier as full
    failure.
    """
    if isinstance(response, bytes | bytearray):
        response = response.decode()
    if isinstance(response, str):
        # A payload that went through a JSON round trip (moto's invoke path returns strings).
        if not response.strip():
            return set()
        try:
            response = json.loads(response)
        except ValueError as exc:
            raise _BatchFailed("response is not valid JSON") from exc
    if not response:
        return set()
    if not isinstance(response, dict):
        raise _BatchFailed(f"response is a {type(response).__name__}, not an object")
    failures = response.get("batchItemFailures")
    if not failures:
        return set()
    if not isinstance(failures, list):
        raise _BatchFailed("batchItemFailures is not a list")
    failed: set[str] = set()
    for item in failures:
        if not isinstance(item, dict) or "itemIdentifier" not in item:
            raise _BatchFailed(f"entry without itemIdentifier: {item!r}")
        identifier = item["itemIdentifier"]
        if not isinstance(identifier, str) or not identifier or identifier not in batch_ids:
            raise _BatchFailed(f"itemIdentifier {identifier!r} is not a message of this batch")
        failed.add(identifier)
    return failed
