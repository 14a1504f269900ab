"""The local runner keeps Lambda's limits: a run past the template Timeout fails at its deadline, and
synchronous payloads over 6 MB fail; API Gateway answers 504 after its integration timeout.

One small function (written to a temporary directory, in a one-function template) plays every part,
so the timeout can be one second."""

from __future__ import annotations

import http.client
import json
import logging
import textwrap
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from devstack.api_gateway import ApiGatewayFront
from devstack.api_router import Route
from devstack.functions import FunctionRunner
from devstack.gateway_responses import GatewayResponse
from devstack.lambda_limits import (
    MAX_SYNC_REQUEST_BYTES,
    MAX_SYNC_RESPONSE_BYTES,
    LambdaTimeout,
    RequestTooLarge,
    ResponseTooLarge,
)
from devstack.sqs_poller import SqsEventSourcePoller
from devstack.template import LocalStackTemplate
from tests.conftest import MotoResources
from tests.helpers import wait_for

FUNCTION = "LimitsFunction"
HANDLER = """
import time

import boto3

STATE = {}


def handler(event, context):
    mode = event.get("mode", "slow" if "Records" in event else "echo") if isinstance(event, dict) else "echo"
    STATE["calls"] = STATE.get("calls", 0) + 1
    if mode == "slow":  # three seconds, in steps, so a stop request lands within one
        try:
            for _ in range(60):
                time.sleep(0.05)
        except BaseException as error:
            STATE["stopped"] = type(error).__name__
            raise
        STATE["finished"] = True
        return {}
    if mode == "respond":
        return "A" * event["length"]
    if mode == "api":
        return {"statusCode": 200, "body": "A" * event["length"]}
    if mode == "put":
        boto3.client("dynamodb", region_name="us-east-1").put_item(
            TableName=event["table"], Item={"PK": {"S": "T#limits"}, "SK": {"S": "x"}}
        )
    return event
"""


def _runner(tmp_path: Path, table_name: str = "debtload-Table", timeout: int = 1) -> FunctionRunner:
    code = tmp_path / "limits_fn"
    code.mkdir()
    (code / "app.py").write_text(textwrap.dedent(HANDLER), encoding="utf-8")
    document = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            FUNCTION: {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "CodeUri": str(code),
                    "Handler": "app.handler",
                    "Runtime": "python3.13",
                    "Timeout": timeout,
                    "Policies": [{"DynamoDBReadPolicy": {"TableName": table_name}}],
                },
            }
        },
    }
    # Roles are cached per stack name, and every test's function is its own deployment.
    template = LocalStackTemplate(document, stack_name=f"limits{uuid.uuid4().hex[:8]}", project_root=tmp_path)
    return FunctionRunner(template, enforce_iam=True)


def _state(runner: FunctionRunner) -> dict[str, Any]:
    state: dict[str, Any] = runner.handler(FUNCTION).__globals__["STATE"]
    return state


# ---- timeout ---------------------------------------------------------------------------------


def test_a_run_past_its_timeout_fails_at_the_deadline_and_its_thread_is_stopped(tmp_path: Path) -> None:
    runner = _runner(tmp_path)
    state = _state(runner)

    with pytest.raises(LambdaTimeout, match=r"Task timed out after 1\.00 seconds"):
        runner.invoke(FUNCTION, {"mode": "slow"})

    assert "finished" not in state  # the caller heard of it before the handler would have returned
    wait_for(lambda: "stopped" in state, timeout=5.0, interval=0.02)
    assert "finished" not in state


def test_the_role_still_applies_inside_the_handler_thread(
    moto_resources: MotoResources, tmp_path: Path
) -> None:
    # The handler makes its boto3 client in the call: on a busy machine that alone can pass 1 s.
    runner = _runner(tmp_path, moto_resources.table_name, timeout=30)

    with pytest.raises(ClientError) as denied:  # DynamoDBReadPolicy: no PutItem
        runner.invoke(FUNCTION, {"mode": "put", "table": moto_resources.table_name})

    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"


def test_a_timed_out_sqs_batch_is_not_deleted_and_comes_back(
    moto_resources: MotoResources, tmp_path: Path
) -> None:
    runner = _runner(tmp_path)
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="limits-timeout", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sent = sqs.send_message(QueueUrl=url, MessageBody="{}")["MessageId"]
    poller = SqsEventSourcePoller(
        sqs_client=sqs,
        queue_url=url,
        queue_arn=arn,
        invoke=lambda event: runner.invoke(FUNCTION, event),
        wait_time_seconds=0,
    )

    assert poller.poll_once() == 1

    again = sqs.receive_message(
        QueueUrl=url, WaitTimeSeconds=3, MessageSystemAttributeNames=["ApproximateReceiveCount"]
    )["Messages"]
    assert [m["MessageId"] for m in again] == [sent]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"


