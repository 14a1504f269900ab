"""The two kinds of events moto never delivers, delivered by the local stack as AWS would: the
template's Schedule events (EventBridge rules), and Lambda's asynchronous invocation with retries
and an OnFailure destination."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devstack.async_invoke import AsyncInvoker
from devstack.functions import FunctionRunner
from devstack.schedules import ScheduleProblem, Scheduler, rate_seconds
from devstack.stack import LocalStack
from devstack.template import LocalStackTemplate
from tests.helpers import object_body, tenant_repository, wait_for


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("rate(5 minutes)", 300), ("rate(1 minute)", 60), ("rate(2 hours)", 7200), ("rate(1 day)", 86400)],
)
def test_rate_expressions_give_their_period(expression: str, seconds: int) -> None:
    assert rate_seconds(expression) == seconds


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("rate(1 minutes)", "singular unit for a value of 1"),
        ("rate(5 minute)", "singular unit for a value of 1"),
        ("rate(0 minutes)", "positive whole number"),
        ("rate(5 seconds)", "is not a schedule expression"),
        ("cron(0/5 * * * ? *)", "cron expressions are not run by the local stack"),
    ],
)
def test_schedule_expressions_eventbridge_refuses_are_refused(expression: str, problem: str) -> None:
    with pytest.raises(ScheduleProblem, match=problem):
        rate_seconds(expression)


def test_each_schedule_fires_its_function_at_the_scaled_rate_with_the_scheduled_event(
    template: LocalStackTemplate,
) -> None:
    fired: list[tuple[float, str, dict[str, Any], str]] = []
    lock = threading.Lock()

    def invoke(function_id: str, event: dict[str, Any], *, source: str) -> None:
        with lock:
            fired.append((time.monotonic(), function_id, event, source))

    scheduler = Scheduler(template, invoke, scale=1500)  # rate(5 minutes) -> every 0.2 s
    started = time.monotonic()
    scheduler.start()

    def each_fired_three_times() -> bool:
        with lock:
            functions = [f for _, f, _, _ in fired]
        return all(functions.count(f) >= 3 for f in ("WorkerFunction", "FileImportFunction"))

    try:
        wait_for(each_fired_three_times, timeout=20)
    finally:
        scheduler.stop()
    with lock:
        calls = list(fired)
    rules = {
        "WorkerFunction": "WorkerFunctionOutboxSweep",
        "FileImportFunction": "FileImportFunctionLeaseSweep",
    }
    for function_id, rule in rules.items():
        mine = [(at, event, source) for at, f, event, source in calls if f == function_id]
        times = [at for at, _, _ in mine]
        assert times[0] - started >= 0.2 * 0.9  # a rate rule first fires one period after it exists
        assert all(b - a >= 0.2 * 0.9 for a, b in itertools.pairwise(times))
        event = mine[0][1]
        assert event["source"] == "aws.events" and event["detail-type"] == "Scheduled Event"
        assert event["version"] == "0" and event["detail"] == {}
        assert event["account"] == template.account_id and event["region"] == template.region
        assert event["resources"] == [f"arn:aws:events:us-east-1:123456789012:rule/debtload-{rule}"]
        assert datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%SZ")
        assert len({e["id"] for _, e, _ in mine}) == len(mine)  # one id per delivery
        assert mine[0][2] == f"schedule debtload-{rule}"


def test_a_disabled_schedule_never_fires_and_a_target_input_replaces_the_event(
    template: LocalStackTemplate,
) -> None:
    import copy

    document = copy.deepcopy(template.document)
    events = document["Resources"]["WorkerFunction"]["Properties"]["Events"]
    events["OutboxSweep"]["Properties"]["Input"] = '{"sweep": "now"}'
    document["Resources"]["FileImportFunction"]["Properties"]["Events"]["LeaseSweep"]["Properties"][
        "Enabled"
    ] = False
    fired: list[tuple[str, Any]] = []
    scheduler = Scheduler(
        LocalStackTemplate(document), lambda f, event, source: fired.append((f, event)), scale=3000
    )
    scheduler.start()
    try:
        wait_for(lambda: len(fired) >= 3, timeout=20)
        scheduler.fire("FileImportFunction", "LeaseSweep")  # by hand, a disabled rule still runs
    finally:
        scheduler.stop()
    assert all(event == {"sweep": "now"} for f, event in fired if f == "WorkerFunction")
    assert [f for f, _ in fired].count("FileImportFunction") == 1
    with pytest.raises(KeyError, match=r"no single schedule WorkerFunction\.Nightly"):
        scheduler.fire("WorkerFunction", "Nightly")


def test_a_failed_async_invocation_without_a_destination_is_retried_then_dropped(
    template: LocalStackTemplate, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = FunctionRunner(template)
    attempts: list[Any] = []
    # A function with no EventInvokeConfig (WorkerFunction's schedule now has one, decision 69).
    bare = "WebhooksFunction"
    assert template.event_invoke_config(bare).on_failure is None

    def fail(function_id: str, event: Any) -> Any:
        attempts.append((function_id, event))
        raise RuntimeError("table unavailable")

    monkeypatch.setattr(runner, "invoke", fail)
    invoker = AsyncInvoker(runner, retry_delay_seconds=0.01)
    try:
        outcome = invoker.invoke(bare, {"source": "aws.events"}, source="test").result(10)
    finally:
        invoker.shutdown()
    # No EventInvokeConfig: Lambda's default of two retries, and nowhere to send it.
    assert outcome.status == "dropped" and outcome.attempts == 3
    assert attempts == [(bare, {"source": "aws.events"})] * 3


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    # The environment knobs, as a developer would set them: 5-minute schedules every 2 seconds,
    # Lambda's retries after 0.05 s and 0.1 s instead of about 1 and 2 minutes.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEBTLOAD_LOCAL_SCHEDULE_SCALE", "150")
        patch.setenv("DEBTLOAD_LOCAL_ASYNC_RETRY_SECONDS", "0.05")
        running = LocalStack(api_port=0, aws_port=0).start()
    from devstack.demo import seed_demo_tenant

    seed_demo_tenant(tenant_repository(running.resource_name("Table")))
    try:
        yield running
    finally:
        running.stop()


def test_the_outbox_sweep_runs_on_its_schedule_and_publishes_an_unsent_entry(stack: LocalStack) -> None:
    from debtload.adapters.dynamodb import keys
    from debtload.adapters.dynamodb.jobs import outbox_item
    from debtload.adapters.dynamodb.table import DynamoTable
    from debtload.domain.jobs.model import OutboxEvent

    table = DynamoTable(stack.resource_name("Table"))
    # Written three minutes ago and never published (the writer crashed before it sent it).
    written = (datetime.now(UTC) - timedelta(minutes=3)).isoformat(timespec="milliseconds")
    event = OutboxEvent("evt-swept-1", "demo-tenant", "job.completed", {"job_id": "j-1"}, written)
    table.put(outbox_item(event))

    def published() -> Any:
        item = table.get(keys.tenant_pk("demo-tenant"), keys.event_sk("evt-swept-1")) or {}
        return item.get("published_at")

    wait_for(published, timeout=30)  # nobody calls the sweeper: its schedule does
    entry = table.get(keys.tenant_pk("demo-tenant"), keys.event_sk("evt-swept-1")) or {}
    assert "GSI1PK" not in entry  # out of the unsent index


def test_a_file_import_that_fails_every_attempt_lands_in_its_on_failure_queue_and_ends_failed(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from debtload.adapters.dynamodb.imports import DynamoImportStore
    from debtload.adapters.dynamodb.table import DynamoTable
    from devstack import iam_guard

    assert stack.runner is not None
    module = stack.runner._module("FileImportFunction", "app")
    heads: list[str] = []

    def s3_down(bucket: str, key: str) -> Any:
        heads.append(key)
        raise RuntimeError("S3 is unreachable (test)")

    received: list[dict[str, Any]] = []
    real_handle = module.task.handle

    def recording_handle(event: dict[str, Any], lease_seconds: float | None = None) -> Any:
        received.append(event)
        return real_handle(event, lease_seconds)

    monkeypatch.setattr(module.task.task.files, "head", s3_down)
    monkeypatch.setattr(module.task, "handle", recording_handle)

    key = "imports/demo-tenant/notes/relances.csv"
    s3 = _client(stack, "s3")
    bucket = stack.resource_name("ImportsBucket")
    s3.put_object(Bucket=bucket, Key=key, Body="Dossier;Commentaire\r\nx;y\r\n".encode("cp1252"))

    report_key = "reports/demo-tenant/notes/relances.csv.report.json"
    report = json.loads(wait_for(lambda: object_body(s3, bucket, report_key), timeout=30))

    assert heads == [key] * 3  # the first run and MaximumRetryAttempts (2) retries
    # The lease sweep's scheduled events come too; they carry no Records.
    s3_events = [e for e in received if e.get("Records", [{}])[0].get("eventSource") == "aws:s3"]
    failures = [e for e in received if e.get("Records", [{}])[0].get("eventSource") == "aws:sqs"]
    assert len(s3_events) == 3 and all(e == s3_events[0] for e in s3_events)
    (message,) = [record for event in failures for record in event["Records"]]
    assert message["eventSourceARN"] == stack.template.arn("FileImportFailuresQueue")  # type: ignore[union-attr]
    record = json.loads(message["body"])
    assert record["version"] == "1.0"
    assert datetime.fromisoformat(record["timestamp"].replace("Z", "+00:00"))
    context = record["requestContext"]
    assert context["condition"] == "RetriesExhausted" and context["approximateInvokeCount"] == 3
    assert context["functionArn"] == (
        "arn:aws:lambda:us-east-1:123456789012:function:debtload-FileImportFunction:$LATEST"
    )
    assert record["requestPayload"] == s3_events[0]
    assert record["responseContext"] == {
        "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}  # fmt: skip
    response = record["responsePayload"]
    assert response["errorType"] == "RuntimeError" and response["errorMessage"] == "S3 is unreachable (test)"
    assert response["requestId"] == context["requestId"] and response["stackTrace"]

    assert report["status"] == "failed"
    assert "3 attempts" in report["reason"] and "RuntimeError: S3 is unreachable (test)" in report["reason"]
    store = DynamoImportStore(DynamoTable(stack.resource_name("Table")))
    (imported,) = [r for r in store.list_imports("demo-tenant", None, 10)[0] if r["key"] == key]
    assert imported["status"] == "failed" and imported["report_key"] == report_key
    # Lambda sends the record with the function's own role, which SAM lets send to the destination.
    queue_arn = stack.template.arn("FileImportFailuresQueue")  # type: ignore[union-attr]
    assert ("sqs:SendMessage", queue_arn) in iam_guard.usage()["FileImportFunction"]


def _client(stack: LocalStack, service: str) -> Any:
    import boto3

    return boto3.client(
        service,
        endpoint_url=stack.aws_endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ({"MaximumRetryAttempts": 3}, "MaximumRetryAttempts must be between 0 and 2, not 3"),
        (
            {"DestinationConfig": {"OnFailure": {"Type": "SNS", "Destination": "arn:aws:sns:us-east-1:1:t"}}},
            "OnFailure destination SNS arn:aws:sns:us-east-1:1:t is not emulated",
        ),
    ],
)
def test_an_event_invoke_config_that_cannot_run_locally_stops_the_stack(
    template: LocalStackTemplate, config: dict[str, Any], problem: str
) -> None:
    import copy

    document = copy.deepcopy(template.document)
    document["Resources"]["WorkerFunction"]["Properties"]["EventInvokeConfig"] = config
    with pytest.raises(ValueError, match=problem):
        AsyncInvoker(FunctionRunner(LocalStackTemplate(document)))


def test_an_async_event_over_1_mib_is_refused_and_never_queued(
    template: LocalStackTemplate, monkeypatch: pytest.MonkeyPatch
) -> None:
    from devstack.lambda_limits import MAX_ASYNC_REQUEST_BYTES, RequestTooLarge

    runner = FunctionRunner(template)
    ran: list[Any] = []
    monkeypatch.setattr(runner, "invoke", lambda function_id, event: ran.append(event))
    invoker = AsyncInvoker(runner, retry_delay_seconds=0.01)
    at_limit = "A" * (MAX_ASYNC_REQUEST_BYTES - 2)  # a JSON string: two quotes around it
    try:
        assert invoker.invoke("WebhooksFunction", at_limit, source="test").result(10).status == "succeeded"
        with pytest.raises(RequestTooLarge, match=rf"smaller than {MAX_ASYNC_REQUEST_BYTES} bytes"):
            invoker.invoke("WebhooksFunction", at_limit + "A", source="test")
    finally:
        invoker.shutdown()
    assert len(ran) == 1


def test_an_event_invoke_through_the_endpoint_is_queued_retried_and_held_to_1_mib(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto ran InvocationType Event inside the request: no retry, and up to 6 MB accepted."""
    from botocore.exceptions import ClientError

    from devstack.lambda_limits import MAX_ASYNC_REQUEST_BYTES

    assert stack.runner is not None
    attempts: list[Any] = []
    release = threading.Event()
    real_invoke = stack.runner.invoke

    def fail(function_id: str, event: Any) -> Any:
        if not (isinstance(event, dict) and "probe" in event):  # the queue pollers' own invocations
            return real_invoke(function_id, event)
        release.wait(10)  # the caller has its 202 before the function has run
        attempts.append((function_id, event))
        raise RuntimeError("table unavailable")

    monkeypatch.setattr(stack.runner, "invoke", fail)
    client = _client(stack, "lambda")
    assert stack.template is not None
    name = stack.template.physical_name("WebhooksFunction")
    answer = client.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"probe": 1}))
    assert answer["StatusCode"] == 202 and answer["Payload"].read() == b""
    assert attempts == []
    release.set()
    # No EventInvokeConfig: the first attempt and Lambda's two retries.
    wait_for(lambda: len(attempts) == 3 or None, timeout=10)
    assert attempts == [("WebhooksFunction", {"probe": 1})] * 3

    with pytest.raises(ClientError) as refused:
        client.invoke(
            FunctionName=name, InvocationType="Event", Payload=json.dumps("A" * MAX_ASYNC_REQUEST_BYTES)
        )
    assert refused.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    time.sleep(0.3)
    assert len(attempts) == 3  # the refused one never ran
