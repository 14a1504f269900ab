"""Every events/*.json runs through its function, as `sam local invoke <Function> -e <file>` would."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devstack.demo import DEMO_JOB_ID, DEMO_TENANT_ID
from devstack.invoke import offline_stack
from devstack.template import LocalStackTemplate

EVENTS = Path(__file__).resolve().parents[2] / "events"


def function_for(template: LocalStackTemplate, event_file: Path) -> str:
    """events/<code dir>_<what>.json runs through the function whose CodeUri is functions/<code dir>."""
    for spec in template.functions():
        directory = spec.code_uri.rsplit("/", 1)[-1]
        if event_file.stem.startswith(directory + "_"):
            return spec.logical_id
    raise AssertionError(f"{event_file.name} does not name a function directory")


def _job_status(runner: Any) -> str:
    from debtload.adapters.dynamodb.jobs import DynamoJobStore
    from debtload.adapters.dynamodb.table import DynamoTable

    job = DynamoJobStore(DynamoTable(runner.template.physical_name("Table"))).get_job(
        DEMO_TENANT_ID, DEMO_JOB_ID
    )
    return job.status.value if job else "missing"


CHECKS: dict[str, Callable[[Any, Any], None]] = {
    "api_health.json": lambda result, _: _expect(result["statusCode"] == 200, result),
    "api_get_credits.json": lambda result, _: _expect(
        json.loads(result["body"])["balance"] == 10_000, result
    ),
    "api_cancel_job.json": lambda result, runner: _expect(
        result["statusCode"] == 200
        and json.loads(result["body"])["status"] == "canceled"
        and _job_status(runner) == "canceled",
        result,
    ),
    "api_patch_settings.json": lambda result, _: _expect(
        json.loads(result["body"])["creditor_name"] == "Acme Recouvrement SAS", result
    ),
    "authorizer_request.json": lambda result, _: _expect(
        result["policyDocument"]["Statement"][0]["Effect"] == "Allow"
        and result["context"]["tenant_id"] == "demo-tenant",
        result,
    ),
    "file_import_s3_put.json": lambda result, _: _expect(
        result[0]["status"] == "queued" and result[0]["rows"] == 2, result
    ),
    # No import of that file was ever registered in the offline stack: the record changes nothing.
    "file_import_failure_destination.json": lambda result, _: _expect(
        result
        == [
            {
                "key": "imports/demo-tenant/notes/relances novembre.csv",
                "status": "unchanged",
                "import_id": result[0]["import_id"],
            }
        ],
        result,
    ),
    "file_import_lease_sweep.json": lambda result, _: _expect(result == [], result),
    "calls_plan_batches.json": lambda result, _: _expect(result["batches"] == [0], result),
    "calls_dispatch_batch.json": lambda result, _: _expect(
        result["initiated"] == 3 and result["failed"] == 0, result
    ),
    "webhooks_delivery.json": lambda result, _: _expect(result == {"batchItemFailures": []}, result),
    "api_get_call_run.json": lambda result, _: _expect(
        result["statusCode"] == 200 and json.loads(result["body"])["status"] == "running", result
    ),
    # The demo tenant has no such import: the dry run answers the 404 envelope, having written nothing.
    "api_undo_import.json": lambda result, _: _expect(
        result["statusCode"] == 404 and json.loads(result["body"])["code"] == "not_found", result
    ),
    "api_debts_batch.json": lambda result, _: _expect(
        result["statusCode"] == 200
        and json.loads(result["body"])["data"]["summary"] | {"credits_charged": None}
        == {"total": 5, "created": 1, "failed": 2, "skipped": 2, "credits_charged": None},
        result,
    ),
    "api_collections_bulk.json": lambda result, _: _expect(
        result["statusCode"] == 200
        and json.loads(result["body"])["status"] == "pending"
        and json.loads(result["body"])["collections_total"] == 1,
        result,
    ),
    "api_put_import_mapping.json": lambda result, _: _expect(
        result["statusCode"] == 200 and "Dossier" in json.loads(result["body"])["columns"], result
    ),
    # No bulk of that id in the demo data: the route runs its scope and lookup, and answers 404.
    "api_approve_collections_bulk.json": lambda result, _: _expect(
        result["statusCode"] == 404 and json.loads(result["body"])["code"] == "not_found", result
    ),
    "calls_record_batch_failure.json": lambda result, _: _expect(result == {"recorded": True}, result),
    # The demo run's only batch was never dispatched: summarizing fails its 3 customers.
    "calls_summarize.json": lambda result, _: _expect(
        result["status"] == "failed" and result["failed"] == 3, result
    ),
    "worker_ingestion_chunk.json": lambda result, runner: _expect(
        result == {"batchItemFailures": []} and _job_status(runner) == "completed", result
    ),
    # The demo data holds one outbox entry that was never published: the sweep sends it.
    "worker_outbox_sweep.json": lambda result, _: _expect(result == {"published": 1, "failed": 0}, result),
    "worker_dead_letter_chunk.json": lambda result, runner: _expect(
        result == {"batchItemFailures": []} and _job_status(runner) == "failed", result
    ),
}


def _expect(condition: bool, result: Any) -> None:
    assert condition, f"unexpected result: {json.dumps(result, default=str)[:500]}"


def test_every_event_file_has_a_check() -> None:
    assert sorted(p.name for p in EVENTS.glob("*.json")) == sorted(CHECKS)


@pytest.mark.parametrize("event_file", sorted(EVENTS.glob("*.json")), ids=lambda p: p.name)
def test_event_file_runs_through_its_function(event_file: Path, template: LocalStackTemplate) -> None:
    function_id = function_for(template, event_file)
    event = json.loads(event_file.read_text(encoding="utf-8"))
    with offline_stack() as runner:
        result = runner.invoke(function_id, event)
        CHECKS[event_file.name](result, runner)
