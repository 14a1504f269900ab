"""`make invoke FUNCTION=<LogicalId> EVENT=events/<file>.json`: what `sam local invoke` does, without
Docker: the function runs in process against moto (in memory), with every template resource created
and the demo data the event files refer to seeded."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from moto import mock_aws

from devstack.demo import seed_demo_data
from devstack.environment import SHARED_ENVIRONMENT
from devstack.functions import FunctionRunner
from devstack.moto_atomic_writes import AtomicWrites
from devstack.moto_limits import MotoLimits
from devstack.provision import Provisioner
from devstack.template import LocalStackTemplate


@contextmanager
def offline_stack() -> Iterator[FunctionRunner]:
    """Every template resource in moto's in-memory backend, and a runner for the functions."""
    saved = dict(os.environ)
    os.environ.update(SHARED_ENVIRONMENT)
    os.environ.pop("AWS_ENDPOINT_URL", None)  # mock_aws only intercepts AWS's own endpoints
    limits = MotoLimits()
    limits.install()
    writes = AtomicWrites()
    writes.install()
    try:
        with mock_aws():
            from debtload.adapters import aws
            from debtload.adapters.dynamodb.table import DynamoTable
            from debtload.adapters.dynamodb.tenants import DynamoTenantRepository

            aws.reset_clients()
            template = LocalStackTemplate()
            Provisioner(template).provision(lambdas=False)
            seed_demo_data(DynamoTenantRepository(DynamoTable(template.physical_name("Table"))))
            yield FunctionRunner(template)
            aws.reset_clients()
    finally:
        writes.uninstall()
        limits.uninstall()
        os.environ.clear()
        os.environ.update(saved)


def invoke_event_file(logical_id: str, event_path: str | Path) -> Any:
    event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    with offline_stack() as runner:
        return runner.invoke(logical_id, event)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m devstack.invoke <FunctionLogicalId> <events/file.json>", file=sys.stderr)
        return 2
    result = invoke_event_file(argv[0], argv[1])
    print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
