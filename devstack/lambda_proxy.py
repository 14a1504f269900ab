"""The Lambda proxy integration's wire format: an HTTP request as the REST (payload v1) proxy
event API Gateway hands the function, and the function's proxy result back as an HTTP response."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from devstack.api_router import RouteMatch

__all__ = [
    "ApiStage",
    "RawHeadersRequestHandler",
    "attach_body",
    "build_proxy_event",
    "proxy_response",
    "request_path",
]

_RAW_HEADERS_KEY = "debtload.raw_headers"
# Headers that would corrupt our own HTTP framing; API Gateway renames them the same way.
_REMAPPED_RESPONSE_HEADERS = frozenset(
    {"connection", "content-length", "transfer-encoding", "date", "server"}
)


@dataclass(frozen=True, slots=True)
class ApiStage:
    """The deployed stage a request arrives at, as its events and ARNs name it."""

    stage: str
    region: str
    account_id: str
    api_id: str

    def method_arn(self, method: str, raw_path: str) -> str:
        return (
            f"arn:aws:execute-api:{self.region}:{self.account_id}:{self.api_id}"
            f"/{self.stage}/{method}/{raw_path.lstrip('/')}"
        )


class RawHeadersRequestHandler(WSGIRequestHandler):
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


def request_path(environ: Mapping[str, Any]) -> str:
    # REST APIs hand Lambda the path still percent-encoded, so start from the request line.
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw_uri:
        path = urlsplit(str(raw_uri).encode("latin-1").decode("utf-8", "replace")).path
    else:
        path = str(environ.get("PATH_INFO", "")).encode("latin-1").decode("utf-8", "replace")
    return path if path.startswith("/") else "/" + path


def _resource_id(resource: str) -> str:
    return hashlib.sha256(resource.encode()).hexdigest()[:6]


def build_proxy_event(
    api_stage: ApiStage,
    environ: Mapping[str, Any],
    request: Request,
    request_id: str,
    method: str,
    raw_path: str,
    match: RouteMatch,
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
        "accountId": api_stage.account_id,
        "apiId": api_stage.api_id,
        "resourceId": _resource_id(match.resource),
        "resourcePath": match.resource,
        "httpMethod": method,
        # The path the client asked for: API Gateway's own domain puts the stage in it, while the
        # local front serves the stage at the root, as a custom domain with no base path does.
        "path": raw_path,
        "stage": api_stage.stage,
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


def attach_body(event: dict[str, Any], body: bytes) -> None:
    if body:
        try:
            event["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True


def proxy_response(result: Any) -> Response:
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
        items = [] if values is None else values if isinstance(values, list) else [values]
        pairs += [(str(name), _header_value(v)) for v in items]

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


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
