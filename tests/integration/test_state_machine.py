"""The InitiateCalls state machine (statemachine/initiate_calls.asl.json) run by moto's Step Functions
interpreter, its Lambda tasks running the real calls function in process (devstack.moto_hooks), from
the api function's StartExecution to the CallRequested events on the calls bus."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from devstack.functions import FunctionRunner
from devstack.moto_hooks import MotoHooks
from devstack.provision import Provisioner
from devstack.template import LocalStackTemplate
from tests.conftest import MotoResources
from tests.helpers import api_event, body_of, tenant_repository

TENANT = "demo-tenant"


class SfnStack:
    def __init__(self, template: LocalStackTemplate, runner: FunctionRunner) -> None:
        self.template = template
        self.runner = runner
        self.resources = MotoResources(template)

    def api(self, method: str, path: str, body: Any = None, resource: str | None = None) -> dict[str, Any]:
        from debtload.domain.tenants import Principal
        from debtload.scopes import ALL_SCOPES

        principal = Principal(TENANT, "key_demo", frozenset(ALL_SCOPES))
        event = api_event(method, path, body=body, principal=principal, resource=resource)
        result: dict[str, Any] = self.runner.invoke("ApiFunction", event)
        return result

    def wait_for_execution(self, call_run_id: str, timeout: float = 120) -> dict[str, Any]:
        sfn = self.resources.client("stepfunctions")
        arn = (
            self.template.arn("InitiateCallsStateMachine").replace(":stateMachine:", ":execution:")
            + f":{call_run_id}"
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            execution: dict[str, Any] = sfn.describe_execution(executionArn=arn)
            if execution["status"] != "RUNNING":
                return execution
            time.sleep(0.2)
        raise AssertionError(f"execution {call_run_id} still running after {timeout}s")

    def audit_queue_depth(self) -> int:
        sqs = self.resources.client("sqs")
        attributes = sqs.get_queue_attributes(
            QueueUrl=self.resources.queue_url("CallRequestsAuditQueue"),
            AttributeNames=["ApproximateNumberOfMessages"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"])

    def call_requested_events(self, limit: int = 10_000) -> list[dict[str, Any]]:
        """Drains the audit queue; moto's SQS scans the whole queue per receive, so keep it short."""
        sqs = self.resources.client("sqs")
        url = self.resources.queue_url("CallRequestsAuditQueue")
        events: list[dict[str, Any]] = []
        while len(events) < limit:
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return events
            for message in messages:
                events.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return events

    def calls_module(self) -> Any:
        self.runner.handler("CallsFunction")
        return self.runner._modules["CallsFunction"]


def _audit_rule(template: LocalStackTemplate) -> None:
    """The template's CallRequestsAuditRule, created as CloudFormation would (the provisioner creates
    buses and queues, not rules)."""
    props = template.resolve(template.properties("CallRequestsAuditRule"))
    events = MotoResources(template).client("events")
    events.put_rule(
        Name=template.physical_name("CallRequestsAuditRule"),
        EventBusName=props["EventBusName"],
        EventPattern=json.dumps(props["EventPattern"]),
    )
    events.put_targets(
        Rule=template.physical_name("CallRequestsAuditRule"),
        EventBusName=props["EventBusName"],
        Targets=[{"Id": t["Id"], "Arn": t["Arn"]} for t in props["Targets"]],
    )


@pytest.fixture
def sfn_stack(aws_environment: None, template: LocalStackTemplate) -> Iterator[SfnStack]:
    from debtload.adapters import aws
    from devstack.demo import seed_demo_tenant

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        aws.reset_clients()
        Provisioner(template).provision()
        _audit_rule(template)
        tenants = tenant_repository(template.physical_name("Table"))
        seed_demo_tenant(tenants)
        tenants.add(TENANT, 100_000, "test top-up", "top-up-1")
        runner = FunctionRunner(template)
        hooks = MotoHooks(runner)
        hooks.install()
        try:
            yield SfnStack(template, runner)
        finally:
            hooks.uninstall()
    aws.reset_clients()


