"""The local API Gateway front, driven over real HTTP with plain Python handlers as fakes."""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from devstack.api_gateway import ApiGatewayFront
from devstack.api_router import Route
from devstack.gateway_responses import GatewayResponse

ARN_PREFIX = "arn:aws:execute-api:us-east-1:123456789012:local/v1"

ROUTES = [
    Route("GET", "/health", authorized=False),
    Route("POST", "/collections/bulks", authorized=True),
    Route("GET", "/collections/bulks/{id}", authorized=True),
    Route("GET", "/collections/{id}", authorized=True),
    Route("POST", "/collections/{id}/cancel", authorized=True),
    Route("POST", "/cases/{id}/notes", authorized=True),
    Route("POST", "/upload", authorized=True),
    Route("ANY", "/files/{proxy+}", authorized=True),
    Route("GET", "/slow", authorized=False),
]

# As the template writes them: a 404 for unknown routes, and quoted static header values.
GATEWAY_RESPONSES = {
    "MISSING_AUTHENTICATION_TOKEN": GatewayResponse(
        404,
        '{"error": true, "code": "not_found", "message": $context.error.messageString,'
        ' "details": {"request_id": "$context.requestId", "raw": "$context.error.message"}}',
        {"Access-Control-Allow-Origin": "'*'"},
    ),
    "ACCESS_DENIED": GatewayResponse(
        403, '{"error": true, "code": "forbidden", "message": $context.error.messageString}', {}
    ),
}


def allow(resource: str = "*", context: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "principalId": "tenant-1",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "execute-api:Invoke",
                    "Resource": resource if resource.startswith("arn:") else f"{ARN_PREFIX}/{resource}",
                }
            ],
        },
        "context": context or {},
    }


@dataclass
class Fakes:
    authorizer_result: Callable[[dict[str, Any]], Any] = lambda _event: allow()
    api_result: Callable[[dict[str, Any]], Any] = lambda _event: {"statusCode": 200, "body": '{"ok": true}'}
    authorizer_events: list[dict[str, Any]] = field(default_factory=list)
    api_events: list[dict[str, Any]] = field(default_factory=list)

    def authorizer(self, event: dict[str, Any]) -> Any:
        self.authorizer_events.append(event)
        return self.authorizer_result(event)

    def api(self, event: dict[str, Any]) -> Any:
        self.api_events.append(event)
        return self.api_result(event)


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    front: ApiGatewayFront

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: list[tuple[str, str]] | None = None,
        *,
        chunked: bool = False,
    ) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.front.port, timeout=5)
        try:
            conn.putrequest(method, path)
            for name, value in headers or []:
                conn.putheader(name, value)
            if chunked:
                conn.putheader("Transfer-Encoding", "chunked")
            elif body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders()
            if chunked and body is not None:
                for start in range(0, len(body), 512):
                    chunk = body[start : start + 512]
                    conn.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                conn.send(b"0\r\n\r\n")
            elif body is not None:
                conn.send(body)
            response = conn.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            conn.close()


@pytest.fixture
def fakes() -> Fakes:
    return Fakes()


@pytest.fixture
def serve(fakes: Fakes) -> Iterator[Callable[..., Client]]:
    fronts: list[ApiGatewayFront] = []

    def start(**overrides: Any) -> Client:
        options: dict[str, Any] = {
            "routes": ROUTES,
            "authorizer": fakes.authorizer,
            "api": fakes.api,
            "gateway_responses": GATEWAY_RESPONSES,
            "logger": logging.getLogger("test.api_gateway"),
            **overrides,
        }
        front = ApiGatewayFront(**options)
        front.serve("127.0.0.1", 0)
        fronts.append(front)
        return Client(front)

    yield start
    for front in fronts:
        front.shutdown()


@pytest.fixture
def client(serve: Callable[..., Client]) -> Client:
    return serve()


