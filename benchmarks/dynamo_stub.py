"""A loopback DynamoDB that answers at once (docs/performance.md), so a benchmark measures our code plus
botocore rather than moto's backend. It speaks just enough of the JSON protocol: writes succeed,
reads find the items a benchmark registers, and every call is counted by operation.

It runs in its own process, as DynamoDB would: in the benchmark's process, its parsing and
answering would hold the GIL and be billed to the code under test.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import urllib.request
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

_CALLS_PATH = "/__calls"


class _DynamoStub(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    calls: ClassVar[Counter[str]] = Counter()
    items: ClassVar[dict[str, dict[str, Any]]] = {}  # by SK, in DynamoDB JSON

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle and delayed ACKs add ~40 ms a call.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:  # the benchmark reads the call counts
        self._answer(dict(self.calls), "application/json")

    def do_DELETE(self) -> None:
        type(self).calls.clear()
        self._answer({}, "application/json")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        operation = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
        type(self).calls[operation] += 1
        answer: dict[str, Any] = {}
        if operation == "BatchWriteItem":
            answer = {"UnprocessedItems": {}}
        elif operation == "BatchGetItem":
            answer = {"Responses": {}, "UnprocessedKeys": {}}
        elif operation == "UpdateItem":
            answer = {"Attributes": {"hits": {"N": "1"}}}
        elif operation == "GetItem":
            key = json.loads(raw or b"{}").get("Key", {})
            item = self.items.get(key.get("SK", {}).get("S", ""))
            answer = {"Item": item} if item else {}
        self._answer(answer, "application/x-amz-json-1.0")

    def _answer(self, answer: Mapping[str, Any], content_type: str) -> None:
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


def _serve(items: dict[str, dict[str, Any]], ports: Any) -> None:
    _DynamoStub.items = items
    server = ThreadingHTTPServer(("127.0.0.1", 0), _DynamoStub)
    ports.put(server.server_address[1])
    server.serve_forever()


class LoopbackDynamo:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def calls(self) -> Counter[str]:
        with urllib.request.urlopen(self.endpoint + _CALLS_PATH, timeout=5) as response:
            return Counter(json.loads(response.read()))

    def reset_calls(self) -> None:
        request = urllib.request.Request(self.endpoint + _CALLS_PATH, method="DELETE")
        with urllib.request.urlopen(request, timeout=5):
            pass


@contextmanager
def loopback_dynamodb(items: Mapping[str, dict[str, Any]] | None = None) -> Iterator[LoopbackDynamo]:
    """Serve the stub and point boto3 at it for the duration."""
    from debtload.adapters import aws

    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    process = context.Process(target=_serve, args=(dict(items or {}), ports), daemon=True)
    process.start()
    endpoint = f"http://127.0.0.1:{ports.get(timeout=30)}"
    saved = dict(os.environ)
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }
    )
    aws.reset_clients()
    try:
        yield LoopbackDynamo(endpoint)
    finally:
        process.terminate()
        process.join(5)
        os.environ.clear()
        os.environ.update(saved)
        aws.reset_clients()
