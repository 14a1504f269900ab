"""What IAM sees of an AWS API call: the actions it authorizes and the resource ARN of each.

Most calls are one action on one resource (`dynamodb:PutItem` on the table). Some are not:
BatchWriteItem names several tables, a transaction is authorized item by item as PutItem,
UpdateItem, DeleteItem or ConditionCheckItem, SQS batch calls are authorized as their single
counterparts, and S3 operation names differ from their actions (HeadObject is `s3:GetObject`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

Request = tuple[str, str]  # (action, resource ARN)

_SQS_BATCH = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}
_S3_OBJECT_ACTIONS = {
    "HeadObject": "GetObject",
    "GetObject": "GetObject",
    "PutObject": "PutObject",
    "DeleteObject": "DeleteObject",
    "CreateMultipartUpload": "PutObject",
    "UploadPart": "PutObject",
    "CompleteMultipartUpload": "PutObject",
    "AbortMultipartUpload": "AbortMultipartUpload",
    "PutObjectTagging": "PutObjectTagging",
    "GetObjectTagging": "GetObjectTagging",
    "PutObjectAcl": "PutObjectAcl",
    "GetObjectAcl": "GetObjectAcl",
}
_S3_BUCKET_ACTIONS = {
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
    "HeadBucket": "ListBucket",
    "GetBucketLocation": "GetBucketLocation",
    "ListMultipartUploads": "ListBucketMultipartUploads",
}
_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}


class Scope:
    """The account and region that ARNs are built in."""

    def __init__(self, region: str, account_id: str) -> None:
        self.region = region
        self.account_id = account_id

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource}"


def requests_of(prefix: str, operation: str, params: Mapping[str, Any], scope: Scope) -> list[Request]:
    """Every (action, resource) pair that `operation` needs, for the IAM service `prefix`."""
    builder = _BUILDERS.get(prefix)
    if builder is None:
        return [(f"{prefix}:{operation}", "*")]
    return list(builder(operation, params, scope))


def _dynamodb(operation: str, params: Mapping[str, Any], scope: Scope) -> Iterator[Request]:
    def table(name: str, index: str | None = None) -> str:
        name = name.rsplit(":table/", 1)[-1]
        suffix = f"/index/{index}" if index else ""
        return scope.arn("dynamodb", f"table/{name}{suffix}")

    if operation in ("BatchWriteItem", "BatchGetItem"):
        for name in params.get("RequestItems", {}):
            yield f"dynamodb:{operation}", table(name)
        return
    if operation in ("TransactWriteItems", "TransactGetItems"):
        for item in params.get("TransactItems", []):
            for kind, body in item.items():
                yield f"dynamodb:{_TRANSACT_ACTIONS[kind]}", table(body["TableName"])
        return
    name = params.get("TableName")
    if name is None:
        yield f"dynamodb:{operation}", "*"
        return
    yield f"dynamodb:{operation}", table(str(name), params.get("IndexName"))


def _sqs(operation: str, params: Mapping[str, Any], scope: Scope) -> Iterator[Request]:
    action = f"sqs:{_SQS_BATCH.get(operation, operation)}"
    if "QueueUrl" in params:
        yield action, scope.arn("sqs", str(params["QueueUrl"]).rstrip("/").rsplit("/", 1)[-1])
    elif "QueueName" in params:
        yield action, scope.arn("sqs", str(params["QueueName"]))
    else:
        yield action, "*"


def _s3(operation: str, params: Mapping[str, Any], scope: Scope) -> Iterator[Request]:
    bucket = params.get("Bucket")
    if operation == "CopyObject":
        source = params.get("CopySource")
        if isinstance(source, Mapping):
            yield "s3:GetObject", f"arn:aws:s3:::{source['Bucket']}/{source['Key']}"
        elif isinstance(source, str):
            yield "s3:GetObject", f"arn:aws:s3:::{source.lstrip('/').split('?', 1)[0]}"
        yield "s3:PutObject", f"arn:aws:s3:::{bucket}/{params.get('Key', '')}"
        return
    if operation == "DeleteObjects":
        for entry in (params.get("Delete") or {}).get("Objects", []):
            yield "s3:DeleteObject", f"arn:aws:s3:::{bucket}/{entry['Key']}"
        return
    if operation in _S3_OBJECT_ACTIONS:
        action = _S3_OBJECT_ACTIONS[operation]
        if operation in ("GetObject", "HeadObject") and params.get("VersionId"):
            action = "GetObjectVersion"
        yield f"s3:{action}", f"arn:aws:s3:::{bucket}/{params.get('Key', '')}"
        return
    if bucket is None:
        yield f"s3:{operation}", "*"
        return
    yield f"s3:{_S3_BUCKET_ACTIONS.get(operation, operation)}", f"arn:aws:s3:::{bucket}"


def _states(operation: str, params: Mapping[str, Any], scope: Scope) -> Iterator[Request]:
    arn = params.get("stateMachineArn") or params.get("executionArn") or "*"
    yield f"states:{operation}", str(arn)


def _events(operation: str, params: Mapping[str, Any], scope: Scope) -> Iterator[Request]:
    if operation != "PutEvents":
        yield f"events:{operation}", "*"
        return
    buses = {str(entry.get("EventBusName") or "default") for entry in params.get("Entries", [])}
    for bus in sorted(buses) or ["default"]:
        name = bus.rsplit(":event-bus/", 1)[-1]
        yield "events:PutEvents", scope.arn("events", f"event-bus/{name}")


_BUILDERS = {
    "dynamodb": _dynamodb,
    "sqs": _sqs,
    "s3": _s3,
    "states": _states,
    "events": _events,
}
