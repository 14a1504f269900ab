"""The local SQS event source mapping keeps Lambda's semantics (moto's own mapping does not).

Runs against moto in process (``mock_aws`` patches botocore process-wide, so the poller's own
thread is intercepted too). Queues use a 1 s visibility timeout so redelivery is quick.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from moto import mock_aws

from devstack.environment import SHARED_ENVIRONMENT
from devstack.moto_sqs import SerializedReceive
from devstack.sqs_poller import SqsEventSourcePoller

REGION = "us-east-1"
VISIBILITY = 1
# Long enough for moto's millisecond visibility check to flip, short enough for a fast suite.
AFTER_VISIBILITY = VISIBILITY + 0.15


class Queues:
    def __init__(self, sqs: Any, name: str = "jobs", max_receives: int = 2, fifo: bool = False) -> None:
        self.sqs = sqs
        name = f"{name}-{uuid.uuid4().hex[:8]}"
        suffix = ".fifo" if fifo else ""
        fifo_attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {}
        self.dlq = sqs.create_queue(QueueName=f"{name}-dlq{suffix}", Attributes=fifo_attributes)["QueueUrl"]
        dlq_arn = self._arn(self.dlq)
        self.url = sqs.create_queue(
            QueueName=f"{name}{suffix}",
            Attributes={
                **fifo_attributes,
                "VisibilityTimeout": str(VISIBILITY),
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receives)}
                ),
            },
        )["QueueUrl"]
        self.arn = self._arn(self.url)

    def _arn(self, url: str) -> str:
        attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
        return str(attributes["QueueArn"])

    def send(self, count: int, **extra: Any) -> None:
        for start in range(0, count, 10):
            entries = [
                {"Id": str(i), "MessageBody": json.dumps({"n": i}), **extra}
                for i in range(start, min(count, start + 10))
            ]
            self.sqs.send_message_batch(QueueUrl=self.url, Entries=entries)

    def counts(self, url: str | None = None) -> tuple[int, int]:
        """(visible, in flight)."""
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=url or self.url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]), int(
            attributes["ApproximateNumberOfMessagesNotVisible"]
        )

    def depth(self, url: str | None = None) -> int:
        return sum(self.counts(url))


class Recorder:
    """The in-process 'Lambda': records every event and answers with ``respond``."""

    def __init__(self, respond: Any = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.respond = respond

    def __call__(self, event: dict[str, Any]) -> Any:
        self.events.append(event)
        return self.respond(event) if callable(self.respond) else self.respond

    @property
    def records(self) -> list[dict[str, Any]]:
        return [r for e in self.events for r in e["Records"]]


def numbers(records: list[dict[str, Any]]) -> list[int]:
    return sorted(json.loads(r["body"])["n"] for r in records)


def fail(*wanted: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def respond(event: dict[str, Any]) -> dict[str, Any]:
        ids = [r["messageId"] for r in event["Records"] if json.loads(r["body"])["n"] in wanted]
        return {"batchItemFailures": [{"itemIdentifier": i} for i in ids]}

    return respond


@pytest.fixture(scope="module")
def sqs() -> Iterator[Any]:
    # One moto backend for the module (starting mock_aws per test costs more than the tests);
    # every test gets queues of its own, so nothing leaks between them.
    # Concurrent pollers need the stack's serialized receives: bare moto can hand one message to two
    # receivers at once (decision 65), which SQS does not do within a visibility timeout.
    receives = SerializedReceive()
    receives.install()
    try:
        with pytest.MonkeyPatch.context() as env, mock_aws():
            for name, value in SHARED_ENVIRONMENT.items():
                env.setenv(name, value)
            env.delenv("AWS_ENDPOINT_URL", raising=False)
            env.delenv("AWS_PROFILE", raising=False)
            yield boto3.client("sqs", region_name=REGION)
    finally:
        receives.uninstall()


@pytest.fixture
def queues(sqs: Any) -> Queues:
    return Queues(sqs)


def make_poller(queues: Queues, invoke: Any, **options: Any) -> SqsEventSourcePoller:
    options.setdefault("report_batch_item_failures", True)
    options.setdefault("wait_time_seconds", 0)
    return SqsEventSourcePoller(
        sqs_client=queues.sqs,
        queue_url=queues.url,
        queue_arn=queues.arn,
        invoke=invoke,
        region=REGION,
        **options,
    )


def test_batch_size_above_ten_gathers_several_receives_in_lambda_shape(queues: Queues) -> None:
    queues.send(30)
    queues.sqs.send_message(
        QueueUrl=queues.url,
        MessageBody=json.dumps({"n": 99}),
        MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "debt"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
            "count": {"DataType": "Number", "StringValue": "7"},
        },
    )
    recorder = Recorder()
    poller = make_poller(queues, recorder, batch_size=25)

    assert poller.poll_once() == 25
    assert poller.poll_once() == 6
    assert poller.poll_once() == 0
    assert [len(e["Records"]) for e in recorder.events] == [25, 6]
    assert numbers(recorder.records) == [*range(30), 99]
    assert len({r["messageId"] for r in recorder.records}) == 31

    record = recorder.records[0]
    assert set(record) == {
        "messageId",
        "receiptHandle",
        "body",
        "attributes",
        "messageAttributes",
        "md5OfBody",
        "eventSource",
        "eventSourceARN",
        "awsRegion",
    }
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == queues.arn
    assert record["awsRegion"] == REGION
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])
    assert "MessageGroupId" not in record["attributes"]
    assert record["messageAttributes"] == {}
    assert len(record["md5OfBody"]) == 32

    with_attributes = next(r for r in recorder.records if json.loads(r["body"])["n"] == 99)
    assert with_attributes["messageAttributes"] == {
        "kind": {"stringValue": "debt", "stringListValues": [], "binaryListValues": [], "dataType": "String"},
        "blob": {
            "binaryValue": base64.b64encode(b"\x00\x01").decode(),
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Binary",
        },
        "count": {"stringValue": "7", "stringListValues": [], "binaryListValues": [], "dataType": "Number"},
    }
    assert queues.depth() == 0


def test_partial_failures_are_kept_and_come_back_after_the_visibility_timeout(queues: Queues) -> None:
    queues.send(5)
    poller = make_poller(queues, Recorder(fail(1, 3)))
    assert poller.poll_once() == 5
    assert queues.counts() == (0, 2)  # the three successes are deleted, the two failures in flight
    assert poller.poll_once() == 0  # and not redelivered before their visibility timeout

    time.sleep(AFTER_VISIBILITY)
    again = Recorder({"batchItemFailures": []})
    retry = make_poller(queues, again)
    assert retry.poll_once() == 2
    assert numbers(again.records) == [1, 3]
    assert {r["attributes"]["ApproximateReceiveCount"] for r in again.records} == {"2"}
    assert queues.depth() == 0


def test_a_message_that_always_fails_lands_in_the_dlq_after_max_receives(sqs: Any) -> None:
    queues = Queues(sqs, max_receives=2)
    queues.send(1)
    recorder = Recorder(fail(0))
    poller = make_poller(queues, recorder)
    deadline = time.monotonic() + 10
    while queues.depth(queues.dlq) == 0 and time.monotonic() < deadline:
        poller.poll_once()
        time.sleep(0.1)

    assert queues.depth(queues.dlq) == 1
    assert queues.depth() == 0
    assert [r["attributes"]["ApproximateReceiveCount"] for r in recorder.records] == ["1", "2"]
    dead = sqs.receive_message(QueueUrl=queues.dlq, MessageSystemAttributeNames=["All"])["Messages"]
    assert dead[0]["MessageId"] == recorder.records[0]["messageId"]
    assert poller.poll_once() == 0
    assert len(recorder.records) == 2  # never more than maxReceiveCount deliveries


def test_invocation_error_deletes_nothing_and_everything_is_redelivered(
    queues: Queues, caplog: pytest.LogCaptureFixture
) -> None:
    queues.send(4)

    def crash(event: dict[str, Any]) -> None:
        raise RuntimeError("handler crashed")

    with caplog.at_level(logging.ERROR):
        assert make_poller(queues, crash, name="jobs->Worker").poll_once() == 4
    assert queues.counts() == (0, 4)  # nothing deleted, visibility not reset
    failure = next(r for r in caplog.records if "jobs->Worker" in r.getMessage())
    assert failure.exc_info is not None and "handler crashed" in str(failure.exc_info[1])

    time.sleep(AFTER_VISIBILITY)
    recorder = Recorder()
    assert make_poller(queues, recorder).poll_once() == 4
    assert numbers(recorder.records) == [0, 1, 2, 3]
    assert {r["attributes"]["ApproximateReceiveCount"] for r in recorder.records} == {"2"}
    assert queues.depth() == 0


@pytest.mark.parametrize(
    "failures",
    [
        [{"itemIdentifier": ""}],
        [{"itemIdentifier": None}],
        [{"itemIdentifier": "not-a-message-of-this-batch"}],
        [{"messageId": "wrong key"}],
        "not a list",
    ],
    ids=["empty", "null", "unknown", "bad-key", "not-a-list"],
)
def test_malformed_failure_identifier_fails_the_whole_batch(queues: Queues, failures: Any) -> None:
    queues.send(3)

    def respond(event: dict[str, Any]) -> dict[str, Any]:
        # One valid identifier too: a single bad entry must still fail everything.
        valid = [{"itemIdentifier": event["Records"][0]["messageId"]}]
        return {"batchItemFailures": valid + failures if isinstance(failures, list) else failures}

    assert make_poller(queues, Recorder(respond)).poll_once() == 3
    assert queues.counts() == (0, 3)


def test_whole_batch_failed_by_a_bad_identifier_is_redelivered(queues: Queues) -> None:
    queues.send(3)
    make_poller(queues, Recorder({"batchItemFailures": [{"itemIdentifier": "nope"}]})).poll_once()
    time.sleep(AFTER_VISIBILITY)
    recorder = Recorder()
    assert make_poller(queues, recorder).poll_once() == 3
    assert numbers(recorder.records) == [0, 1, 2]


@pytest.mark.parametrize("response", [None, {}, {"batchItemFailures": []}, {"batchItemFailures": None}, ""])
def test_empty_responses_mean_success(queues: Queues, response: Any) -> None:
    queues.send(3)
    assert make_poller(queues, Recorder(response)).poll_once() == 3
    assert queues.depth() == 0


def test_json_string_response_is_understood(queues: Queues) -> None:
    queues.send(3)

    def respond(event: dict[str, Any]) -> str:
        return json.dumps(fail(2)(event))

    assert make_poller(queues, Recorder(respond)).poll_once() == 3
    assert queues.counts() == (0, 1)


def test_batch_item_failures_are_ignored_when_reporting_is_off(queues: Queues) -> None:
    queues.send(4)
    poller = make_poller(queues, Recorder(fail(0, 1, 2, 3)), report_batch_item_failures=False)
    assert poller.poll_once() == 4
    assert queues.depth() == 0


def test_visibility_set_by_the_handler_on_a_failed_message_is_left_alone(queues: Queues) -> None:
    queues.send(2)

    def back_off(event: dict[str, Any]) -> dict[str, Any]:
        failed = next(r for r in event["Records"] if json.loads(r["body"])["n"] == 0)
        queues.sqs.change_message_visibility(
            QueueUrl=queues.url, ReceiptHandle=failed["receiptHandle"], VisibilityTimeout=3
        )
        return fail(0)(event)

    poller = make_poller(queues, Recorder(back_off))
    assert poller.poll_once() == 2
    time.sleep(AFTER_VISIBILITY)
    assert poller.poll_once() == 0  # the queue's 1 s timeout did not win over the handler's 3 s
    assert queues.counts() == (0, 1)


def test_fifo_group_attributes_pass_through(sqs: Any) -> None:
    queues = Queues(sqs, name="events", fifo=True)
    # Explicit deduplication ids: moto only assigns a SequenceNumber when one is given.
    for n in range(3):
        queues.sqs.send_message(
            QueueUrl=queues.url,
            MessageBody=json.dumps({"n": n}),
            MessageGroupId="tenant-1",
            MessageDeduplicationId=f"d{n}",
        )
    recorder = Recorder()
    assert make_poller(queues, recorder, wait_time_seconds=1).poll_once() == 3
    assert numbers(recorder.records) == [0, 1, 2]
    for record in recorder.records:
        assert record["attributes"]["MessageGroupId"] == "tenant-1"
        assert record["attributes"]["MessageDeduplicationId"]
        assert record["attributes"]["SequenceNumber"]
        assert record["eventSourceARN"] == queues.arn and queues.arn.endswith(".fifo")


def test_batching_window_keeps_gathering_until_it_closes(queues: Queues) -> None:
    queues.send(3)
    recorder = Recorder()
    poller = make_poller(queues, recorder, batch_size=20, maximum_batching_window_seconds=0.6)
    late = threading.Timer(0.2, queues.send, args=(2,))
    late.start()
    started = time.monotonic()
    assert poller.poll_once() == 5
    late.join()
    assert 0.5 <= time.monotonic() - started < 1.5
    assert len(recorder.events) == 1


class CountingClient:
    """Wraps a client and counts ReceiveMessage calls; optionally fails them all."""

    def __init__(self, inner: Any, broken: bool = False) -> None:
        self.inner = inner
        self.broken = broken
        self.receives = 0

    def receive_message(self, **kwargs: Any) -> Any:
        self.receives += 1
        if self.broken:
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:4566")
        return self.inner.receive_message(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_thread_delivers_idles_without_spinning_and_stops_fast(queues: Queues) -> None:
    client = CountingClient(queues.sqs)
    recorder = Recorder()
    poller = SqsEventSourcePoller(
        sqs_client=client, queue_url=queues.url, queue_arn=queues.arn, invoke=recorder, wait_time_seconds=1
    )
    poller.start()
    queues.send(3)
    deadline = time.monotonic() + 5
    while len(recorder.records) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert numbers(recorder.records) == [0, 1, 2]

    # Short polls on an empty queue: the idle wait, not the CPU, bounds the call rate.
    short = SqsEventSourcePoller(
        sqs_client=client, queue_url=queues.url, queue_arn=queues.arn, invoke=recorder, wait_time_seconds=0
    )
    short.start()
    before = client.receives
    time.sleep(1.0)
    assert client.receives - before <= 15

    started = time.monotonic()
    poller.stop()
    short.stop()
    assert time.monotonic() - started < 2.0
    assert not poller.running and not short.running
    assert queues.depth() == 0


def test_sqs_errors_are_logged_and_retried_with_backoff(
    queues: Queues, caplog: pytest.LogCaptureFixture
) -> None:
    client = CountingClient(queues.sqs, broken=True)
    poller = SqsEventSourcePoller(
        sqs_client=client, queue_url=queues.url, queue_arn=queues.arn, invoke=Recorder(), name="jobs->Worker"
    )
    with caplog.at_level(logging.WARNING):
        poller.start()
        time.sleep(0.6)
        assert poller.running  # the thread survived
        assert 2 <= client.receives <= 5  # backoff 0.1, 0.2, 0.4 s ... not a tight loop
        client.broken = False
        queues.send(1)
        deadline = time.monotonic() + 3
        while queues.depth() and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.monotonic()
        poller.stop()
    assert time.monotonic() - started < 2.0
    assert queues.depth() == 0
    assert any("jobs->Worker" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


def test_up_to_maximum_concurrency_batches_run_at_once(queues: Queues) -> None:
    queues.send(40)
    lock = threading.Lock()
    in_flight = 0
    peak = 0
    seen: list[int] = []

    def slow(event: dict[str, Any]) -> None:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.3)
        with lock:
            in_flight -= 1
            seen.extend(json.loads(r["body"])["n"] for r in event["Records"])

    poller = make_poller(queues, slow, batch_size=2, concurrency=3)
    poller.start()
    try:
        deadline = time.monotonic() + 20
        while len(seen) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        poller.stop()
    assert sorted(seen) == list(range(40))
    assert peak == 3  # batches overlapped, and never more than MaximumConcurrency of them


def test_scaling_config_is_read_from_the_template() -> None:
    from devstack.template import LocalStackTemplate

    sources = {(s.queue_id, s.function_id): s for s in LocalStackTemplate().sqs_event_sources()}
    assert sources[("JobQueue", "WorkerFunction")].maximum_concurrency == 20  # WorkerMaxConcurrency
    assert sources[("JobDeadLetterQueue", "WorkerFunction")].maximum_concurrency == 2
    assert sources[("WebhookQueue", "WebhooksFunction")].maximum_concurrency == 5