def _record(i: int) -> dict[str, Any]:
    return {
        "loan_id": f"LN-{i:05d}",
        "first_name": "Jean",
        "last_name": "Dupont",
        "phone_number": f"06{10_000_000 + i:08d}",
        "loan_amount": 1000 + i,
        "emi_due_date": "2026-04-05",
    }


def _start_calls(stack: SfnStack, count: int) -> dict[str, Any]:
    campaign = body_of(
        stack.api("POST", "/campaigns", {"name": "Relance", "service_type": "debt_collection"})
    )
    response = stack.api(
        "POST",
        "/customers/add/bulk",
        {
            "campaignId": campaign["id"],
            "records": [_record(i) for i in range(count)],
            "initiateCall": True,
            "callConfig": {"agentId": "agent-1", "dispositionId": "disp-1"},
        },
    )
    assert response["statusCode"] == 201, response["body"]
    body: dict[str, Any] = body_of(response)
    return body


def test_1234_customers_are_called_in_batches_of_500_then_summarized(sfn_stack: SfnStack) -> None:
    body = _start_calls(sfn_stack, 1234)
    results = body["callResults"]
    assert {k: results[k] for k in ("status", "customers", "batches", "batchSize")} == {
        "status": "started",
        "customers": 1234,
        "batches": 3,
        "batchSize": 500,
    }
    run_id = results["callRunId"]
    execution = sfn_stack.wait_for_execution(run_id)
    assert execution["status"] == "SUCCEEDED", execution
    # The execution's input holds ids only: the customers stay in DynamoDB.
    assert json.loads(execution["input"]) == {"tenantId": TENANT, "callRunId": run_id}

    view = body_of(sfn_stack.api("GET", f"/call-runs/{run_id}", resource="/call-runs/{id}"))
    assert view["status"] == "succeeded"
    assert {k: view[k] for k in ("customers", "initiated", "failed", "skipped", "batchesProcessed")} == {
        "customers": 1234,
        "initiated": 1234,
        "failed": 0,
        "skipped": 0,
        "batchesProcessed": 3,
    }
    assert view["batches"] == [
        {"index": 0, "initiated": 500, "failed": 0},
        {"index": 1, "initiated": 500, "failed": 0},
        {"index": 2, "initiated": 234, "failed": 0},
    ]
    assert view["creditsReserved"] == 1234 * 25

    # The audit rule matches CallRequested events only: one message per requested call.
    assert sfn_stack.audit_queue_depth() == 1234
    sample = sfn_stack.call_requested_events(limit=10)
    assert {e["detail-type"] for e in sample} == {"CallRequested"}
    assert {e["detail"]["callConfig"]["agentId"] for e in sample} == {"agent-1"}
    from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
    from debtload.adapters.dynamodb.table import DynamoTable

    store = DynamoCallRunStore(DynamoTable(sfn_stack.template.physical_name("Table")))
    requested = [k for i in range(3) for k in store.get_batch(TENANT, run_id, i).get("requested", [])]
    assert len(requested) == len(set(requested)) == 1234

    calls = body_of(sfn_stack.api("GET", f"/call-runs/{run_id}/calls", resource="/call-runs/{id}/calls"))
    assert len(calls["results"]) == 500 and calls["next_cursor"] == "1"
    assert {c["status"] for c in calls["results"]} == {"requested"}

    # Summarize emitted call_run.completed through the outbox and the webhook queue.
    sqs = sfn_stack.resources.client("sqs")
    queued = sqs.receive_message(
        QueueUrl=sfn_stack.resources.queue_url("WebhookQueue"), MaxNumberOfMessages=10
    )
    assert [json.loads(m["Body"])["type"] for m in queued.get("Messages", [])] == ["call_run.completed"]


