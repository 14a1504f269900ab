"""The local SQS event source mapping keeps Lambda's semantics (moto's own mapping does not)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from devstack.sqs_poller import SqsEventSourcePoller


class Queues:
    def __init__(self, visibility: int = 1, max_receives: int = 2) -> None:
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        self.dlq = self.sqs.create_queue(QueueName="dlq")["QueueUrl"]
        dlq_arn = self.sqs.get_queue_attributes(QueueUrl=self.dlq, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        self.url = self.sqs.create_queue(
            QueueName="jobs",
            Attributes={
                "VisibilityTimeout": str(visibility),
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receives)}
                ),
            },
        )["QueueUrl"]
        self.arn = "arn:aws:sqs:us-east-1:123456789012:jobs"

    def send(self, count: int) -> None:
        for start in range(0, count, 10):
            entries = [
                {"Id": str(i), "MessageBody": json.dumps({"n": i})}
                for i in range(start, min(count, start + 10))
            ]
            self.sqs.send_message_batch(QueueUrl=self.url, Entries=entries)

    def depth(self, url: str) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(
            attributes["ApproximateNumberOfMessagesNotVisible"]
        )


@pytest.fixture
def queues(aws_environment: None) -> Iterator[Queues]:
    with mock_aws():
        yield Queues()


class Recorder:
    def __init__(self, respond: Any = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.respond = respond

    def __call__(self, event: dict[str, Any]) -> Any:
        self.events.append(event)
        return self.respond(event) if callable(self.respond) else self.respond


def poller(queues: Queues, invoke: Any, batch_size: int = 10, report: bool = True) -> SqsEventSourcePoller:
    return SqsEventSourcePoller(
        sqs_client=queues.sqs,
        queue_url=queues.url,
        queue_arn=queues.arn,
        invoke=invoke,
        batch_size=batch_size,
        report_batch_item_failures=report,
        wait_time_seconds=0,
    )


def test_batch_size_above_ten_gathers_several_receives_in_lambda_shape(queues: Queues) -> None:
    queues.send(30)
    recorder = Recorder()
    p = poller(queues, recorder, batch_size=25)
    assert p.poll_once() == 25
    assert p.poll_once() == 5
    record = recorder.events[0]["Records"][0]
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"] == queues.arn
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"messageId", "receiptHandle", "body", "md5OfBody", "awsRegion", "messageAttributes"} <= set(
        record
    )
    assert queues.depth(queues.url) == 0


def test_partial_failures_come_back_after_the_visibility_timeout(queues: Queues) -> None:
    queues.send(5)

    def fail_two(event: dict[str, Any]) -> dict[str, Any]:
        ids = [r["messageId"] for r in event["Records"] if json.loads(r["body"])["n"] in (1, 3)]
        return {"batchItemFailures": [{"itemIdentifier": i} for i in ids]}

    p = poller(queues, Recorder(fail_two))
    assert p.poll_once() == 5
    time.sleep(1.2)
    again = Recorder({"batchItemFailures": []})
    p.invoke = again
    assert p.poll_once() == 2
    redelivered = again.events[0]["Records"]
    assert sorted(json.loads(r["body"])["n"] for r in redelivered) == [1, 3]
    assert {r["attributes"]["ApproximateReceiveCount"] for r in redelivered} == {"2"}
    assert queues.depth(queues.url) == 0


def test_a_message_that_always_fails_moves_to_the_dlq_after_max_receives(queues: Queues) -> None:
    queues.send(1)
    recorder = Recorder(lambda e: {"batchItemFailures": [{"itemIdentifier": e["Records"][0]["messageId"]}]})
    p = poller(queues, recorder)
    deadline = time.monotonic() + 10
    while queues.depth(queues.dlq) == 0 and time.monotonic() < deadline:
        p.poll_once()
        time.sleep(0.3)
    assert queues.depth(queues.dlq) == 1
    assert len(recorder.events) == 2  # delivered maxReceiveCount times, never more
    assert queues.depth(queues.url) == 0


def test_invocation_error_deletes_nothing(queues: Queues) -> None:
    queues.send(3)

    def crash(event: dict[str, Any]) -> None:
        raise RuntimeError("handler crashed")

    p = poller(queues, crash)
    assert p.poll_once() == 3
    time.sleep(1.2)
    recorder = Recorder()
    p.invoke = recorder
    assert p.poll_once() == 3


@pytest.mark.parametrize("bad", [[{"itemIdentifier": ""}], [{"itemIdentifier": "not-in-batch"}], [{}]])
def test_malformed_failure_identifier_retries_the_whole_batch(
    queues: Queues, bad: list[dict[str, str]]
) -> None:
    queues.send(2)
    p = poller(queues, Recorder({"batchItemFailures": bad}))
    p.poll_once()
    time.sleep(1.2)
    assert p.poll_once() == 2


def test_failures_are_ignored_without_report_batch_item_failures(queues: Queues) -> None:
    queues.send(2)
    p = poller(
        queues,
        Recorder(lambda e: {"batchItemFailures": [{"itemIdentifier": e["Records"][0]["messageId"]}]}),
        report=False,
    )
    p.poll_once()
    assert queues.depth(queues.url) == 0


def test_thread_delivers_and_stops_promptly(queues: Queues) -> None:
    recorder = Recorder()
    p = poller(queues, recorder)
    p.wait_time_seconds = 1
    p.start()
    queues.send(3)
    deadline = time.monotonic() + 5
    while sum(len(e["Records"]) for e in recorder.events) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    p.stop()
    assert time.monotonic() - started < 2.5
    assert sum(len(e["Records"]) for e in recorder.events) == 3
