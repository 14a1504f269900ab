"""A local stand-in for an API Gateway REST API (Lambda proxy + Lambda REQUEST authorizer).

It turns plain HTTP requests into REST (payload v1) proxy events, runs the authorizer the way API
Gateway does (no caching), invokes the Api handler in process and maps the proxy response back to
HTTP. Failures are rendered through the template's gateway responses, so clients see the same
status codes and bodies locally as on AWS.
"""

from __future__ import annotations

import base64
import binascii
import contextvars
import hashlib
import json
import logging
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from devstack.lambda_limits import RequestTooLarge

__all__ = [
    "DEFAULT_GATEWAY_RESPONSES",
    "ApiGatewayFront",
    "GatewayResponse",
    "Handler",
    "Route",
]

Handler = Callable[[dict[str, Any]], Any]
# WSGI's start_response; typed loosely because werkzeug and wsgiref disagree on its exact signature.
StartResponse = Callable[..., Any]

_RAW_HEADERS_KEY = "debtload.raw_headers"
_DEFAULT_TEMPLATE = '{"message":$context.error.messageString}'
_TEMPLATE_VARIABLES = re.compile(
    r"\$context\.error\.messageString|\$context\.error\.message|\$context\.requestId"
)
_ACCESS_DENIED_MESSAGE = "User is not authorized to access this resource"
# A REST API's integration timeout (TimeoutInMillis) defaults to, and may not exceed, 29 s.
MAX_INTEGRATION_TIMEOUT_SECONDS = 29.0
# Headers that would corrupt our own HTTP framing; API Gateway renames them the same way.
_REMAPPED_RESPONSE_HEADERS = frozenset(
    {"connection", "content-length", "transfer-encoding", "date", "server"}
)


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    authorized: bool
    timeout_seconds: float = MAX_INTEGRATION_TIMEOUT_SECONDS


@dataclass(frozen=True, slots=True)
class GatewayResponse:
    status_code: int
    body_template: str
    headers: Mapping[str, str] = field(default_factory=dict)


DEFAULT_GATEWAY_RESPONSES: Mapping[str, GatewayResponse] = {
    "UNAUTHORIZED": GatewayResponse(401, _DEFAULT_TEMPLATE),
    "ACCESS_DENIED": GatewayResponse(403, _DEFAULT_TEMPLATE),
    "MISSING_AUTHENTICATION_TOKEN": GatewayResponse(403, _DEFAULT_TEMPLATE),
    "AUTHORIZER_FAILURE": GatewayResponse(500, _DEFAULT_TEMPLATE),
    "REQUEST_TOO_LARGE": GatewayResponse(413, _DEFAULT_TEMPLATE),
    "INTEGRATION_TIMEOUT": GatewayResponse(504, _DEFAULT_TEMPLATE),
    "DEFAULT_4XX": GatewayResponse(400, _DEFAULT_TEMPLATE),
    "DEFAULT_5XX": GatewayResponse(502, _DEFAULT_TEMPLATE),
}

# The x-amzn-ErrorType values AWS sends, which some SDKs and clients key on.
_ERROR_TYPES: Mapping[str, str] = {
    "UNAUTHORIZED": "UnauthorizedException",
    "ACCESS_DENIED": "AccessDeniedException",
    "MISSING_AUTHENTICATION_TOKEN": "MissingAuthenticationTokenException",
    "AUTHORIZER_FAILURE": "AuthorizerConfigurationException",
    "REQUEST_TOO_LARGE": "RequestTooLargeException",
    "DEFAULT_5XX": "InternalServerErrorException",
}


class _GatewayError(Exception):
    """Short-circuits request handling into a gateway response."""

    def __init__(self, response_type: str, message: str | None) -> None:
        super().__init__(response_type)
        self.response_type = response_type
        self.message = message


# --------------------------------------------------------------------------------------------
# Route matching


@dataclass(slots=True)
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    param: tuple[str, _Node] | None = None
    greedy: tuple[str, _Node] | None = None
    resource: str | None = None
    methods: dict[str, Route] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Match:
    resource: str
    route: Route
    path_parameters: dict[str, str]


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


