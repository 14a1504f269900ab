"""GET /jobs, GET /jobs/{id} and GET /me through the api handler with moto (decision 92): every kind
of bulk work in one list newest first, a file and its job as one item, filters, scopes, paging, and
the actions a key may take."""

from __future__ import annotations

from typing import Any

from debtload.domain.tenants import Principal
from tests.api_requests import batch, collection, debt
from tests.conftest import MotoResources
from tests.helpers import ADMIN, DEBTS_READ_ONLY, OTHER, body_of, call, drain_worker, tenant_repository
from tests.integration.conftest import Invoke
from tests.integration.test_collection_approval import APPROVER, creditor  # noqa: F401 - a fixture
from tests.integration.test_file_import import drop
from tests.integration.test_job_cancel import queue_ingestion_job

READER = Principal("demo-tenant", "key_reader", frozenset({"imports:read", "debts:read"}))


def jobs(invoke: Invoke, principal: Principal = ADMIN, **query: str) -> dict[str, Any]:
    response = call(invoke, "GET", "/jobs", principal, query=query or None)
    assert response["statusCode"] == 200, response["body"]
    return dict(body_of(response))


def job(invoke: Invoke, item_id: str, principal: Principal = ADMIN) -> dict[str, Any]:
    return call(invoke, "GET", f"/jobs/{item_id}", principal, resource="/jobs/{id}")


DEBTS_CSV = "Prénom;Nom;Montant;Devise;Portable;Référence\r\nJean;Dupont;10;EUR;0612345678;R-1\r\nA;B;12;EUR;123;R-2\r\n"