# ---- routing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "resource", "params"),
    [
        ("POST", "/collections/bulks", "/collections/bulks", None),
        ("GET", "/collections/bulks/b-1", "/collections/bulks/{id}", {"id": "b-1"}),
        ("GET", "/collections/c-1", "/collections/{id}", {"id": "c-1"}),
        ("POST", "/collections/c-1/cancel", "/collections/{id}/cancel", {"id": "c-1"}),
        ("POST", "/cases/a%20b%2Fc%40d/notes", "/cases/{id}/notes", {"id": "a b/c@d"}),
        ("GET", "/files/a/b%20c/d.csv", "/files/{proxy+}", {"proxy": "a/b c/d.csv"}),
        ("DELETE", "/files/x", "/files/{proxy+}", {"proxy": "x"}),
    ],
)
def test_routes_match_resources_with_decoded_path_parameters(
    client: Client, fakes: Fakes, method: str, path: str, resource: str, params: dict[str, str] | None
) -> None:
    reply = client.request(method, path, body=b"{}" if method == "POST" else None)

    assert reply.status == 200, reply.body
    event = fakes.api_events[-1]
    assert event["resource"] == resource
    assert event["requestContext"]["resourcePath"] == resource
    assert event["pathParameters"] == params
    # REST APIs pass the path on still percent-encoded; only the parameters are decoded.
    assert event["path"] == path
    assert event["httpMethod"] == method


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nope"),
        ("GET", "/files"),  # {proxy+} needs at least one segment
        # The most specific resource wins before the method is checked, so no fallback to {id}.
        ("GET", "/collections/bulks"),
        ("DELETE", "/collections/c-1"),
    ],
)
def test_unknown_route_renders_missing_authentication_token_template(
    client: Client, fakes: Fakes, method: str, path: str
) -> None:
    reply = client.request(method, path)

    assert reply.status == 404
    body = reply.json()
    assert body["code"] == "not_found"
    assert body["message"] == "Missing Authentication Token"
    assert body["details"] == {
        "request_id": reply.headers["x-amzn-RequestId"],
        "raw": "Missing Authentication Token",
    }
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert fakes.authorizer_events == [] and fakes.api_events == []


def test_unsupplied_gateway_responses_use_aws_defaults(serve: Callable[..., Client], fakes: Fakes) -> None:
    client = serve(gateway_responses={})

    reply = client.request("GET", "/nope")

    assert reply.status == 403
    assert reply.json() == {"message": "Missing Authentication Token"}
    assert reply.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_conflicting_sibling_parameters_are_rejected() -> None:
    with pytest.raises(ValueError, match="conflicting path parameter"):
        ApiGatewayFront(
            routes=[Route("GET", "/a/{id}", True), Route("GET", "/a/{key}/b", True)],
            authorizer=lambda _e: None,
            api=lambda _e: None,
            gateway_responses={},
        )


# ---- proxy event -----------------------------------------------------------------------------


def test_proxy_event_has_the_rest_v1_shape(client: Client, fakes: Fakes) -> None:
    reply = client.request(
        "GET",
        "/collections/c-1?status=failed&tag=a&tag=b%20c&empty=",
        headers=[("X-Api-Key", "secret"), ("X-Multi", "one"), ("X-Multi", "two"), ("User-Agent", "ua/1")],
    )

    assert reply.status == 200
    event = fakes.api_events[-1]
    assert event["queryStringParameters"] == {"status": "failed", "tag": "b c", "empty": ""}
    assert event["multiValueQueryStringParameters"] == {
        "status": ["failed"],
        "tag": ["a", "b c"],
        "empty": [""],
    }
    assert event["headers"]["X-Api-Key"] == "secret"
    assert event["headers"]["X-Multi"] == "two"
    assert event["multiValueHeaders"]["X-Multi"] == ["one", "two"]
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert event["stageVariables"] is None
    assert event["body"] is None
    assert event["isBase64Encoded"] is False

    ctx = event["requestContext"]
    assert ctx["accountId"] == "123456789012"
    assert ctx["apiId"] == "local"
    assert ctx["stage"] == "v1"
    assert ctx["path"] == "/collections/c-1"  # what the client asked for: the front serves v1 at /
    assert ctx["httpMethod"] == "GET"
    assert ctx["protocol"] == "HTTP/1.1"
    assert ctx["requestId"] == reply.headers["x-amzn-RequestId"]
    assert re.fullmatch(r"\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000", ctx["requestTime"])
    assert abs(ctx["requestTimeEpoch"] - time.time() * 1000) < 60_000
    assert ctx["identity"]["sourceIp"] == "127.0.0.1"
    assert ctx["identity"]["userAgent"] == "ua/1"
    assert ctx["identity"]["caller"] is None
    assert ctx["resourceId"] and ctx["extendedRequestId"]


