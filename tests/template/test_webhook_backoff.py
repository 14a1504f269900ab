"""Webhook retries keep their backoff on AWS: the transformed role may change the queue's visibility,
the schedule outlasts a ten-minute outage, and an exhausted event is marked failed for replay."""

from __future__ import annotations

import copy
import os
from typing import Any
from unittest import mock

import pytest
from samtranslator.translator.transform import transform

from debtload.domain import webhooks
from tests.template.conftest import as_list

pytestmark = pytest.mark.template

# What AWSLambdaSQSQueueExecutionRole (added by an SQS event source) allows on queues: no
# ChangeMessageVisibility, which is why the function needs its own statement.
SQS_EVENT_SOURCE_ACTIONS = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


@pytest.fixture(scope="module")
def transformed(sam_template: dict[str, Any]) -> dict[str, Any]:
    template = copy.deepcopy(sam_template)
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri", "DefinitionUri"):
            if isinstance(properties.get(key), str):  # local paths, as cfn-lint does: any S3 URI will do
                properties[key] = f"s3://bucket/{properties[key]}"
    with mock.patch.dict(os.environ, {"AWS_DEFAULT_REGION": "us-east-1"}):
        return transform(template, {}, _NoManagedPolicies())  # type: ignore[no-any-return]


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for policy in role["Properties"].get("Policies", []):
        statements = policy["PolicyDocument"]["Statement"]
        found.extend(statements if isinstance(statements, list) else [statements])
    return found


def test_webhooks_role_may_change_visibility_on_the_webhook_queue_only(transformed: dict[str, Any]) -> None:
    role = transformed["Resources"]["WebhooksFunctionRole"]
    granting = [
        s
        for s in _statements(role)
        if s["Effect"] == "Allow" and "sqs:ChangeMessageVisibility" in as_list(s["Action"])
    ]
    assert granting, (
        "WebhooksFunctionRole cannot call sqs:ChangeMessageVisibility: every retry ignores its backoff"
    )
    for statement in granting:
        assert as_list(statement["Resource"]) == [{"Fn::GetAtt": ["WebhookQueue", "Arn"]}]
    assert "sqs:ChangeMessageVisibility" not in SQS_EVENT_SOURCE_ACTIONS


def _default(sam_template: dict[str, Any], name: str) -> int:
    return int(sam_template["Parameters"][name]["Default"])


def test_default_backoff_outlasts_a_ten_minute_outage(sam_template: dict[str, Any]) -> None:
    attempts = _default(sam_template, "WebhookMaxAttempts")
    first = _default(sam_template, "WebhookFirstRetrySeconds")
    visibility = _default(sam_template, "WebhookQueueVisibilityTimeout")
    # With the least jitter, the last attempt still comes more than ten minutes after the first.
    shortest = [
        webhooks.backoff_delay(n, rng=lambda: 0.0, first_retry_seconds=first) for n in range(1, attempts)
    ]
    assert sum(shortest) > 600
    assert (
        max(webhooks.backoff_delay(n, rng=lambda: 1.0, first_retry_seconds=first) for n in range(1, attempts))
        <= 43_200
    )
    # What the defect gave: each retry one visibility timeout later, all spent inside ten minutes.
    assert (attempts - 1) * visibility < 600


def test_the_webhook_dead_letter_queue_is_read_by_the_webhooks_function(sam_template: dict[str, Any]) -> None:
    events = sam_template["Resources"]["WebhooksFunction"]["Properties"]["Events"]
    queues = {str(e["Properties"]["Queue"]) for e in events.values() if e["Type"] == "SQS"}
    assert any("WebhookDeadLetterQueue" in q for q in queues), queues
