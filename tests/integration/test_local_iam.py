"""The local stack authorizes each function's AWS calls against its SAM-transformed role."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

from devstack.functions import FunctionRunner
from devstack.iam_policies import function_roles
from devstack.template import LocalStackTemplate
from tests.conftest import MotoResources


def _put(moto_resources: MotoResources) -> Any:
    return moto_resources.client("dynamodb").put_item(
        TableName=moto_resources.table_name, Item={"PK": {"S": "T#x"}, "SK": {"S": "iam"}}
    )


def test_a_call_outside_the_role_is_access_denied(
    moto_resources: MotoResources, template: LocalStackTemplate
) -> None:
    runner = FunctionRunner(template, enforce_iam=True)
    with runner.acting_as("AuthorizerFunction"):  # DynamoDBReadPolicy: reads only
        moto_resources.client("dynamodb").get_item(
            TableName=moto_resources.table_name, Key={"PK": {"S": "T#x"}, "SK": {"S": "iam"}}
        )
        with pytest.raises(ClientError) as denied:
            _put(moto_resources)
    error = denied.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert "dynamodb:PutItem" in error["Message"]
    assert "AuthorizerFunctionRole" in error["Message"]
    _put(moto_resources)  # the harness itself is not a function and is not checked


def test_the_resource_counts_not_only_the_action(
    moto_resources: MotoResources, template: LocalStackTemplate
) -> None:
    runner = FunctionRunner(template, enforce_iam=True)
    sqs = moto_resources.client("sqs")
    webhooks, jobs = moto_resources.queue_url("WebhookQueue"), moto_resources.queue_url("JobQueue")
    with runner.acting_as("WorkerFunction"):  # may send to the webhook queue, not to the job queue
        sqs.send_message(QueueUrl=webhooks, MessageBody="{}")
        with pytest.raises(ClientError) as denied:
            sqs.send_message(QueueUrl=jobs, MessageBody="{}")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_webhook_backoff_may_change_visibility_on_its_own_queue(
    moto_resources: MotoResources, template: LocalStackTemplate
) -> None:
    runner = FunctionRunner(template, enforce_iam=True)
    sqs = moto_resources.client("sqs")
    url = moto_resources.queue_url("WebhookQueue")
    sqs.send_message(QueueUrl=url, MessageBody="{}")
    handle = sqs.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    with runner.acting_as("WebhooksFunction"):
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=30)
    with runner.acting_as("WorkerFunction"), pytest.raises(ClientError):
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=30)


def test_threads_and_pool_tasks_started_by_an_invocation_belong_to_it(
    moto_resources: MotoResources, template: LocalStackTemplate
) -> None:
    runner = FunctionRunner(template, enforce_iam=True)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            _put(moto_resources)
            outcomes.append("allowed")
        except ClientError as error:
            outcomes.append(error.response["Error"]["Code"])

    pool = ThreadPoolExecutor(max_workers=1)
    with runner.acting_as("AuthorizerFunction"):
        thread = threading.Thread(target=attempt)
        thread.start()
        thread.join()
        pool.submit(attempt).result()
    pool.submit(attempt).result()  # the same pool thread, now outside the invocation
    pool.shutdown()
    assert outcomes == ["AccessDeniedException", "AccessDeniedException", "allowed"]


def test_roles_come_from_the_sam_transform(template: LocalStackTemplate) -> None:
    roles = function_roles(template)
    assert set(roles) == {spec.logical_id for spec in template.functions()}
    worker = roles["WorkerFunction"].granted_actions()
    # The SQS event source adds AWS's managed execution role, nothing more.
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"} <= set(worker)
    assert "dynamodb:PutItem" not in roles["AuthorizerFunction"].granted_actions()


def test_a_presigned_request_is_authorized_as_its_signer_when_signed(
    moto_resources: MotoResources, template: LocalStackTemplate
) -> None:
    """moto's server honours any presigned link; AWS honours it only if the signer's role allows it."""
    runner = FunctionRunner(template, enforce_iam=True)
    s3, bucket = moto_resources.client("s3"), moto_resources.bucket
    with runner.acting_as("ApiFunction"):
        s3.generate_presigned_post(Bucket=bucket, Key="imports/acme/debts/relances.csv")
        s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "reports/acme/debts/r.csv"})
        with pytest.raises(ClientError) as read_import:
            # The dropped file itself (debtors' data) is the file import's to read, not the API's.
            s3.generate_presigned_url(
                "get_object", Params={"Bucket": bucket, "Key": "imports/acme/debts/r.csv"}
            )
        with pytest.raises(ClientError) as other_prefix:
            s3.generate_presigned_post(Bucket=bucket, Key="rejected/acme/debts/relances.csv")
    assert "s3:GetObject" in read_import.value.response["Error"]["Message"]
    assert "s3:PutObject" in other_prefix.value.response["Error"]["Message"]
    with runner.acting_as("AuthorizerFunction"), pytest.raises(ClientError):
        s3.generate_presigned_post(Bucket=bucket, Key="imports/acme/debts/relances.csv")


def test_a_missing_object_is_a_404_only_to_a_role_that_may_list_the_bucket(
    moto_resources: MotoResources, template: LocalStackTemplate
) -> None:
    """S3 answers 403 for a missing key to a caller without s3:ListBucket; moto answered 404 to all."""
    import copy
    import uuid

    s3, bucket = moto_resources.client("s3"), moto_resources.bucket
    s3.put_object(Bucket=bucket, Key="reports/acme/debts/here.csv.report.json", Body=b"{}")
    missing = "reports/acme/debts/not-yet.csv.report.json"
    api = FunctionRunner(template, enforce_iam=True)
    with api.acting_as("ApiFunction"), pytest.raises(ClientError) as listed:
        s3.head_object(Bucket=bucket, Key=missing)
    assert listed.value.response["Error"]["Code"] == "404"  # its role may list the bucket

    document = copy.deepcopy(template.document)
    statements = next(
        p["Statement"]
        for p in document["Resources"]["ApiFunction"]["Properties"]["Policies"]
        if "Statement" in p
    )
    statements[:] = [s for s in statements if s.get("Action") != "s3:ListBucket"]
    # Roles are cached per deployment: the same stack (so the same bucket), another parameter value.
    other = {"ConsoleUploadMaxBytes": 1000 + uuid.uuid4().int % 1000}
    unlisted = FunctionRunner(LocalStackTemplate(document, parameter_overrides=other), enforce_iam=True)
    with unlisted.acting_as("ApiFunction"):
        s3.head_object(Bucket=bucket, Key="reports/acme/debts/here.csv.report.json")
        with pytest.raises(ClientError) as head:
            s3.head_object(Bucket=bucket, Key=missing)
        with pytest.raises(ClientError) as get:
            s3.get_object(Bucket=bucket, Key=missing)
    assert head.value.response["Error"]["Code"] == "403"
    assert get.value.response["Error"]["Code"] == "AccessDenied"