class _Router:
    """Resource tree with API Gateway's precedence: literal, then {param}, then {proxy+}.

    The resource is chosen from the path alone and the method checked afterwards: on AWS a
    more specific resource that lacks the method does not fall back to a {param} sibling.
    """

    def __init__(self, routes: Sequence[Route]) -> None:
        self._root = _Node()
        for route in routes:
            self._add(route)

    def _add(self, route: Route) -> None:
        node = self._root
        parts = _segments(route.path)
        for index, part in enumerate(parts):
            if part.startswith("{") and part.endswith("+}"):
                if index != len(parts) - 1:
                    raise ValueError(f"greedy parameter must be the last segment: {route.path}")
                node = self._variable_child(node, "greedy", part[1:-2], route.path)
            elif part.startswith("{") and part.endswith("}"):
                node = self._variable_child(node, "param", part[1:-1], route.path)
            else:
                node = node.literals.setdefault(part, _Node())
        node.resource = "/" + "/".join(parts)
        method = route.method.upper()
        if method in node.methods:
            raise ValueError(f"duplicate route {method} {route.path}")
        timeout = min(route.timeout_seconds, MAX_INTEGRATION_TIMEOUT_SECONDS)
        node.methods[method] = Route(method, node.resource, route.authorized, timeout)

    @staticmethod
    def _variable_child(node: _Node, kind: str, name: str, path: str) -> _Node:
        # SAM/CloudFormation reject siblings with different variable names, so do we.
        existing: tuple[str, _Node] | None = getattr(node, kind)
        if existing is None:
            child = _Node()
            setattr(node, kind, (name, child))
            return child
        if existing[0] != name:
            raise ValueError(f"conflicting path parameter {{{name}}} vs {{{existing[0]}}} in {path}")
        return existing[1]

    def match(self, raw_path: str, method: str) -> _Match | None:
        found = self._walk(self._root, _segments(raw_path), {})
        if found is None:
            return None
        node, params = found
        route = node.methods.get(method) or node.methods.get("ANY")
        if route is None or node.resource is None:
            return None
        return _Match(node.resource, route, params)

    def _walk(
        self, node: _Node, raw_parts: list[str], params: dict[str, str]
    ) -> tuple[_Node, dict[str, str]] | None:
        if not raw_parts:
            return (node, params) if node.resource is not None else None
        head, rest = raw_parts[0], raw_parts[1:]
        decoded = unquote(head)
        literal = node.literals.get(decoded)
        if literal is not None:
            found = self._walk(literal, rest, params)
            if found is not None:
                return found
        if node.param is not None:
            name, child = node.param
            found = self._walk(child, rest, {**params, name: decoded})
            if found is not None:
                return found
        if node.greedy is not None:
            name, child = node.greedy
            if child.resource is not None:
                return child, {**params, name: unquote("/".join(raw_parts))}
        return None


# --------------------------------------------------------------------------------------------
# Authorizer policy evaluation


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _wildcard(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    # IAM wildcards: "*" spans anything (including "/"), "?" is exactly one character.
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, value, re.DOTALL | (re.IGNORECASE if ignore_case else 0)) is not None


def _statement_applies(statement: Mapping[str, Any], method_arn: str) -> bool:
    actions = [a for a in _as_list(statement.get("Action")) if isinstance(a, str)]
    resources = [r for r in _as_list(statement.get("Resource")) if isinstance(r, str)]
    return any(_wildcard(a, "execute-api:Invoke", ignore_case=True) for a in actions) and any(
        _wildcard(r, method_arn) for r in resources
    )


def _policy_allows(policy: Mapping[str, Any], method_arn: str) -> bool:
    statements = _as_list(policy.get("Statement"))
    if not all(isinstance(s, Mapping) for s in statements):
        raise ValueError("policy statements must be objects")
    applicable = [s for s in statements if _statement_applies(s, method_arn)]
    if any(str(s.get("Effect", "")).lower() == "deny" for s in applicable):
        return False
    return any(str(s.get("Effect", "")).lower() == "allow" for s in applicable)


def _stringify_context(context: Any) -> dict[str, str]:
    if context is None:
        return {}
    if not isinstance(context, Mapping):
        raise ValueError("authorizer context must be an object")
    result: dict[str, str] = {}
    for key, value in context.items():
        if value is None:
            continue
        if isinstance(value, bool):
            result[str(key)] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            result[str(key)] = str(value)
        else:
            # AWS rejects nested objects and arrays in the context with a 500.
            raise ValueError(f"authorizer context value for {key!r} is not a primitive")
    return result


# --------------------------------------------------------------------------------------------
# HTTP plumbing


class _RequestHandler(WSGIRequestHandler):
    """Keeps the raw header list, which werkzeug's environ loses.

    The environ upper-cases names and silently drops any header containing "_"; API Gateway passes
    both the original casing and such headers through to the event.
    """

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        environ[_RAW_HEADERS_KEY] = list(self.headers.items())
        return environ

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # The front logs each request itself; werkzeug's line would duplicate it.
        return


