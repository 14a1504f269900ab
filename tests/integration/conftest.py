"""Handlers run in process against moto, with the template's resources and environment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devstack.functions import FunctionRunner
from devstack.template import LocalStackTemplate
from tests.conftest import MotoResources
from tests.helpers import Invoke


@pytest.fixture
def invoke(moto_resources: MotoResources, template: LocalStackTemplate) -> Iterator[Invoke]:
    """Runs a template function (by logical id) on an event, freshly imported for this test."""
    runner = FunctionRunner(template)
    return runner.invoke
