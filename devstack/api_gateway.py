"""A local stand-in for an API Gateway REST API stage (Lambda proxy + Lambda REQUEST authorizer).

It serves HTTP, matches the request to a template route (devstack/api_router.py), builds the REST
(payload v1) proxy event (devstack/lambda_proxy.py), runs the authorizer the way API Gateway does
(devstack/authorizer_policy.py), invokes the Api handler in process within the route's integration
timeout and maps the proxy response back to HTTP. Failures are rendered through the template's
gateway responses (devstack/gateway_responses.py), so clients see the same status codes and bodies
locally as on AWS.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from devstack.api_router import ApiRouter, Route
from devstack.authorizer_policy import RequestAuthorizer
from devstack.gateway_responses import GatewayError, GatewayResponse, render_gateway_response
from devstack.lambda_limits import RequestTooLarge
from devstack.lambda_proxy import (
    ApiStage,
    RawHeadersRequestHandler,
    attach_body,
    build_proxy_event,
    proxy_response,
    request_path,
)

__all__ = ["ApiGatewayFront", "Handler"]

Handler = Callable[[dict[str, Any]], Any]
# WSGI's start_response; typed loosely because werkzeug and wsgiref disagree on its exact signature.
StartResponse = Callable[..., Any]


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
        self._router = ApiRouter(routes)
        self._api = api
        self._gateway_responses = dict(gateway_responses)
        self._api_stage = ApiStage(stage=stage, region=region, account_id=account_id, api_id=api_id)
        self._max_body_bytes = max_body_bytes
        self._logger = logger or logging.getLogger(__name__)
        self._authorizer = RequestAuthorizer(authorizer, self._api_stage, self._logger)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # ---- server lifecycle ------------------------------------------------------------------

    def serve(self, host: str, port: int) -> None:
        if self._server is not None:
            raise RuntimeError("already serving")
        server = make_server(
            host, port, self.wsgi_app, threaded=True, request_handler=RawHeadersRequestHandler
        )
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
        raw_path = request_path(environ)
        try:
            response = self._handle(environ, request, request_id, method, raw_path)
        except GatewayError as error:
            response = render_gateway_response(
                self._gateway_responses, error.response_type, error.message, request_id
            )
        except Exception:
            # Last line of defence: a bug here must not take the server thread down.
            self._logger.exception("api gateway front failed on %s %s", method, raw_path)
            response = render_gateway_response(
                self._gateway_responses, "DEFAULT_5XX", "Internal server error", request_id
            )
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
            raise GatewayError("MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token")
        body = self._read_body(request)
        event = build_proxy_event(self._api_stage, environ, request, request_id, method, raw_path, match)
        if match.route.authorized:
            authorizer_context = self._authorizer.authorize(event, method, raw_path)
            event["requestContext"]["authorizer"] = authorizer_context
        attach_body(event, body)
        return self._invoke_api(event, match.route.timeout_seconds)

    def _read_body(self, request: Request) -> bytes:
        too_large = GatewayError(
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

    # ---- integration -----------------------------------------------------------------------

    def _invoke_api(self, event: dict[str, Any], timeout_seconds: float) -> Response:
        started = time.monotonic()
        try:
            result = self._call_within(event, timeout_seconds)
            return proxy_response(result)
        except GatewayError:
            raise
        except RequestTooLarge:
            # The event (body plus headers, JSON-escaped) is over Lambda's 6 MB: Invoke refuses it.
            self._logger.warning(
                "Lambda refused the %s %s event as too large", event["httpMethod"], event["path"]
            )
            raise GatewayError("REQUEST_TOO_LARGE", "Request Too Long") from None
        except Exception:
            self._logger.exception("Lambda integration failed for %s %s", event["httpMethod"], event["path"])
            if time.monotonic() - started >= timeout_seconds:
                # The gateway had given up before the function failed (its timeout was as long).
                raise GatewayError("INTEGRATION_TIMEOUT", "Endpoint request timed out") from None
            raise GatewayError("DEFAULT_5XX", "Internal server error") from None

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
            raise GatewayError("INTEGRATION_TIMEOUT", "Endpoint request timed out")
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")
