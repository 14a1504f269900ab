from __future__ import annotations

import base64
import json

import pytest

from debtload.api.request_guard import check_request


def event(
    body: str | None, content_type: str | None = "application/json", method: str = "POST", **extra: object
) -> dict:
    headers = {"Content-Type": content_type} if content_type else {}
    return {"httpMethod": method, "headers": headers, "body": body, **extra}


def test_valid_json_passes() -> None:
    assert check_request(event('{"a": 1}'), 1000) is None
    assert check_request(event('{"a": 1}', "application/json; charset=utf-8"), 1000) is None


def test_get_and_empty_bodies_are_not_checked() -> None:
    assert check_request(event("not json", method="GET"), 10) is None
    assert check_request(event(None, content_type=None), 10) is None


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ('{"a": ', "application/json", 400, "malformed_json"),
        ("[1, 2", "application/json", 400, "malformed_json"),
        ('{"a": 1}', "text/plain", 415, "unsupported_media_type"),
        ('{"a": 1}', None, 415, "unsupported_media_type"),
        ("x" * 101, "application/json", 413, "payload_too_large"),
    ],
)
def test_rejections_use_the_error_envelope(
    body: str, content_type: str | None, status: int, code: str
) -> None:
    response = check_request(event(body, content_type), 100)
    assert response is not None
    assert response["statusCode"] == status
    payload = json.loads(response["body"])
    assert payload["error"] is True and payload["code"] == code and payload["message"]


def test_malformed_json_says_where() -> None:
    response = check_request(event('{"debts": [1,,2]}'), 1000)
    assert response is not None
    assert "line 1 column 14" in json.loads(response["body"])["message"]


def test_base64_bodies_are_decoded_before_checks() -> None:
    raw = base64.b64encode(b'{"ok": true}').decode()
    assert check_request(event(raw, isBase64Encoded=True), 1000) is None
    bad = base64.b64encode(b"\xff\xfe").decode()
    response = check_request(event(bad, isBase64Encoded=True), 1000)
    assert response is not None and response["statusCode"] == 400


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_json_nested_5000_deep_is_a_400_not_a_recursion_error(opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    body = opener * 5000 + "1" + closer * 5000
    response = check_request(event(body), 1_000_000)
    assert response is not None
    assert response["statusCode"] == 400
    payload = json.loads(response["body"])
    assert payload["error"] is True and payload["code"] == "invalid_json"
    assert "nesting deeper than 32 levels" in payload["message"]
    assert payload["details"] == {"body": "nests 5000 levels deep; the limit is 32"}


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    body = json.dumps({"note": "[" * 5000 + '\\"{' * 100 + "\\", "n": [[[1]]], "e": '"[['})
    assert check_request(event(body), 1_000_000) is None


def test_nesting_at_the_limit_passes() -> None:
    body = "[" * 32 + "]" * 32
    assert check_request(event(body), 1000) is None
    response = check_request(event("[" * 33 + "]" * 33), 1000)
    assert response is not None and response["statusCode"] == 400