def _header_pairs(environ: Mapping[str, Any], request: Request) -> list[tuple[str, str]]:
    raw = environ.get(_RAW_HEADERS_KEY)
    if raw is not None:
        return [(str(k), str(v)) for k, v in raw]
    return list(request.headers.items())


def _group(pairs: Iterable[tuple[str, str]], *, case_insensitive: bool) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    canonical: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower() if case_insensitive else name
        first = canonical.setdefault(key, name)
        grouped.setdefault(first, []).append(value)
    return grouped


def _raw_path(environ: Mapping[str, Any]) -> str:
    # REST APIs hand Lambda the path still percent-encoded, so start from the request line.
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw_uri:
        path = urlsplit(str(raw_uri).encode("latin-1").decode("utf-8", "replace")).path
    else:
        path = str(environ.get("PATH_INFO", "")).encode("latin-1").decode("utf-8", "replace")
    return path if path.startswith("/") else "/" + path


def _resource_id(resource: str) -> str:
    return hashlib.sha256(resource.encode()).hexdigest()[:6]


class ApiGatewayFront:
    """HTTP front playing an API Gateway REST API stage in front of in-process handlers."""

    def __init__(
        self,
        *,
        routes: Sequence[Route],
        authorizer: Handler,
        api: Handler,
        gateway_responses: Mapping[str, GatewayResponse],
        stage: str = "v1",
        region: str = "us-east-1",
        account_id: str = "123456789012",
        api_id: str = "local",
        max_body_bytes: int = 10 * 1024 * 1024,
        logger: logging.Logger | None = None,
    ) -> None:
        self._router = _Router(routes)
        self._authorizer = authorizer
        self._api = api
        self._gateway_responses = dict(gateway_responses)
        self._stage = stage
        self._region = region
        self._account_id = account_id
        self._api_id = api_id
        self._max_body_bytes = max_body_bytes
        self._logger = logger or logging.getLogger(__name__)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # ---- server lifecycle ------------------------------------------------------------------

    def serve(self, host: str, port: int) -> None:
        if self._server is not None:
            raise RuntimeError("already serving")
        server = make_server(host, port, self.wsgi_app, threaded=True, request_handler=_RequestHandler)
        self._server = server
        # A short poll interval is what makes shutdown() return promptly.
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"api-gateway-front:{server.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("not serving")
        return int(self._server.port)

    def shutdown(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        # Request threads are daemons, so an in-flight slow handler does not hold this up.
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    # ---- WSGI ------------------------------------------------------------------------------

    def wsgi_app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request = Request(environ)
        request_id = str(uuid.uuid4())
        method = request.method.upper()
        raw_path = _raw_path(environ)
        try:
            response = self._handle(environ, request, request_id, method, raw_path)
        except _GatewayError as error:
            response = self._gateway_response(error.response_type, error.message, request_id)
        except Exception:
            # Last line of defence: a bug here must not take the server thread down.
            self._logger.exception("api gateway front failed on %s %s", method, raw_path)
            response = self._gateway_response("DEFAULT_5XX", "Internal server error", request_id)
        response.headers["x-amzn-RequestId"] = request_id
        self._logger.info(
            "%s %s %d %.1fms", method, raw_path, response.status_code, (time.perf_counter() - started) * 1000
        )
        return response(environ, start_response)

    def _handle(
        self, environ: Mapping[str, Any], request: Request, request_id: str, method: str, raw_path: str
    ) -> Response:
        match = self._router.match(raw_path, method)
        if match is None:
            raise _GatewayError("MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token")
        body = self._read_body(request)
        event = self._base_event(environ, request, request_id, method, raw_path, match)
        if match.route.authorized:
            authorizer_context = self._authorize(event, method, raw_path)
            event["requestContext"]["authorizer"] = authorizer_context
        if body:
            try:
                event["body"] = body.decode("utf-8")
            except UnicodeDecodeError:
                event["body"] = base64.b64encode(body).decode("ascii")
                event["isBase64Encoded"] = True
        return self._invoke_api(event, match.route.timeout_seconds)

    def _read_body(self, request: Request) -> bytes:
        too_large = _GatewayError(
            "REQUEST_TOO_LARGE", f"HTTP content length exceeded {self._max_body_bytes} bytes."
        )
        declared = request.content_length
        if declared is not None and declared > self._max_body_bytes:
            raise too_large
        # Covers chunked uploads that declare no length; werkzeug drains whatever we leave unread.
        body = request.stream.read(self._max_body_bytes + 1)
        if len(body) > self._max_body_bytes:
            raise too_large
        return body

    def _base_event(
        self,
        environ: Mapping[str, Any],
        request: Request,
        request_id: str,
        method: str,
        raw_path: str,
        match: _Match,
    ) -> dict[str, Any]:
        source_ip = str(environ.get("REMOTE_ADDR") or "127.0.0.1")
        pairs = _header_pairs(environ, request)
        names = {name.lower() for name, _ in pairs}
        # What API Gateway's edge adds in front of every integration.
        extra = {
            "X-Forwarded-For": source_ip,
            "X-Forwarded-Port": str(environ.get("SERVER_PORT", "")),
            "X-Forwarded-Proto": str(environ.get("wsgi.url_scheme", "http")),
        }
        pairs += [(k, v) for k, v in extra.items() if k.lower() not in names]
        multi_headers = _group(pairs, case_insensitive=True)
        headers = {name: values[-1] for name, values in multi_headers.items()}
        query_pairs = parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True)
        multi_query = _group(query_pairs, case_insensitive=False)
        now = datetime.now(UTC)
        host = headers.get(next((n for n in headers if n.lower() == "host"), ""), "localhost")
        request_context: dict[str, Any] = {
            "accountId": self._account_id,
            "apiId": self._api_id,
            "resourceId": _resource_id(match.resource),
            "resourcePath": match.resource,
            "httpMethod": method,
            "path": f"/{self._stage}{raw_path}",
            "stage": self._stage,
            "protocol": str(environ.get("SERVER_PROTOCOL") or "HTTP/1.1"),
            "requestId": request_id,
            "extendedRequestId": base64.b64encode(secrets.token_bytes(12)).decode("ascii")[:15] + "=",
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": source_ip,
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": headers.get(next((n for n in headers if n.lower() == "user-agent"), "")),
                "user": None,
            },
            "domainName": host,
            "domainPrefix": host.split(".", 1)[0].split(":", 1)[0],
        }
        return {
            "resource": match.resource,
            "path": raw_path,
            "httpMethod": method,
            "headers": headers or None,
            "multiValueHeaders": multi_headers or None,
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": match.path_parameters or None,
            "stageVariables": None,
            "requestContext": request_context,
            "body": None,
            "isBase64Encoded": False,
        }

    # ---- authorizer ------------------------------------------------------------------------

    def _method_arn(self, method: str, raw_path: str) -> str:
        return (
            f"arn:aws:execute-api:{self._region}:{self._account_id}:{self._api_id}"
            f"/{self._stage}/{method}/{raw_path.lstrip('/')}"
        )

    def _authorize(self, event: Mapping[str, Any], method: str, raw_path: str) -> dict[str, Any]:
        method_arn = self._method_arn(method, raw_path)
        authorizer_event: dict[str, Any] = {
            "type": "REQUEST",
            "methodArn": method_arn,
            **{k: v for k, v in event.items() if k not in ("body", "isBase64Encoded")},
            "requestContext": dict(event["requestContext"]),
        }
        try:
            result = self._authorizer(authorizer_event)
        except Exception as error:
            if str(error) == "Unauthorized":
                raise _GatewayError("UNAUTHORIZED", "Unauthorized") from error
            self._logger.exception("authorizer failed for %s %s", method, raw_path)
            raise _GatewayError("AUTHORIZER_FAILURE", None) from error
        try:
            if not isinstance(result, Mapping):
                raise ValueError("authorizer returned no object")
            principal_id = result.get("principalId")
            policy = result.get("policyDocument")
            if principal_id is None or not isinstance(policy, Mapping):
                raise ValueError("authorizer response lacks principalId or policyDocument")
            allowed = _policy_allows(policy, method_arn)
            context = _stringify_context(result.get("context"))
        except ValueError as error:
            self._logger.error("malformed authorizer response for %s %s: %s", method, raw_path, error)
            raise _GatewayError("AUTHORIZER_FAILURE", None) from error
        if not allowed:
            raise _GatewayError("ACCESS_DENIED", _ACCESS_DENIED_MESSAGE)
        return {**context, "principalId": str(principal_id), "integrationLatency": 0}

    # ---- integration -----------------------------------------------------------------------

    def _invoke_api(self, event: dict[str, Any], timeout_seconds: float) -> Response:
        started = time.monotonic()
        try:
            result = self._call_within(event, timeout_seconds)
            return self._proxy_response(result)
        except _GatewayError:
            raise
        except RequestTooLarge:
            # The event (body plus headers, JSON-escaped) is over Lambda's 6 MB: Invoke refuses it.
            self._logger.warning(
                "Lambda refused the %s %s event as too large", event["httpMethod"], event["path"]
            )
            raise _GatewayError("REQUEST_TOO_LARGE", "Request Too Long") from None
        except Exception:
            self._logger.exception("Lambda integration failed for %s %s", event["httpMethod"], event["path"])
            if time.monotonic() - started >= timeout_seconds:
                # The gateway had given up before the function failed (its timeout was as long).
                raise _GatewayError("INTEGRATION_TIMEOUT", "Endpoint request timed out") from None
            raise _GatewayError("DEFAULT_5XX", "Internal server error") from None

    def _call_within(self, event: dict[str, Any], timeout_seconds: float) -> Any:
        """The integration on its own thread: at the timeout the gateway answers 504 and, as on AWS,
        the function runs on until it returns or its own timeout stops it."""
        context = contextvars.copy_context()
        outcome: dict[str, Any] = {}
        done = threading.Event()

        def target() -> None:
            try:
                outcome["result"] = context.run(self._api, event)
            except Exception as error:
                outcome["error"] = error
            finally:
                done.set()

        threading.Thread(target=target, name="api-integration", daemon=True).start()
        if not done.wait(timeout_seconds):
            self._logger.error(
                "Lambda integration for %s %s timed out after %.1fs",
                event["httpMethod"],
                event["path"],
                timeout_seconds,
            )
            raise _GatewayError("INTEGRATION_TIMEOUT", "Endpoint request timed out")
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")

    @staticmethod
    def _proxy_response(result: Any) -> Response:
        if not isinstance(result, Mapping):
            raise TypeError(f"malformed Lambda proxy response: {type(result).__name__}")
        status = result.get("statusCode")
        if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
            raise TypeError(f"malformed Lambda proxy response: statusCode {status!r}")
        body = result.get("body")
        if body is not None and not isinstance(body, str):
            raise TypeError("malformed Lambda proxy response: body is not a string")
        payload = (body or "").encode("utf-8")
        if result.get("isBase64Encoded") and body:
            try:
                payload = base64.b64decode(body, validate=True)
            except (binascii.Error, ValueError) as error:
                raise TypeError("malformed Lambda proxy response: body is not base64") from error

        single = result.get("headers") or {}
        multi = result.get("multiValueHeaders") or {}
        if not isinstance(single, Mapping) or not isinstance(multi, Mapping):
            raise TypeError("malformed Lambda proxy response: headers are not objects")
        # AWS merges both maps; for a name present in both, multiValueHeaders wins.
        multi_names = {str(name).lower() for name in multi}
        pairs: list[tuple[str, str]] = [
            (str(n), _header_value(v)) for n, v in single.items() if str(n).lower() not in multi_names
        ]
        for name, values in multi.items():
            pairs += [(str(name), _header_value(v)) for v in _as_list(values)]

        response = Response(payload, status=status)
        response.headers.clear()
        for name, value in pairs:
            if name.lower() in _REMAPPED_RESPONSE_HEADERS:
                response.headers.add(f"x-amzn-Remapped-{name}", value)
            else:
                response.headers.add(name, value)
        if "content-type" not in {name.lower() for name, _ in pairs}:
            response.headers["Content-Type"] = "application/json"
        return response

    # ---- gateway responses -----------------------------------------------------------------

    def _gateway_response(self, response_type: str, message: str | None, request_id: str) -> Response:
        spec = self._gateway_responses.get(response_type)
        status = DEFAULT_GATEWAY_RESPONSES.get(response_type, DEFAULT_GATEWAY_RESPONSES["DEFAULT_5XX"])
        if spec is None:
            # Like AWS: an unconfigured type inherits the DEFAULT_4XX/5XX template but keeps its status.
            fallback = "DEFAULT_5XX" if status.status_code >= 500 else "DEFAULT_4XX"
            inherited = self._gateway_responses.get(fallback)
            base = inherited if inherited is not None else status
            spec = GatewayResponse(status.status_code, base.body_template, base.headers)
        values = {
            "$context.error.messageString": json.dumps(message),
            "$context.error.message": message or "",
            "$context.requestId": request_id,
        }
        # One pass, so a message that itself contains "$context..." is not expanded again.
        body = _TEMPLATE_VARIABLES.sub(lambda m: values[m.group(0)], spec.body_template)
        response = Response(body, status=spec.status_code, content_type="application/json")
        for name, value in spec.headers.items():
            response.headers[name] = _unquote_cfn(value)
        error_type = _ERROR_TYPES.get(response_type)
        if error_type is not None:
            response.headers["x-amzn-ErrorType"] = error_type
        return response


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _unquote_cfn(value: str) -> str:
    # Gateway response header values are static strings written as 'value' in the template.
    if len(value) >= 2 and value.startswith("'") and value.endswith("'"):
        return value[1:-1]
    return value
