"""schemathesis against the running stack's own /openapi.json, with a valid key: no 5xx, ever.

Driven through hypothesis directly (schemathesis' pytest plugin does not load under pytest 9)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.e2e.conftest import Running

pytestmark = [pytest.mark.e2e, pytest.mark.fuzz]
EXAMPLES_PER_OPERATION = 30


def test_no_request_gets_a_server_error(local_stack: Running) -> None:
    _, key = local_stack.tenant("Fuzzer", credits=1_000_000)
    base_url = local_stack.stack.api_url
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    server_errors: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def call(case: Any) -> None:
            response = case.call(base_url=base_url, headers={"XApiKey": key})
            if response.status_code >= 500:
                server_errors.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
                )

        call()

    assert not server_errors, "\n".join(server_errors[:20])
