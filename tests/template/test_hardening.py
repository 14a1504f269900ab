"""What checkov is skipped for, checked our way, and the redrive that must outlast the webhook
attempts: every queue encrypted (SSE-SQS), every asynchronously invoked function with an OnFailure
destination, the API's access logs, the imports bucket's versions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.template.conftest import as_list

pytestmark = pytest.mark.template

# Event sources that invoke a function asynchronously (Lambda retries, then the OnFailure destination).
ASYNC_EVENT_TYPES = {
    "S3",
    "SNS",
    "Schedule",
    "CloudWatchEvent",
    "EventBridgeRule",
    "CloudWatchLogs",
    "IoTRule",
}


def _of_type(sam_template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in sam_template["Resources"].items() if r["Type"] == kind}


def test_every_queue_is_encrypted_at_rest(sam_template: dict[str, Any]) -> None:
    queues = _of_type(sam_template, "AWS::SQS::Queue")
    assert queues
    for name, queue in queues.items():
        properties = queue.get("Properties", {})
        assert properties.get("SqsManagedSseEnabled") is True or "KmsMasterKeyId" in properties, name


def test_every_asynchronously_invoked_function_has_an_on_failure_destination(
    sam_template: dict[str, Any],
) -> None:
    queues = _of_type(sam_template, "AWS::SQS::Queue")
    asynchronous = {
        name: function
        for name, function in _of_type(sam_template, "AWS::Serverless::Function").items()
        if any(e["Type"] in ASYNC_EVENT_TYPES for e in function["Properties"].get("Events", {}).values())
    }
    assert {"WorkerFunction", "FileImportFunction"} <= set(asynchronous)
    for name, function in asynchronous.items():
        on_failure = function["Properties"].get("EventInvokeConfig", {}).get("DestinationConfig", {})
        destination = on_failure.get("OnFailure", {})
        assert destination.get("Type") == "SQS", f"{name}: a failed async invocation is dropped"
        target = destination["Destination"]["Fn::GetAtt"][0]
        assert target in queues, f"{name}: OnFailure goes to {target}, not a queue of this template"


def test_webhook_redrive_outlasts_every_allowed_attempt_count(sam_template: dict[str, Any]) -> None:
    attempts = sam_template["Parameters"]["WebhookMaxAttempts"]
    redrive = sam_template["Resources"]["WebhookQueue"]["Properties"]["RedrivePolicy"]
    receives = redrive["maxReceiveCount"]
    assert isinstance(receives, int), (
        f"maxReceiveCount is {receives!r}: it must be a number above the attempts"
    )
    assert "MaxValue" in attempts, "WebhookMaxAttempts needs a MaxValue below WebhookQueue's maxReceiveCount"
    # The last attempt (receive number WebhookMaxAttempts) settles the event failed: only crashes and
    # duplicate messages, which spend a receive without an attempt, may reach the dead-letter queue.
    assert receives > int(attempts["MaxValue"]) >= int(attempts["Default"])


def test_api_access_logs_are_json_with_the_request_fields(sam_template: dict[str, Any]) -> None:
    api = sam_template["Resources"]["Api"]["Properties"]
    setting = api["AccessLogSetting"]
    group = setting["DestinationArn"]["Fn::GetAtt"][0]
    assert sam_template["Resources"][group]["Type"] == "AWS::Logs::LogGroup"
    assert sam_template["Resources"][group]["Properties"]["RetentionInDays"] > 0
    fields = json.loads(setting["Format"])
    required = {
        "requestId",
        "ip",
        "caller",
        "requestTime",
        "httpMethod",
        "resourcePath",
        "status",
        "protocol",
        "responseLength",
    }
    assert required <= set(fields), required - set(fields)
    assert all(str(v).startswith("$context.") for v in fields.values())
    # API Gateway needs its account's CloudWatch role before a stage may log.
    assert "ApiGatewayAccount" in as_list(sam_template["Resources"]["Api"].get("DependsOn", []))


def test_the_imports_bucket_keeps_versions_and_expires_the_old_ones(sam_template: dict[str, Any]) -> None:
    bucket = sam_template["Resources"]["ImportsBucket"]["Properties"]
    assert bucket["VersioningConfiguration"]["Status"] == "Enabled"
    rules = bucket["LifecycleConfiguration"]["Rules"]
    assert any(r.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays") for r in rules)
