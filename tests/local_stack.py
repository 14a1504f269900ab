"""The local stack on free ports, as the suites that talk to it over HTTP use it (e2e, browser).

The stack is the same class `make run` starts; only timings are shortened through template
parameters, as an operator would tune them, so retries and dead-lettering happen within seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3

from debtload.adapters.dynamodb.table import DynamoTable
from devstack.stack import LocalStack
from devstack.template import PROJECT_ROOT
from tests.contract_conformance import check, resource_of

FAST_PARAMETERS = {
    # Lambda refuses a queue whose visibility timeout is below its function's timeout.
    "WorkerTimeoutSeconds": 20,
    "JobQueueVisibilityTimeout": 20,
    "JobMaxReceiveCount": 2,
    "WebhookQueueVisibilityTimeout": 30,
    "WebhookFirstRetrySeconds": 1,
}


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    """A real HTTP client against the stack's API Gateway front."""

    base_url: str
    api_key: str | None = None

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        key: str | None = None,
    ) -> HttpResponse:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        token = key if key is not None else self.api_key
        if token:
            all_headers.setdefault("Authorization", f"Bearer {token}")
        request = urllib.request.Request(self.base_url + path, data=data, headers=all_headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                answer = HttpResponse(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            answer = HttpResponse(error.code, dict(error.headers), error.read())
        resource = resource_of(path)
        if resource is not None:  # every answer is one the OpenAPI document declares
            check(method, resource, answer.status, answer.headers, answer.body)
        return answer

    def get(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> HttpResponse:
        return self.request("POST", path, body, **kwargs)


@dataclass
class Running:
    stack: LocalStack
    admin: Callable[..., dict[str, Any]]

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.stack.aws_endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def table(self) -> DynamoTable:
        return DynamoTable(self.stack.resource_name("Table"), client=self.client("dynamodb"))

    def http(self, api_key: str | None = None) -> Client:
        return Client(self.stack.api_url, api_key)

    def tenant(self, name: str = "acme", scopes: str = "", credits: int = 1000) -> tuple[str, str]:
        created = self.admin("tenant", "--name", name, "--scopes", scopes, "--credits", str(credits))
        return created["tenant_id"], created["api_key"]


@contextmanager
def running_stack() -> Iterator[Running]:
    stack = LocalStack(api_port=0, aws_port=0, parameter_overrides=FAST_PARAMETERS).start()
    aws_port = stack.aws_endpoint.rsplit(":", 1)[1]

    def admin(*args: str) -> dict[str, Any]:
        # The real command, in its own process, as `make tenant` runs it.
        result = subprocess.run(
            [sys.executable, "-m", "admin", *args],
            cwd=PROJECT_ROOT,
            env={"DEBTLOAD_AWS_PORT": aws_port, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        lines = result.stdout.strip().splitlines()
        assert len(lines) == 1, result.stdout
        return dict(json.loads(lines[0]))

    try:
        yield Running(stack, admin)
    finally:
        stack.stop()
