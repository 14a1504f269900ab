"""A loopback DynamoDB (docs/performance.md), so a benchmark measures our code plus botocore rather than
moto's backend. It speaks just enough of the JSON protocol: writes succeed, reads find the items a
benchmark registers, and every call is counted by operation.

Each call is answered after a latency (`DEBTLOAD_BENCH_DYNAMODB_LATENCY_MS`, 0 when unset): on AWS a
call costs a few milliseconds, and code that makes its calls one after another pays each of them.

It runs in its own process, as DynamoDB would: in the benchmark's process, its parsing and
answering would hold the GIL and be billed to the code under test.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

_CALLS_PATH = "/__calls"
LATENCY_ENV = "DEBTLOAD_BENCH_DYNAMODB_LATENCY_MS"
# Without the variable, `make bench` runs each DynamoDB-bound benchmark at both: our code alone, and a
# few ms a call as a same-region Lambda sees DynamoDB.
DEFAULT_BENCH_LATENCIES_MS = (0.0, 8.0)


def bench_latencies_ms(environ: Mapping[str, str] = os.environ) -> list[float]:
    """The latencies a DynamoDB-bound benchmark runs at: the variable's alone, or 0 and 8 ms."""
    value = environ.get(LATENCY_ENV, "").strip()
    return [float(value)] if value else list(DEFAULT_BENCH_LATENCIES_MS)


def stub_latency_ms(environ: Mapping[str, str] = os.environ) -> float:
    """The stub's latency when a benchmark names none: the variable's, 0 when unset."""
    return float(environ.get(LATENCY_ENV, "").strip() or 0)


def latency_label(latency_ms: float) -> str:
    """What a result's name says of its DynamoDB, e.g. `DynamoDB 8 ms`."""
    return f"DynamoDB {latency_ms:g} ms"


class _DynamoStub(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    calls: ClassVar[Counter[str]] = Counter()
    items: ClassVar[dict[str, dict[str, Any]]] = {}  # by SK, in DynamoDB JSON
    latency_s: ClassVar[float] = 0.0

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
        if self.latency_s:
            time.sleep(self.latency_s)  # one thread per connection: concurrent calls overlap, as on AWS
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


def _serve(items: dict[str, dict[str, Any]], latency_ms: float, ports: Any) -> None:
    _DynamoStub.items = items
    _DynamoStub.latency_s = latency_ms / 1000
    server = ThreadingHTTPServer(("127.0.0.1", 0), _DynamoStub)
    ports.put(server.server_address[1])
    server.serve_forever()


class LoopbackDynamo:
    def __init__(self, endpoint: str, latency_ms: float) -> None:
        self.endpoint = endpoint
        self.latency_ms = latency_ms

    def calls(self) -> Counter[str]:
        with urllib.request.urlopen(self.endpoint + _CALLS_PATH, timeout=5) as response:
            return Counter(json.loads(response.read()))

    def round_trips(self) -> int:
        """Every call answered since the last reset: each is one round trip to DynamoDB."""
        return sum(self.calls().values())

    def reset_calls(self) -> None:
        request = urllib.request.Request(self.endpoint + _CALLS_PATH, method="DELETE")
        with urllib.request.urlopen(request, timeout=5):
            pass


@contextmanager
def loopback_dynamodb(
    items: Mapping[str, dict[str, Any]] | None = None, latency_ms: float | None = None
) -> Iterator[LoopbackDynamo]:
    """Serve the stub and point boto3 at it for the duration. Each call is answered after
    `latency_ms`, by default `DEBTLOAD_BENCH_DYNAMODB_LATENCY_MS` (0 when unset)."""
    from debtload.adapters import aws

    if latency_ms is None:
        latency_ms = stub_latency_ms()
    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    process = context.Process(target=_serve, args=(dict(items or {}), latency_ms, ports), daemon=True)
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
        yield LoopbackDynamo(endpoint, latency_ms)
    finally:
        process.terminate()
        process.join(5)
        os.environ.clear()
        os.environ.update(saved)
        aws.reset_clients()