def test_every_kind_is_listed_newest_first_with_a_file_and_its_job_as_one_item(
    invoke: Invoke,
    moto_resources: MotoResources,
    creditor: None,  # noqa: F811
) -> None:
    # Given a debts batch, a dropped debts file, an ingestion job and a bulk waiting for approval
    made = batch(invoke, {"batch_name": "Relances de décembre", "debts": [debt(0), {"phone": "x"}]})
    assert made["statusCode"] == 200, made["body"]
    import_id = body_of(made)["data"]["import_id"]
    key = "imports/demo-tenant/debts/relances.csv"
    (dropped,) = drop(invoke, moto_resources, key, DEBTS_CSV.encode())
    drain_worker(invoke, moto_resources)
    ingestion_id = queue_ingestion_job(invoke, 3)
    bulk = call(
        invoke, "POST", "/collections/bulks", body={"collections": [collection()], "require_approval": True}
    )
    bulk_id = body_of(bulk)["id"]
    drain_worker(invoke, moto_resources)

    # When the admin lists everything
    listed = jobs(invoke)["results"]
    # Then one item each, newest first, the file once (its job is not a second item)
    assert [i["type"] for i in listed] == ["collection_bulk", "ingestion_job", "file_import", "debt_batch"]
    by_type = {i["type"]: i for i in listed}
    assert by_type["debt_batch"] == {
        "id": import_id,
        "type": "debt_batch",
        "kind": "debts",
        "name": "Relances de décembre",
        "status": "completed_with_errors",
        "terminal": True,
        "counts": {"total": 2, "succeeded": 1, "failed": 1, "skipped": 0, "canceled": 0},
        "created_at": by_type["debt_batch"]["created_at"],
        "finished_at": by_type["debt_batch"]["created_at"],
        "import_id": import_id,
        "actions": ["undo"],
    }
    file_item = by_type["file_import"]
    assert file_item["id"] == dropped["import_id"] == file_item["job_id"]
    assert (file_item["status"], file_item["name"], file_item["file_key"]) == (
        "completed_with_errors",
        "relances.csv",
        key,
    )
    assert file_item["counts"] == {"total": 2, "succeeded": 1, "failed": 1, "skipped": 0, "canceled": 0}
    assert by_type["ingestion_job"]["job_id"] == ingestion_id
    assert by_type["collection_bulk"]["status"] == "awaiting_approval"
    # The creating key may not approve its own bulk; another key with the scope may
    assert by_type["collection_bulk"]["actions"] == []
    approver_view = body_of(job(invoke, bulk_id, APPROVER))
    assert approver_view["actions"] == ["approve", "reject"]

    # Filters: the seed's batch name, any case and part of it; type, kind, status, file key
    assert [i["id"] for i in jobs(invoke, name="DÉCEMBRE")["results"]] == [import_id]
    assert [i["type"] for i in jobs(invoke, type="file_import")["results"]] == ["file_import"]
    assert [i["type"] for i in jobs(invoke, kind="notes")["results"]] == ["ingestion_job"]
    assert [i["type"] for i in jobs(invoke, status="awaiting_approval")["results"]] == ["collection_bulk"]
    assert [i["id"] for i in jobs(invoke, file_key=key)["results"]] == [dropped["import_id"]]
    bad = call(invoke, "GET", "/jobs", query={"status": "nope"})
    assert bad["statusCode"] == 400

    # Paging one at a time walks the same list
    seen, cursor = [], None
    while True:
        page = jobs(invoke, limit="1", **({"cursor": cursor} if cursor else {}))
        seen += [i["id"] for i in page["results"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [i["id"] for i in listed]

    # A key sees only what its scopes may read; another tenant sees none, and may not use our cursor
    assert [i["type"] for i in jobs(invoke, DEBTS_READ_ONLY)["results"]] == ["debt_batch"]
    assert [i["type"] for i in jobs(invoke, READER)["results"]] == ["file_import", "debt_batch"]
    assert jobs(invoke, OTHER)["results"] == []
    first = jobs(invoke, limit="1")["next_cursor"]
    stolen = call(invoke, "GET", "/jobs", OTHER, query={"cursor": first})
    assert stolen["statusCode"] == 400


def test_one_item_by_any_of_its_ids_with_its_detail(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    key = f"imports/{demo_data}/debts/relances.csv"
    (dropped,) = drop(invoke, moto_resources, key, DEBTS_CSV.encode())
    drain_worker(invoke, moto_resources)
    detail = job(invoke, dropped["import_id"])
    assert detail["statusCode"] == 200, detail["body"]
    item = body_of(detail)
    assert item["type"] == "file_import" and item["status"] == "completed_with_errors"
    assert item["downloads"] == {"report.json": True, "errors.csv": True}
    assert item["mapped_columns"]["Montant"] == "amount"
    assert item["timings"]["read_at"] and item["timings"]["finished_at"]
    assert item["rows"] == f"/jobs/{dropped['job_id']}/rows"
    assert item["actions"] == ["undo"]

    # Undone: no more undo
    undone = call(invoke, "POST", f"/imports/{dropped['import_id']}/undo", resource="/imports/{id}/undo")
    assert undone["statusCode"] == 200, undone["body"]
    assert body_of(job(invoke, dropped["import_id"]))["actions"] == []

    assert job(invoke, "nope")["statusCode"] == 404
    forbidden = job(invoke, dropped["import_id"], DEBTS_READ_ONLY)
    assert forbidden["statusCode"] == 403 and body_of(forbidden)["details"] == {
        "required_scope": "imports:read"
    }
    assert job(invoke, dropped["import_id"], OTHER)["statusCode"] == 404


def test_a_file_whose_job_ended_is_not_terminal_until_its_reports_are_written(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    from debtload.adapters.dynamodb.imports import DynamoImportStore
    from debtload.adapters.dynamodb.table import DynamoTable

    key = f"imports/{demo_data}/debts/relances.csv"
    (dropped,) = drop(invoke, moto_resources, key, DEBTS_CSV.encode())
    drain_worker(invoke, moto_resources)
    # Given the moment between the job's last row and the import's reports (the record still running)
    store = DynamoImportStore(DynamoTable(moto_resources.table_name))
    finished = store.get_import(demo_data, dropped["import_id"])
    assert finished is not None
    store.update_import(demo_data, dropped["import_id"], {"status": "processing", "errors_key": None})
    # Then the list and the item say its job's outcome, but not terminal: a poller keeps polling
    for item in (body_of(job(invoke, dropped["import_id"])), jobs(invoke)["results"][0]):
        assert (item["status"], item["terminal"]) == ("completed_with_errors", False)
    # And once the reports are written, it is terminal, with them
    store.update_import(
        demo_data, dropped["import_id"], {"status": finished["status"], "errors_key": finished["errors_key"]}
    )
    item = body_of(job(invoke, dropped["import_id"]))
    assert item["terminal"] and item["downloads"]["errors.csv"]


def test_a_running_job_offers_cancel_and_a_debts_batch_undone_offers_nothing(
    invoke: Invoke, moto_resources: MotoResources, demo_tenant: str
) -> None:
    ingestion_id = queue_ingestion_job(invoke, 3)
    running = body_of(job(invoke, ingestion_id))
    assert (running["status"], running["terminal"], running["actions"]) == ("queued", False, ["cancel"])
    assert (
        body_of(job(invoke, ingestion_id, Principal("demo-tenant", "k", frozenset({"ingestion:read"}))))[
            "actions"
        ]
        == []
    )

    made = body_of(batch(invoke, {"debts": [debt(0)]}))["data"]
    assert made["batch_name"].startswith("API Batch - ")
    assert (
        call(invoke, "POST", f"/imports/{made['import_id']}/undo", resource="/imports/{id}/undo")[
            "statusCode"
        ]
        == 200
    )
    undone = body_of(job(invoke, made["import_id"]))
    assert undone["name"] == made["batch_name"] and undone["actions"] == [] and undone["undone_at"]


def test_me_names_the_key_and_its_scopes(invoke: Invoke, demo_tenant: str) -> None:
    response = call(invoke, "GET", "/me", READER)
    assert response["statusCode"] == 200
    assert body_of(response) == {
        "tenant_id": "demo-tenant",
        "tenant_name": body_of(response)["tenant_name"],
        "key_id": "key_reader",
        "scopes": ["debts:read", "imports:read"],
    }
    assert body_of(response)["tenant_name"]


def test_the_credits_ledger_is_paged_newest_first(
    invoke: Invoke, moto_resources: MotoResources, demo_tenant: str
) -> None:
    repo = tenant_repository(moto_resources.table_name)
    for i in range(3):
        repo.add(demo_tenant, 10 + i, f"top-up {i}", f"top-{i}")
    first = body_of(call(invoke, "GET", "/credits", query={"limit": "2"}))
    assert [e["reason"] for e in first["ledger"]][:1] == ["top-up 2"] and first["next_cursor"]
    rest = body_of(call(invoke, "GET", "/credits", query={"limit": "100", "cursor": first["next_cursor"]}))
    seen = [e["id"] for e in first["ledger"] + rest["ledger"]]
    assert len(seen) == len(set(seen)) and rest["next_cursor"] is None
    assert call(invoke, "GET", "/credits", OTHER, query={"cursor": first["next_cursor"]})["statusCode"] == 400
