"""Helpers every suite shares: the callers (principals), the events Lambda receives in their real
shapes, the api call, polling, reading an S3 object, the tenants of a stack's table, and the worker fed from its queue."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from debtload.domain.tenants import Principal
from debtload.scopes import ALL_SCOPES

if TYPE_CHECKING:
    from debtload.adapters.dynamodb.tenants import DynamoTenantRepository
    from tests.conftest import MotoResources

# Runs a template function (by logical id) on an event: the integration suites' `invoke` fixture.
Invoke = Callable[[str, Any], Any]

# The API tests' callers: the demo tenant's admin key, another tenant's (for isolation), and
# read-only keys, one per resource family, for the scope checks.
ADMIN = Principal("demo-tenant", "key_demo", frozenset(ALL_SCOPES))
OTHER = Principal("other-tenant", "key_other", frozenset(ALL_SCOPES))
DEBTS_READ_ONLY = Principal("demo-tenant", "key_ro", frozenset({"debts:read"}))
CAMPAIGNS_READ_ONLY = Principal("demo-tenant", "key_ro", frozenset({"campaigns:read"}))


def api_event(
    method: str,
    path: str,
    *,
    body: Any = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
    resource: str | None = None,
    principal: Principal | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy event, as the local front (and API Gateway) builds it."""
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    raw_body = body if isinstance(body, str) or body is None else json.dumps(body)
    authorizer = None
    if principal is not None:
        authorizer = {
            "tenant_id": principal.tenant_id,
            "key_id": principal.key_id,
            "scopes": " ".join(sorted(principal.scopes)),
            "principalId": principal.key_id,
        }
    return {
        "resource": resource or path,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "resourcePath": resource or path,
            "httpMethod": method,
            "path": f"/v1{path}",
            "stage": "v1",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "127.0.0.1", "userAgent": "pytest"},
            "authorizer": authorizer,
        },
        "body": raw_body,
        "isBase64Encoded": False,
    }


def authorizer_event(headers: dict[str, str], method: str = "GET", path: str = "/credits") -> dict[str, Any]:
    return {
        "type": "REQUEST",
        "methodArn": f"arn:aws:execute-api:us-east-1:123456789012:local/v1/{method}{path}",
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "stage": "v1",
            "httpMethod": method,
        },
    }


def body_of(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def call(
    invoke: Invoke, method: str, path: str, principal: Principal = ADMIN, **kwargs: Any
) -> dict[str, Any]:
    """Runs the api function on an authorized request (see api_event for kwargs)."""
    return invoke("ApiFunction", api_event(method, path, principal=principal, **kwargs))


def wait_for(check: Callable[[], Any], timeout: float = 30.0, interval: float = 0.1) -> Any:
    """Polls `check` until it returns something truthy, and returns that; fails after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; last value {value!r}")
        time.sleep(interval)


def object_body(s3: Any, bucket: str, key: str) -> bytes | None:
    """The object's bytes, or None while it is not there (or not readable yet)."""
    try:
        return bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    except Exception:
        return None


def tenant_repository(table_name: str) -> DynamoTenantRepository:
    """The tenants, keys and credits of a stack's table (moto's or the local stack's)."""
    from debtload.adapters.dynamodb.table import DynamoTable
    from debtload.adapters.dynamodb.tenants import DynamoTenantRepository

    return DynamoTenantRepository(DynamoTable(table_name))


def drain_worker(invoke: Invoke, resources: MotoResources, queue: str = "JobQueue") -> int:
    """Deliver what is on the queue to the worker, as the SQS event source would."""
    sqs = resources.client("sqs")
    url = resources.queue_url(queue)
    delivered = 0
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return delivered
        records = [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": resources.template.arn(queue),
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
        result = invoke("WorkerFunction", {"Records": records})
        assert result == {"batchItemFailures": []}, result
        for m in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        delivered += len(messages)
