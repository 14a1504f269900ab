"""The template as SAM reads it (before the transform), and a reader of its one-or-many values."""

from __future__ import annotations

from typing import Any

import pytest
from samtranslator.yaml_helper import yaml_parse

from devstack.template import PROJECT_ROOT


@pytest.fixture(scope="module")
def sam_template() -> dict[str, Any]:
    document: dict[str, Any] = yaml_parse((PROJECT_ROOT / "template.yaml").read_text())
    return document


def as_list(value: Any) -> list[Any]:
    """CloudFormation takes one value or a list of them (Action, Resource, DependsOn...)."""
    return value if isinstance(value, list) else [value]
