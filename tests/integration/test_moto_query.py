"""The local stack's partition-scoped Query answers exactly as moto's own."""

from __future__ import annotations

from typing import Any

from debtload.adapters.dynamodb.table import DynamoTable
from devstack.moto_query import PartitionQuery
from tests.conftest import MotoResources


def _pages(table: DynamoTable, pk: str, prefix: str | None, limit: int, forward: bool) -> list[Any]:
    pages, start = [], None
    while True:
        items, start = table.query(pk, prefix, limit=limit, forward=forward, start_key=start)
        pages.append([(i["PK"], i["SK"]) for i in items])
        if start is None:
            return pages


def test_partition_query_matches_moto(moto_resources: MotoResources) -> None:
    table = DynamoTable(moto_resources.table_name)
    for pk in ("T#a", "T#b", "T#c"):
        table.batch_write({"PK": pk, "SK": f"{kind}#{i:03d}", "GSI1PK": f"{pk}#G", "GSI1SK": f"{i:03d}"}
                          for kind in ("DEBT", "JOB") for i in range(30))  # fmt: skip
    cases = [
        ("T#b", None, 7, True),
        ("T#b", "JOB#", 4, True),
        ("T#b", "DEBT#", 100, False),
        ("T#z", None, 5, True),
    ]
    expected = [_pages(table, *case) for case in cases]
    expected_gsi = table.query("T#a#G", index="GSI1")[0]
    patch = PartitionQuery()
    patch.install()
    try:
        assert [_pages(table, *case) for case in cases] == expected
        assert table.query("T#a#G", index="GSI1")[0] == expected_gsi
        assert len(expected[0][0]) == 7 and len(expected[1]) == 8
    finally:
        patch.uninstall()
