"""Issue 13, defect 2: a collection never returns from exported or canceled when its chunk is
processed again (a redelivery after a crash), and is not queued for export again."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.collections import DynamoCollectionStore
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.domain.collections.bulks import collection_id_for, today_cet
from debtload.domain.collections.cancel import cancel_collection
from debtload.domain.collections.model import CANCELED, CONFIRMED, EXPORTED, WAS_CONFIRMED
from debtload.domain.collections.processing import Incoming, process
from tests.api_requests import collection
from tests.conftest import MotoResources

TENANT = "demo-tenant"
NOW = "2026-12-03T10:00:00+00:00"


def _chunk() -> list[Incoming]:
    return [
        Incoming(collection_id_for("bulk-1", row), collection(end_to_end_id=f"e2e-{row}"), "bulk-1", row)
        for row in range(3)
    ]


def _queued(resources: MotoResources) -> list[str]:
    items = resources.client("dynamodb").scan(TableName=resources.table_name)["Items"]
    return sorted(i["collection_id"]["S"] for i in items if i["SK"]["S"].startswith(keys.EXPORT_QUEUE_PREFIX))


def test_a_chunk_processed_again_leaves_exported_and_canceled_collections_as_they_are(
    moto_resources: MotoResources,
) -> None:
    store = DynamoCollectionStore(DynamoTable(moto_resources.table_name))
    today = today_cet(datetime.now(UTC))

    def run(on: date) -> list[str]:
        results = process(store, TENANT, _chunk(), today=on, creditor_id="FR72ZZZ123456", now=NOW)
        return [c.status for c in results]

    assert run(today) == [CONFIRMED] * 3
    canceled, exported, confirmed = (c.collection_id for c in _chunk())
    cancel_collection(store, TENANT, canceled, NOW)
    (to_export,) = [c for c in store.due_for_export(TENANT, "9999-12-31") if c.collection_id == exported]
    assert store.mark_exported(TENANT, "export-1", [to_export], NOW) == [exported]
    assert _queued(moto_resources) == [confirmed]

    # The same chunk again, as a redelivery would: each one is reported as stored, counted as the
    # first time (all three were confirmed when written), and nothing is queued again.
    again = run(today)
    assert again == [CANCELED, EXPORTED, CONFIRMED]
    assert all(status in WAS_CONFIRMED for status in again)
    # Redelivered weeks later, when every date is past: the rules now fail them, and still nothing
    # is overwritten.
    assert run(today + timedelta(days=60)) == [CANCELED, EXPORTED, CONFIRMED]

    assert [store.get(TENANT, c.collection_id).status for c in _chunk()] == [CANCELED, EXPORTED, CONFIRMED]  # type: ignore[union-attr]
    assert _queued(moto_resources) == [confirmed]
    assert [c.collection_id for c in store.due_for_export(TENANT, "9999-12-31")] == [confirmed]