def test_a_failing_batch_is_caught_recorded_and_the_run_goes_on(sfn_stack: SfnStack) -> None:
    from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
    from debtload.adapters.dynamodb.table import DynamoTable
    from debtload.adapters.stepfunctions_starter import StepFunctionsCallRunStarter
    from debtload.domain.calls import views

    good = [{"key": f"LN-{i}", "phone_number": "+33612345678", "region": "FR"} for i in range(2)]
    broken = [{"key": "LN-broken"}]  # no phone number: DispatchCalls raises KeyError, which is not retried
    store = DynamoCallRunStore(DynamoTable(sfn_stack.template.physical_name("Table")))
    starter = StepFunctionsCallRunStarter(sfn_stack.template.arn("InitiateCallsStateMachine"))
    store.create_run(
        TENANT,
        "run-catch",
        {"customers": 3, "batch_size": 2, "batches_total": 2, "call_config": {}},
        [good, broken],
    )
    starter.start(TENANT, "run-catch")
    execution = sfn_stack.wait_for_execution("run-catch")
    assert execution["status"] == "SUCCEEDED", execution

    view = views.view_run(store, TENANT, "run-catch")
    assert view["status"] == "partially_failed"
    assert view["batches"] == [
        {"index": 0, "initiated": 2, "failed": 0},
        {"index": 1, "initiated": 0, "failed": 1},
    ]
    failed_batch = store.get_batch(TENANT, "run-catch", 1)
    assert failed_batch["batch_status"] == "failed" and "KeyError" in failed_batch["batch_error"]
    assert len(sfn_stack.call_requested_events()) == 2


class TransientError(Exception):
    """Named as the ASL's Retry expects."""


def test_a_batch_retried_by_the_workflow_requests_no_call_twice(sfn_stack: SfnStack) -> None:
    module = sfn_stack.calls_module()
    dialer = module.tasks.dialer
    real = dialer.request_calls
    attempts: list[int] = []

    def flaky(calls: Any) -> Any:
        attempts.append(len(calls))
        if len(attempts) == 1:
            real(calls[:3])  # the dialer accepted 3 calls, then the function died before marking them
            raise TransientError("dialer connection reset")
        return real(calls)

    dialer.request_calls = flaky
    try:
        body = _start_calls(sfn_stack, 5)
        execution = sfn_stack.wait_for_execution(body["callResults"]["callRunId"])
    finally:
        del dialer.request_calls
    assert execution["status"] == "SUCCEEDED", execution
    assert attempts == [5, 5]  # retried once by the state machine
    events = sfn_stack.call_requested_events()
    call_ids = [e["detail"]["callId"] for e in events]
    # The 3 calls of the failed attempt were re-sent with the same ids: 5 calls, never a second id.
    assert len(set(call_ids)) == 5 and len(call_ids) == 8
    view = body_of(
        sfn_stack.api("GET", f"/call-runs/{body['callResults']['callRunId']}", resource="/call-runs/{id}")
    )
    assert view["status"] == "succeeded" and view["initiated"] == 5 and view["creditsReserved"] == 5 * 25


# A step that fails for good ends the run `failed` (MarkRunFailed), never leaves it `running`.


def _call_run_store(stack: SfnStack) -> Any:
    from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
    from debtload.adapters.dynamodb.table import DynamoTable

    return DynamoCallRunStore(DynamoTable(stack.template.physical_name("Table")))


def _view(stack: SfnStack, run_id: str) -> dict[str, Any]:
    return body_of(stack.api("GET", f"/call-runs/{run_id}", resource="/call-runs/{id}"))


def _webhook_types(stack: SfnStack) -> list[tuple[str, str]]:
    sqs = stack.resources.client("sqs")
    queued = sqs.receive_message(QueueUrl=stack.resources.queue_url("WebhookQueue"), MaxNumberOfMessages=10)
    return [(json.loads(m["Body"])["type"], m["Body"]) for m in queued.get("Messages", [])]


