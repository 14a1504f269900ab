"""Lambda's asynchronous invocation, for the local stack's S3 notifications and schedules.

On AWS, S3 and EventBridge hand the event to Lambda's own queue and are done. Lambda runs the
function; when the run fails (an exception, a timeout, anything) it runs it again, up to the
function's `EventInvokeConfig.MaximumRetryAttempts` times (default 2, about one then two minutes
apart). An event that failed every attempt goes to `DestinationConfig.OnFailure`, sent by Lambda with
the function's execution role, as the record `failure_record` builds; without a destination it is
dropped. Moto does none of this: its S3 notifications invoke once and swallow the error, so a
FileImport that failed never reached FileImportFailuresQueue locally and the import stayed `reading`.

Locally the waits are short: `retry_delay_seconds` (DEBTLOAD_LOCAL_ASYNC_RETRY_SECONDS, default 1),
doubled for each retry as AWS's are.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import threading
import traceback
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from devstack.environment import seconds_or_scale
from devstack.functions import FunctionRunner
from devstack.lambda_limits import check_async_request
from devstack.template_specs import EventInvokeConfig

log = logging.getLogger("devstack.async")
RETRY_DELAY_ENV = "DEBTLOAD_LOCAL_ASYNC_RETRY_SECONDS"


@dataclass(frozen=True)
class AsyncOutcome:
    """How one asynchronous event ended: succeeded, sent_to_destination, dropped or abandoned."""

    status: str
    attempts: int
    result: Any = None
    record: dict[str, Any] | None = None


def retry_delay_from_environment() -> float:
    delay = seconds_or_scale(RETRY_DELAY_ENV, "1", allow_zero=True)
    if delay is None:
        raw = os.environ.get(RETRY_DELAY_ENV)
        raise ValueError(f"{RETRY_DELAY_ENV} must be a number of seconds, 0 or more, not {raw!r}")
    return delay


def checked_config(runner: FunctionRunner, function_id: str) -> EventInvokeConfig:
    """The function's EventInvokeConfig, refused where AWS would refuse it or where it is not emulated."""
    config = runner.template.event_invoke_config(function_id)
    if not 0 <= config.maximum_retry_attempts <= 2:
        raise ValueError(
            f"{function_id}: EventInvokeConfig.MaximumRetryAttempts must be between 0 and 2, "
            f"not {config.maximum_retry_attempts}"
        )
    if config.on_success is not None:
        raise ValueError(f"{function_id}: an OnSuccess destination is not emulated by the local stack")
    failure = config.on_failure
    if failure is not None and not failure.arn.startswith("arn:aws:sqs:"):
        raise ValueError(
            f"{function_id}: OnFailure destination {failure.kind} {failure.arn} is not emulated by the "
            "local stack (only an SQS queue is)"
        )
    return config


def failure_record(
    function_arn: str, request_id: str, event: Any, attempts: int, error: BaseException
) -> dict[str, Any]:
    """What Lambda sends to an SQS OnFailure destination (an unhandled error, retries exhausted)."""
    return {
        "version": "1.0",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "requestContext": {
            "requestId": request_id,
            "functionArn": f"{function_arn}:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": attempts,
        },
        "requestPayload": event,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        # The Python runtime's error response for an exception that left the handler.
        "responsePayload": {
            "errorMessage": str(error),
            "errorType": type(error).__name__,
            "requestId": request_id,
            "stackTrace": traceback.format_list(traceback.extract_tb(error.__traceback__)),
        },
    }


class AsyncInvoker:
    def __init__(
        self,
        runner: FunctionRunner,
        *,
        retry_delay_seconds: float | None = None,
        max_workers: int = 4,
        sqs_client: Any = None,
    ) -> None:
        self.runner = runner
        self.retry_delay = (
            retry_delay_from_environment() if retry_delay_seconds is None else retry_delay_seconds
        )
        if self.retry_delay < 0:
            raise ValueError("retry_delay_seconds must be 0 or more")
        # Read and checked up front: a configuration AWS would refuse stops the stack from starting.
        self._configs = {
            spec.logical_id: checked_config(runner, spec.logical_id) for spec in runner.template.functions()
        }
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="lambda-async")
        self._stopping = threading.Event()
        self._sqs = sqs_client
        self._sqs_lock = threading.Lock()

    def invoke(self, function_id: str, event: Any, *, source: str) -> Future[AsyncOutcome]:
        """Queues the event (Lambda's 202) and returns at once; the future says how it ended.
        An event over the asynchronous limit is refused here (RequestTooLarge), never queued."""
        if function_id not in self._configs:
            raise KeyError(f"no function {function_id} in the template")
        check_async_request(event)
        if self._stopping.is_set():
            raise RuntimeError(f"the local stack is stopping: {source} for {function_id} not invoked")
        request_id = str(uuid.uuid4())
        # A fresh context: the invocation is Lambda's, not the caller's (whose role must not apply).
        return self._pool.submit(contextvars.Context().run, self._run, function_id, event, source, request_id)

    def shutdown(self) -> None:
        """Waits for runs in progress; retries still waiting are abandoned (and logged), and events not
        started yet are dropped: the stack's data goes with it anyway."""
        self._stopping.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, function_id: str, event: Any, source: str, request_id: str) -> AsyncOutcome:
        config = self._configs[function_id]
        attempts = 0
        while True:
            attempts += 1
            try:
                result = self.runner.invoke(function_id, event)
            except BaseException as error:  # every way a run can fail (a timeout too) is a failed attempt
                failure = error
            else:
                return AsyncOutcome("succeeded", attempts, result=result)
            if attempts > config.maximum_retry_attempts:
                break
            delay = self.retry_delay * 2 ** (attempts - 1)
            log.warning(
                "%s: %s failed on attempt %d (%s: %s); Lambda retries it in %.2fs",
                function_id, source, attempts, type(failure).__name__, failure, delay,
            )  # fmt: skip
            if self._stopping.wait(delay):
                log.error("%s: %s not retried: the local stack is stopping", function_id, source)
                return AsyncOutcome("abandoned", attempts)
        record = failure_record(self.runner.template.arn(function_id), request_id, event, attempts, failure)
        if config.on_failure is None:
            log.error(
                "%s: %s failed on each of its %d attempts and has no OnFailure destination: dropped "
                "(last error %s: %s)",
                function_id, source, attempts, type(failure).__name__, failure,
            )  # fmt: skip
            return AsyncOutcome("dropped", attempts, record=record)
        try:
            self._send(function_id, config.on_failure.arn, record)
        except Exception:
            # On AWS too the record is then lost (the DestinationDeliveryFailures metric counts it).
            log.exception("%s: %s could not be sent to its OnFailure destination", function_id, source)
            return AsyncOutcome("dropped", attempts, record=record)
        log.warning(
            "%s: %s failed on each of its %d attempts; sent to %s",
            function_id, source, attempts, config.on_failure.arn,
        )  # fmt: skip
        return AsyncOutcome("sent_to_destination", attempts, record=record)

    def _send(self, function_id: str, queue_arn: str, record: dict[str, Any]) -> None:
        sqs = self._client()
        _, _, _, _, account, name = queue_arn.split(":", 5)
        # Finding the queue is Lambda's own business; the send is made with the function's role.
        url = sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
        with self.runner.acting_as(function_id):
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps(record, default=str))

    def _client(self) -> Any:
        with self._sqs_lock:
            if self._sqs is None:
                import boto3

                self._sqs = boto3.session.Session().client(
                    "sqs", endpoint_url=self.runner.endpoint or None, region_name=self.runner.template.region
                )
            return self._sqs
