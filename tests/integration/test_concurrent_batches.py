"""A request's concurrent batch calls, on moto and under the local stack's IAM guard: the pool's
threads act as the invocation's role, and a refused chunk fails the request with AWS's error."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from debtload.adapters.dynamodb.table import DynamoTable
from devstack.functions import FunctionRunner
from devstack.template import LocalStackTemplate
from tests.conftest import MotoResources

PK = "TENANT#concurrent"


def test_concurrent_chunks_are_all_written_and_read_back(moto_resources: MotoResources) -> None:
    table = DynamoTable(moto_resources.table_name, batch_concurrency=4)
    calls = table.batch_write({"PK": PK, "SK": f"ITEM#{i:04d}", "n": i} for i in range(260))
    assert calls == 11
    keys = [(PK, f"ITEM#{i:04d}") for i in range(300)]  # 40 of them were never written
    found = table.batch_get(keys, projection="SK, n")
    assert sorted(item["n"] for item in found) == list(range(260))


def test_pool_threads_act_as_the_invocation_s_role(
    moto_resources: MotoResources, template: LocalStackTemplate
) -> None:
    table = DynamoTable(moto_resources.table_name, batch_concurrency=4)
    table.batch_write({"PK": PK, "SK": f"ITEM#{i:04d}"} for i in range(60))
    runner = FunctionRunner(template, enforce_iam=True)
    with runner.acting_as("AuthorizerFunction"):  # DynamoDBReadPolicy: reads only
        assert len(table.batch_get([(PK, f"ITEM#{i:04d}") for i in range(250)])) == 60
        with pytest.raises(ClientError) as denied:
            table.batch_write({"PK": PK, "SK": f"NEW#{i:04d}"} for i in range(100))
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "dynamodb:BatchWriteItem" in denied.value.response["Error"]["Message"]
    assert table.query(PK, "NEW#")[0] == []
