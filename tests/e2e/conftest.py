"""One local stack for the e2e package, on free ports, so a developer's `make run` can keep 3000/4566
(tests/local_stack.py starts it; the browser suite starts its own the same way)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.local_stack import FAST_PARAMETERS, Client, HttpResponse, Running, running_stack

pytestmark = pytest.mark.e2e

__all__ = ["FAST_PARAMETERS", "Client", "HttpResponse", "Running"]


@pytest.fixture(scope="package")
def local_stack() -> Iterator[Running]:
    with running_stack() as running:
        yield running
