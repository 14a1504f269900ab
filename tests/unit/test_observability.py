from __future__ import annotations

import sys

import pytest

from debtload.observability import traced, tracing_enabled


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, False),
        ({"AWS_LAMBDA_FUNCTION_NAME": "f"}, True),
        ({"AWS_LAMBDA_FUNCTION_NAME": "f", "POWERTOOLS_TRACE_DISABLED": "true"}, False),
        ({"AWS_LAMBDA_FUNCTION_NAME": "f", "AWS_SAM_LOCAL": "true"}, False),
    ],
)
def test_tracing_is_on_only_in_lambda_and_not_disabled(env: dict[str, str], expected: bool) -> None:
    assert tracing_enabled(env) is expected


def test_disabled_tracing_does_not_load_the_xray_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    monkeypatch.delitem(sys.modules, "aws_xray_sdk", raising=False)

    def handler(event: dict[str, str], context: object) -> str:
        return "ok"

    assert traced(handler) is handler
    assert "aws_xray_sdk" not in sys.modules
