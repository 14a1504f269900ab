"""The API's Lambda REQUEST authorizer as API Gateway runs it: call the authorizer function with
the request, evaluate the IAM policy it returns against the method ARN, and hand the integration
its context. The template turns authorizer caching off (ReauthorizeEvery: 0), so, as on AWS,
every request is authorized afresh and nothing is cached here."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from devstack.gateway_responses import GatewayError
from devstack.lambda_proxy import ApiStage

__all__ = ["RequestAuthorizer"]

_ACCESS_DENIED_MESSAGE = "User is not authorized to access this resource"


class RequestAuthorizer:
    def __init__(
        self, authorizer: Callable[[dict[str, Any]], Any], api_stage: ApiStage, logger: logging.Logger
    ) -> None:
        self._authorizer = authorizer
        self._api_stage = api_stage
        self._logger = logger

    def authorize(self, event: Mapping[str, Any], method: str, raw_path: str) -> dict[str, Any]:
        """The requestContext.authorizer of an allowed request; a GatewayError for any other."""
        method_arn = self._api_stage.method_arn(method, raw_path)
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
                raise GatewayError("UNAUTHORIZED", "Unauthorized") from error
            self._logger.exception("authorizer failed for %s %s", method, raw_path)
            raise GatewayError("AUTHORIZER_FAILURE", None) from error
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
            raise GatewayError("AUTHORIZER_FAILURE", None) from error
        if not allowed:
            raise GatewayError("ACCESS_DENIED", _ACCESS_DENIED_MESSAGE)
        return {**context, "principalId": str(principal_id), "integrationLatency": 0}


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