def test_planning_that_fails_for_good_ends_the_run_failed(
    sfn_stack: SfnStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from debtload.domain.calls import start

    def broken_plan(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the table is unreachable")

    monkeypatch.setattr(start, "plan_batches", broken_plan)
    run_id = _start_calls(sfn_stack, 3)["callResults"]["callRunId"]
    execution = sfn_stack.wait_for_execution(run_id)
    assert execution["status"] == "FAILED", execution
    assert execution.get("error") == "RuntimeError"

    view = _view(sfn_stack, run_id)
    assert view["status"] == "failed", view
    assert "RuntimeError: the table is unreachable" in view["error"]
    assert "Traceback" not in view["error"]  # the Lambda error's type and message, not its stack
    assert (view["initiated"], view["failed"], view["creditsReserved"]) == (0, 3, 0)
    calls = body_of(sfn_stack.api("GET", f"/call-runs/{run_id}/calls", resource="/call-runs/{id}/calls"))
    assert {c["status"] for c in calls["results"]} == {"failed"}
    assert [t for t, _ in _webhook_types(sfn_stack)] == ["call_run.completed"]


def test_a_summary_that_fails_for_good_ends_the_run_failed_with_its_calls_counted(
    sfn_stack: SfnStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from debtload.domain.calls import summary

    def broken_summary(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("summary item too large")

    monkeypatch.setattr(summary, "summarize", broken_summary)
    run_id = _start_calls(sfn_stack, 5)["callResults"]["callRunId"]
    execution = sfn_stack.wait_for_execution(run_id)
    assert execution["status"] == "FAILED", execution

    view = _view(sfn_stack, run_id)
    assert view["status"] == "failed" and "summary item too large" in view["error"]
    # The calls placed before the failure stay placed, and charged.
    assert (view["initiated"], view["failed"], view["batchesProcessed"]) == (5, 0, 1)
    assert view["creditsReserved"] == 5 * 25
    assert len(sfn_stack.call_requested_events()) == 5


def _run_with_the_dialer_down_and_recording_failing_once(
    sfn_stack: SfnStack, monkeypatch: pytest.MonkeyPatch, customers: int, first_error: Exception
) -> tuple[str, dict[str, Any], int, list[int]]:
    """A run whose dialer refuses every batch (not retried: the batch is caught), and whose first
    RecordBatchFailure raises `first_error`; returns the run id, its execution, the credit balance
    before it and the recording attempts."""
    from debtload.domain.calls import dispatch

    dialer = sfn_stack.calls_module().tasks.dialer
    real_record = dispatch.record_batch_failure
    recorded: list[int] = []

    def dialer_down(calls: Any) -> Any:
        raise KeyError("dialer misconfigured")

    def record_fails_once(*args: Any, **kwargs: Any) -> Any:
        recorded.append(1)
        if len(recorded) == 1:
            raise first_error
        return real_record(*args, **kwargs)

    dialer.request_calls = dialer_down
    monkeypatch.setattr(dispatch, "record_batch_failure", record_fails_once)
    balance_before = _call_run_store(sfn_stack).credit_balance(TENANT)
    try:
        run_id = _start_calls(sfn_stack, customers)["callResults"]["callRunId"]
        execution = sfn_stack.wait_for_execution(run_id)
    finally:
        del dialer.request_calls
    return run_id, execution, balance_before, recorded


def test_record_batch_failure_is_retried(sfn_stack: SfnStack, monkeypatch: pytest.MonkeyPatch) -> None:
    run_id, execution, balance_before, recorded = _run_with_the_dialer_down_and_recording_failing_once(
        sfn_stack, monkeypatch, 2, TransientError("table throttled")
    )
    assert execution["status"] == "SUCCEEDED", execution
    assert len(recorded) == 2
    view = _view(sfn_stack, run_id)
    assert view["status"] == "failed" and view["failed"] == 2
    # The retried recording refunded the batch's reservation.
    assert _call_run_store(sfn_stack).credit_balance(TENANT) == balance_before


def test_a_batch_whose_failure_cannot_be_recorded_fails_the_run_and_refunds_its_calls(
    sfn_stack: SfnStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id, execution, balance_before, _ = _run_with_the_dialer_down_and_recording_failing_once(
        sfn_stack, monkeypatch, 4, RuntimeError("not retried: the Map fails")
    )
    assert execution["status"] == "FAILED", execution
    view = _view(sfn_stack, run_id)
    assert view["status"] == "failed" and view["failed"] == 4 and view["initiated"] == 0
    # The batch had reserved its 4 calls before the dialer failed; MarkRunFailed gave them back.
    assert _call_run_store(sfn_stack).credit_balance(TENANT) == balance_before
    assert view["creditsReserved"] == 0
