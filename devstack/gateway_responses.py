"""The answers API Gateway itself gives (no route, denied, too large, timed out, failed), rendered
through the template's GatewayResponses so clients see the same status codes, bodies and headers
locally as on AWS."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from werkzeug.wrappers import Response

__all__ = ["DEFAULT_GATEWAY_RESPONSES", "GatewayError", "GatewayResponse", "render_gateway_response"]

_DEFAULT_TEMPLATE = '{"message":$context.error.messageString}'
_TEMPLATE_VARIABLES = re.compile(
    r"\$context\.error\.messageString|\$context\.error\.message|\$context\.requestId"
)


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


class GatewayError(Exception):
    """Short-circuits request handling into a gateway response."""

    def __init__(self, response_type: str, message: str | None) -> None:
        super().__init__(response_type)
        self.response_type = response_type
        self.message = message


def render_gateway_response(
    configured: Mapping[str, GatewayResponse], response_type: str, message: str | None, request_id: str
) -> Response:
    spec = configured.get(response_type)
    status = DEFAULT_GATEWAY_RESPONSES.get(response_type, DEFAULT_GATEWAY_RESPONSES["DEFAULT_5XX"])
    if spec is None:
        # Like AWS: an unconfigured type inherits the DEFAULT_4XX/5XX template but keeps its status.
        fallback = "DEFAULT_5XX" if status.status_code >= 500 else "DEFAULT_4XX"
        inherited = configured.get(fallback)
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


def _unquote_cfn(value: str) -> str:
    # Gateway response header values are static strings written as 'value' in the template.
    if len(value) >= 2 and value.startswith("'") and value.endswith("'"):
        return value[1:-1]
    return value
