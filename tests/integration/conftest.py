"""Handlers run in process against moto, with the template's resources and environment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devstack.functions import FunctionRunner
from devstack.template import LocalStackTemplate
from tests.conftest import MotoResources
from tests.contract_conformance import check_proxy
from tests.helpers import Invoke


@pytest.fixture
def invoke(moto_resources: MotoResources, template: LocalStackTemplate) -> Iterator[Invoke]:
    """Runs a template function (by logical id) on an event, freshly imported for this test."""
    runner = FunctionRunner(template)

    def invoke(function_id: str, event: Any) -> Any:
        response = runner.invoke(function_id, event)
        if function_id == template.api_function() and isinstance(event, dict) and "httpMethod" in event:
            check_proxy(event, response)  # every answer is one the OpenAPI document declares
        return response

    invoke.runner = runner  # type: ignore[attr-defined]  # for tests that reach a function's module
    return invoke
