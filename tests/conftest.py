"""Fixtures shared by every suite: the template, moto with every template resource in it, and the
demo tenant built in it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from devstack.demo import DEMO_API_KEY, DEMO_TENANT_ID, seed_demo_data, seed_demo_tenant
from devstack.environment import SHARED_ENVIRONMENT
from devstack.moto_atomic_writes import AtomicWrites
from devstack.moto_limits import MotoLimits
from devstack.provision import Provisioner
from devstack.template import LocalStackTemplate
from tests.helpers import tenant_repository


@pytest.fixture(scope="session")
def template() -> LocalStackTemplate:
    return LocalStackTemplate()


@dataclass
class MotoResources:
    """The template's resources inside `mock_aws`, by logical id."""

    template: LocalStackTemplate

    def name(self, logical_id: str) -> str:
        return self.template.physical_name(logical_id)

    def queue_url(self, logical_id: str) -> str:
        sqs = boto3.client("sqs", region_name=self.template.region)
        return str(sqs.get_queue_url(QueueName=self.name(logical_id))["QueueUrl"])

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=self.template.region)

    @property
    def table_name(self) -> str:
        return self.name("Table")

    @property
    def bucket(self) -> str:
        return self.name("ImportsBucket")


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SHARED_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def moto_resources(aws_environment: None, template: LocalStackTemplate) -> Iterator[MotoResources]:
    from debtload.adapters import aws

    limits = MotoLimits()  # DynamoDB item and SQS message sizes as AWS counts them
    limits.install()
    writes = AtomicWrites()  # conditional writes atomic, as DynamoDB's
    writes.install()
    try:
        with mock_aws():
            aws.reset_clients()
            Provisioner(template).provision(lambdas=False, state_machines=False)
            yield MotoResources(template)
    finally:
        writes.uninstall()
        limits.uninstall()
    aws.reset_clients()


@pytest.fixture
def demo_tenant(moto_resources: MotoResources) -> str:
    """The demo tenant and its admin key (DEMO_KEY), with its opening credits."""
    seed_demo_tenant(tenant_repository(moto_resources.table_name))
    return DEMO_TENANT_ID


@pytest.fixture
def demo_data(moto_resources: MotoResources) -> str:
    """The demo tenant and what the event files point at (see devstack.demo.seed_demo_data)."""
    seed_demo_data(tenant_repository(moto_resources.table_name))
    return DEMO_TENANT_ID


DEMO_KEY = DEMO_API_KEY
os.environ.setdefault("POWERTOOLS_DEV", "false")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Prints, for each function, the AWS actions the suites used next to those its role grants."""
    from devstack import iam_guard

    if not iam_guard.usage():
        return
    from tests.template.test_iam_usage import usage_table

    terminalreporter.section("IAM: actions used by the suites, per function")
    terminalreporter.write_line(usage_table(LocalStackTemplate()))