# ---- synchronous payloads --------------------------------------------------------------------


def test_a_request_up_to_6_mb_runs_and_one_byte_more_is_refused_before_the_handler(tmp_path: Path) -> None:
    runner = _runner(tmp_path)
    state = _state(runner)
    at_limit = "A" * (MAX_SYNC_REQUEST_BYTES - 2)  # a JSON string: two quotes around it

    assert runner.invoke(FUNCTION, at_limit) == at_limit
    with pytest.raises(RequestTooLarge, match=rf"smaller than {MAX_SYNC_REQUEST_BYTES} bytes"):
        runner.invoke(FUNCTION, at_limit + "A")

    assert state["calls"] == 1


def test_a_request_is_measured_in_utf8_bytes(tmp_path: Path) -> None:
    runner = _runner(tmp_path)
    # Fewer characters than the limit, more bytes.
    with pytest.raises(RequestTooLarge):
        runner.invoke(FUNCTION, "é" * (MAX_SYNC_REQUEST_BYTES // 2))


def test_a_response_over_the_limit_fails_the_invocation(tmp_path: Path) -> None:
    runner = _runner(tmp_path)
    at_limit = MAX_SYNC_RESPONSE_BYTES - 2

    assert len(runner.invoke(FUNCTION, {"mode": "respond", "length": at_limit})) == at_limit
    with pytest.raises(ResponseTooLarge) as too_large:
        runner.invoke(FUNCTION, {"mode": "respond", "length": at_limit + 1})

    assert "exceeded maximum allowed payload size (6291556 bytes)" in str(too_large.value)


# ---- API Gateway -----------------------------------------------------------------------------

# The template's DEFAULT_5XX envelope, which INTEGRATION_TIMEOUT (not configured) inherits.
ENVELOPE = {
    "DEFAULT_5XX": GatewayResponse(
        502, '{"error": true, "code": "internal_error", "message": $context.error.messageString}'
    ),
    "REQUEST_TOO_LARGE": GatewayResponse(413, '{"error": true, "code": "payload_too_large"}'),
}


@pytest.fixture
def front(tmp_path: Path) -> Iterator[Callable[..., tuple[int, Any]]]:
    fronts: list[ApiGatewayFront] = []

    def request(
        api: Callable[[dict[str, Any]], Any], body: bytes = b"", timeout: float = 29.0
    ) -> tuple[int, Any]:
        front = ApiGatewayFront(
            routes=[Route("POST", "/things", authorized=False, timeout_seconds=timeout)],
            authorizer=lambda _event: None,
            api=api,
            gateway_responses=ENVELOPE,
            logger=logging.getLogger("test.limits"),
        )
        front.serve("127.0.0.1", 0)
        fronts.append(front)
        conn = http.client.HTTPConnection("127.0.0.1", front.port, timeout=30)
        try:
            conn.request("POST", "/things", body=body)
            reply = conn.getresponse()
            return reply.status, json.loads(reply.read())
        finally:
            conn.close()

    yield request
    for started in fronts:
        started.shutdown()


def test_the_gateway_answers_504_at_its_integration_timeout(front: Callable[..., tuple[int, Any]]) -> None:
    release = threading.Event()

    def slow(_event: dict[str, Any]) -> Any:
        release.wait(10)
        return {"statusCode": 200, "body": "{}"}

    try:
        status, body = front(slow, timeout=0.3)
    finally:
        release.set()

    assert status == 504
    assert body == {"error": True, "code": "internal_error", "message": "Endpoint request timed out"}


def test_an_event_over_lambdas_6_mb_gets_413_though_the_body_is_not(
    front: Callable[..., tuple[int, Any]], tmp_path: Path
) -> None:
    runner = _runner(tmp_path)
    # 4 MB of escaped quotes: the event carries the body as a JSON string, which doubles them.
    body = b'{"q": "' + b'\\"' * 2_000_000 + b'"}'

    status, reply = front(lambda event: runner.invoke(FUNCTION, event), body=body)

    assert (status, reply) == (413, {"error": True, "code": "payload_too_large"})
    assert "calls" not in _state(runner)


def test_a_response_over_6_mb_gives_502(front: Callable[..., tuple[int, Any]], tmp_path: Path) -> None:
    runner = _runner(tmp_path)

    def api(_event: dict[str, Any]) -> Any:
        return runner.invoke(FUNCTION, {"mode": "api", "length": MAX_SYNC_RESPONSE_BYTES})

    status, reply = front(api)

    assert (status, reply["message"]) == (502, "Internal server error")


def test_every_template_route_has_api_gateways_29_second_timeout(template: LocalStackTemplate) -> None:
    timeouts = {route.timeout_seconds for route in template.api_routes()}
    assert timeouts == {29.0}