def test_header_casing_and_underscored_headers_are_kept(client: Client, fakes: Fakes) -> None:
    client.request("GET", "/collections/c-1", headers=[("XApiKey", "k"), ("x_custom", "v")])

    headers = fakes.api_events[-1]["headers"]
    assert headers["XApiKey"] == "k"
    assert headers["x_custom"] == "v"
    assert fakes.api_events[-1]["queryStringParameters"] is None
    assert fakes.api_events[-1]["multiValueQueryStringParameters"] is None


def test_text_body_is_passed_as_string(client: Client, fakes: Fakes) -> None:
    client.request("POST", "/upload", body='{"name": "Zoë"}'.encode())

    event = fakes.api_events[-1]
    assert event["body"] == '{"name": "Zoë"}'
    assert event["isBase64Encoded"] is False


def test_binary_body_is_base64_encoded(client: Client, fakes: Fakes) -> None:
    payload = b"\x00\xff\xfe binary"

    client.request("POST", "/upload", body=payload, headers=[("Content-Type", "application/octet-stream")])

    event = fakes.api_events[-1]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == payload


# ---- authorizer ------------------------------------------------------------------------------


def test_authorizer_gets_the_rest_request_event(client: Client, fakes: Fakes) -> None:
    client.request("POST", "/cases/a%20b/notes?x=1", body=b"{}", headers=[("Authorization", "Bearer k")])

    event = fakes.authorizer_events[-1]
    assert event["type"] == "REQUEST"
    assert event["methodArn"] == f"{ARN_PREFIX}/POST/cases/a%20b/notes"
    assert event["resource"] == "/cases/{id}/notes"
    assert event["path"] == "/cases/a%20b/notes"
    assert event["httpMethod"] == "POST"
    assert event["headers"]["Authorization"] == "Bearer k"
    assert event["multiValueHeaders"]["Authorization"] == ["Bearer k"]
    assert event["queryStringParameters"] == {"x": "1"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1"]}
    assert event["pathParameters"] == {"id": "a b"}
    assert event["stageVariables"] is None
    assert "authorizer" not in event["requestContext"]
    assert "body" not in event
    assert event["requestContext"]["requestId"] == fakes.api_events[-1]["requestContext"]["requestId"]


def test_authorizer_runs_on_every_request(client: Client, fakes: Fakes) -> None:
    for _ in range(3):
        assert client.request("GET", "/collections/c-1").status == 200
    assert len(fakes.authorizer_events) == 3


def test_authorizer_context_reaches_the_api_event_stringified(client: Client, fakes: Fakes) -> None:
    fakes.authorizer_result = lambda _e: allow(
        context={"tenantId": "t-1", "count": 3, "ratio": 1.5, "admin": True, "disabled": False}
    )

    assert client.request("GET", "/collections/c-1").status == 200

    assert fakes.api_events[-1]["requestContext"]["authorizer"] == {
        "tenantId": "t-1",
        "count": "3",
        "ratio": "1.5",
        "admin": "true",
        "disabled": "false",
        "principalId": "tenant-1",
        "integrationLatency": 0,
    }


def test_unauthorized_exception_gives_401(client: Client, fakes: Fakes) -> None:
    def refuse(_event: dict[str, Any]) -> Any:
        raise Exception("Unauthorized")  # the exact message API Gateway keys on

    fakes.authorizer_result = refuse

    reply = client.request("GET", "/collections/c-1")

    assert reply.status == 401
    assert reply.json() == {"message": "Unauthorized"}
    assert fakes.api_events == []


@pytest.mark.parametrize(
    "policy",
    [
        {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": f"{ARN_PREFIX}/*"},
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": f"{ARN_PREFIX}/GET/cases/*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    ],
    ids=["deny", "allow-other-arn", "allow-other-action"],
)
def test_policy_not_allowing_the_method_arn_gives_403(
    client: Client, fakes: Fakes, policy: dict[str, Any]
) -> None:
    fakes.authorizer_result = lambda _e: {
        "principalId": "p",
        "policyDocument": {"Version": "2012-10-17", "Statement": [policy]},
    }

    reply = client.request("GET", "/collections/c-1")

    assert reply.status == 403
    assert reply.json() == {
        "error": True,
        "code": "forbidden",
        "message": "User is not authorized to access this resource",
    }
    assert fakes.api_events == []


def test_explicit_deny_beats_allow(client: Client, fakes: Fakes) -> None:
    document = allow("*")
    document["policyDocument"]["Statement"].append(
        {"Effect": "Deny", "Action": "execute-api:*", "Resource": [f"{ARN_PREFIX}/GET/collections/*"]}
    )
    fakes.authorizer_result = lambda _e: document

    assert client.request("GET", "/collections/c-1").status == 403
    assert client.request("POST", "/collections/c-1/cancel", body=b"").status == 200


@pytest.mark.parametrize(
    "resource",
    ["*", f"{ARN_PREFIX}/*", f"{ARN_PREFIX}/GET/collections/c-?", "arn:aws:execute-api:*:*:*/v1/GET/*"],
)
def test_wildcard_allow_admits_the_request(client: Client, fakes: Fakes, resource: str) -> None:
    fakes.authorizer_result = lambda _e: allow(resource)

    assert client.request("GET", "/collections/c-1").status == 200


@pytest.mark.parametrize(
    "outcome",
    [
        RuntimeError("boom"),
        {"policyDocument": allow()["policyDocument"]},
        {"principalId": "p"},
        {**allow(), "context": {"nested": {"no": "objects"}}},
    ],
    ids=["crash", "no-principal", "no-policy", "nested-context"],
)
def test_authorizer_failure_gives_500(client: Client, fakes: Fakes, outcome: Any) -> None:
    def run(_event: dict[str, Any]) -> Any:
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    fakes.authorizer_result = run

    reply = client.request("GET", "/collections/c-1")

    assert reply.status == 500
    assert reply.json() == {"message": None}
    assert fakes.api_events == []


def test_unauthorized_routes_skip_the_authorizer(client: Client, fakes: Fakes) -> None:
    def explode(_event: dict[str, Any]) -> Any:
        raise AssertionError("authorizer must not run")

    fakes.authorizer_result = explode

    reply = client.request("GET", "/health")

    assert reply.status == 200
    assert fakes.authorizer_events == []
    assert "authorizer" not in fakes.api_events[-1]["requestContext"]


# ---- limits ----------------------------------------------------------------------------------


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_body_over_the_limit_gives_413_without_invoking_anything(
    serve: Callable[..., Client], fakes: Fakes, chunked: bool
) -> None:
    client = serve(max_body_bytes=1024)

    reply = client.request("POST", "/upload", body=b"x" * 4096, chunked=chunked)

    assert reply.status == 413
    assert reply.json() == {"message": "HTTP content length exceeded 1024 bytes."}
    assert fakes.authorizer_events == [] and fakes.api_events == []


def test_body_at_the_limit_is_accepted(serve: Callable[..., Client], fakes: Fakes) -> None:
    client = serve(max_body_bytes=1024)

    assert client.request("POST", "/upload", body=b"x" * 1024, chunked=True).status == 200
    assert fakes.api_events[-1]["body"] == "x" * 1024


# ---- proxy response --------------------------------------------------------------------------


def test_proxy_response_is_mapped_back(client: Client, fakes: Fakes) -> None:
    fakes.api_result = lambda _e: {
        "statusCode": 201,
        "headers": {"Content-Type": "text/csv", "X-One": "1", "X-Both": "single"},
        "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"], "X-Both": ["multi"]},
        "body": "a,b\n",
        "isBase64Encoded": False,
    }

    reply = client.request("GET", "/collections/c-1")

    assert reply.status == 201
    assert reply.body == b"a,b\n"
    assert reply.headers["Content-Type"] == "text/csv"
    assert reply.headers["X-One"] == "1"
    assert reply.headers.get_all("Set-Cookie") == ["a=1", "b=2"]
    assert reply.headers.get_all("X-Both") == ["multi"]
    assert reply.headers["x-amzn-RequestId"]


def test_base64_response_body_is_decoded(client: Client, fakes: Fakes) -> None:
    payload = b"\x89PNG\x00\xff"
    fakes.api_result = lambda _e: {
        "statusCode": 200,
        "headers": {"Content-Type": "image/png"},
        "body": base64.b64encode(payload).decode(),
        "isBase64Encoded": True,
    }

    reply = client.request("GET", "/collections/c-1")

    assert reply.body == payload
    assert reply.headers["Content-Type"] == "image/png"


def test_default_content_type_is_json(client: Client, fakes: Fakes) -> None:
    fakes.api_result = lambda _e: {"statusCode": 204}

    reply = client.request("GET", "/collections/c-1")

    assert reply.status == 204
    assert reply.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "outcome",
    [
        ValueError("handler bug"),
        {"body": "no status"},
        {"statusCode": "200"},
        None,
        {"statusCode": 200, "body": {}},
    ],
    ids=["crash", "no-status", "string-status", "none", "dict-body"],
)
def test_handler_failure_gives_502_and_the_server_keeps_serving(
    client: Client, fakes: Fakes, caplog: pytest.LogCaptureFixture, outcome: Any
) -> None:
    def run(_event: dict[str, Any]) -> Any:
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    fakes.api_result = run

    with caplog.at_level(logging.INFO, logger="test.api_gateway"):
        reply = client.request("GET", "/collections/c-1")

    assert reply.status == 502
    assert reply.json() == {"message": "Internal server error"}
    assert any(record.exc_info for record in caplog.records if record.levelno == logging.ERROR)

    fakes.api_result = lambda _e: {"statusCode": 200, "body": "{}"}
    assert client.request("GET", "/collections/c-1").status == 200


def test_custom_default_5xx_template_is_used(serve: Callable[..., Client], fakes: Fakes) -> None:
    client = serve(
        gateway_responses={
            "DEFAULT_5XX": GatewayResponse(
                502,
                '{"code": "internal_error", "message": $context.error.messageString, "id": "$context.requestId"}',
                {},
            )
        }
    )
    fakes.api_result = lambda _e: None

    reply = client.request("GET", "/collections/c-1")

    assert reply.status == 502
    assert reply.json() == {
        "code": "internal_error",
        "message": "Internal server error",
        "id": reply.headers["x-amzn-RequestId"],
    }


# ---- server ----------------------------------------------------------------------------------


def test_one_log_line_per_request_without_headers(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="test.api_gateway"):
        client.request("GET", "/collections/c-1?page_token=abc", headers=[("X-Api-Key", "super-secret-key")])

    lines = [record.getMessage() for record in caplog.records if record.name == "test.api_gateway"]
    assert len(lines) == 1
    assert re.fullmatch(r"GET /collections/c-1 200 \d+\.\dms", lines[0])
    assert "super-secret-key" not in caplog.text


def test_concurrent_requests_overlap(client: Client, fakes: Fakes) -> None:
    # Both requests must be inside the handler at once for the barrier to open.
    barrier = threading.Barrier(2, timeout=3)

    def slow(_event: dict[str, Any]) -> Any:
        barrier.wait()
        return {"statusCode": 200, "body": "{}"}

    fakes.api_result = slow
    statuses: list[int] = []

    def call() -> None:
        statuses.append(client.request("GET", "/slow").status)

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)

    assert statuses == [200, 200]


def test_shutdown_is_prompt_even_with_a_request_in_flight(fakes: Fakes) -> None:
    release = threading.Event()
    entered = threading.Event()

    def stuck(_event: dict[str, Any]) -> Any:
        entered.set()
        release.wait(5)
        return {"statusCode": 200}

    fakes.api_result = stuck
    front = ApiGatewayFront(routes=ROUTES, authorizer=fakes.authorizer, api=fakes.api, gateway_responses={})
    front.serve("127.0.0.1", 0)
    port = front.port
    caller = threading.Thread(target=lambda: _swallow(lambda: Client(front).request("GET", "/slow")))
    caller.start()
    try:
        assert entered.wait(2)

        started = time.perf_counter()
        front.shutdown()
        assert time.perf_counter() - started < 1.0

        with pytest.raises(OSError):
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/health")
    finally:
        release.set()
        caller.join(timeout=5)


def _swallow(action: Callable[[], object]) -> None:
    # The connection is cut by the shutdown; only the server side is under test.
    with contextlib.suppress(OSError):
        action()
