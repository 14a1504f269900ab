"""A browser's upload to the imports bucket held to what S3 holds it to (decision 95).

moto's server is kinder than S3 in two ways the console's upload (POST /imports/uploads) depends on:
- it answers every origin's CORS request (flask-cors on the whole server) instead of the bucket's
  CORS rules: `disable_global_cors()` turns that off before the server starts, so a preflight is
  answered from the bucket's rules (the template's CorsConfiguration), a foreign origin refused,
  and, here, a method the matching rule does not allow refused too;
- its POST object ignores the signed policy: `PostPolicy` checks the policy's expiration and every
  condition (`bucket`, `key`, `Content-Type` and any other field, `content-length-range`) against
  the form, and refuses a field the policy does not name (S3's "Extra input fields"), as S3 does;
  it answers the stored object's ETag, as S3 does (moto's answer has none), and adds the bucket's
  CORS headers to the answer (moto adds none to it).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from moto.s3.exceptions import AccessForbidden
from moto.s3.responses import S3Response
from moto.s3.utils import cors_matches_origin


def disable_global_cors() -> None:
    """Before ThreadedMotoServer starts: the backend apps read the flag when they are created."""
    from moto.moto_server import werkzeug_app

    werkzeug_app.DISABLE_GLOBAL_CORS = True


# The fields S3 does not ask the policy to name; `bucket` and `bucketname` are the URL's bucket, which
# this check and moto's routing add to the form.
_UNSIGNED = frozenset({"policy", "x-amz-signature", "file", "bucket", "bucketname"})


class PolicyRefused(AccessForbidden):
    pass


def _form(response: S3Response) -> dict[str, str]:
    return {str(k): str(v[0] if isinstance(v, list) else v) for k, v in response.querystring.items()}


def check_policy(form: Mapping[str, str], bucket: str, size: int, now: datetime | None = None) -> None:
    """Raises PolicyRefused unless the form's signed policy allows this upload."""
    encoded = form.get("policy") or form.get("Policy")
    if not encoded:
        raise PolicyRefused("Bucket POST must contain a field named 'policy'")
    policy = json.loads(base64.b64decode(encoded))
    expiration = datetime.fromisoformat(str(policy["expiration"]).replace("Z", "+00:00"))
    if (now or datetime.now(UTC)) > expiration:
        raise PolicyRefused("Invalid according to Policy: Policy expired.")
    fields = {**{k.lower(): v for k, v in form.items()}, "bucket": bucket}
    named = {str(n).lower() for c in policy.get("conditions", []) if isinstance(c, Mapping) for n in c}
    named |= {
        str(c[1]).lstrip("$").lower()
        for c in policy.get("conditions", [])
        if not isinstance(c, Mapping) and c[0] != "content-length-range"
    }
    # S3 refuses a field the policy does not name (a metadata value added or changed in the browser).
    extra = sorted(
        n for n in fields if n not in named and n not in _UNSIGNED and not n.startswith("x-ignore-")
    )
    if extra:
        raise PolicyRefused(f"Invalid according to Policy: Extra input fields: {', '.join(extra)}")
    for condition in policy.get("conditions", []):
        if isinstance(condition, Mapping):
            for name, value in condition.items():
                if fields.get(str(name).lower()) != str(value):
                    raise PolicyRefused(f"Invalid according to Policy: Policy Condition failed: {name}")
        elif condition[0] == "content-length-range":
            if not int(condition[1]) <= size <= int(condition[2]):
                raise PolicyRefused("Your proposed upload exceeds the maximum allowed size")
        elif not _holds(
            str(condition[0]), fields.get(str(condition[1]).lstrip("$").lower(), ""), str(condition[2])
        ):
            raise PolicyRefused(f"Invalid according to Policy: Policy Condition failed: {condition[1]}")


def _holds(operator: str, value: str, expected: str) -> bool:
    return value.startswith(expected) if operator == "starts-with" else value == expected


def _rule_for(response: S3Response, bucket_name: str, origin: str, method: str) -> Any | None:
    bucket = response.backend.get_bucket(bucket_name)
    for rule in bucket.cors:
        methods = [m.upper() for m in (rule.allowed_methods or [])]
        if cors_matches_origin(origin, rule.allowed_origins or []) and method.upper() in methods:
            return rule
    return None


class PostPolicy:
    def __init__(self) -> None:
        self._post: Callable[..., Any] | None = None
        self._options: Callable[..., Any] | None = None

    def install(self) -> None:
        post, options = S3Response._bucket_response_post, S3Response._response_options
        self._post, self._options = post, options

        def bucket_post(response: S3Response, request: Any, bucket_name: str) -> Any:
            form = _form(response)
            if "key" in form and not response.is_delete_keys():
                check_policy(form, bucket_name, len(response.body or b""))
            status, headers, body = post(response, request, bucket_name)
            if "key" in form and int(status) < 300:
                # S3 names what it stored in the answer's ETag (the console tells a re-upload by it);
                # moto leaves the header out.
                stored = response.backend.get_object(bucket_name, form["key"])
                if stored is not None:
                    headers = {**headers, "ETag": stored.etag}
            origin = request.headers.get("Origin")
            if origin:
                rule = _rule_for(response, bucket_name, origin, "POST")
                if rule is not None:
                    headers = {**headers, "Access-Control-Allow-Origin": origin}
                    if rule.exposed_headers:
                        headers["Access-Control-Expose-Headers"] = ", ".join(rule.exposed_headers)
            return status, headers, body

        def preflight(response: S3Response, headers: Any, bucket_name: str) -> Any:
            method = headers.get("Access-Control-Request-Method")
            origin = headers.get("Origin")
            if method and origin and _rule_for(response, bucket_name, origin, method) is None:
                raise AccessForbidden(
                    "CORSResponse: This CORS request is not allowed. This is usually because the evalution "
                    "of Origin, request method / Access-Control-Request-Method or Access-Control-Request-"
                    "Headers are not whitelisted by the resource's CORS spec."
                )
            return options(response, headers, bucket_name)

        S3Response._bucket_response_post = bucket_post  # type: ignore[method-assign,assignment]
        S3Response._response_options = preflight  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        if self._post is not None:
            S3Response._bucket_response_post = self._post  # type: ignore[method-assign]
        if self._options is not None:
            S3Response._response_options = self._options  # type: ignore[method-assign]
