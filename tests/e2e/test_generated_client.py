"""A client generated from the document the running stack serves (openapi-python-client, as
docs/client.md tells an integrator) drives the four seed flows and reads every resource: typed bodies
in, typed answers out, and nothing else on the wire. The generated code lives in tmp_path only."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
import typing
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import httpx
import pytest
from openapi_python_client.strings import PythonIdentifier

from tests.api_requests import collection, debt, seed_record
from tests.contract_conformance import check, resource_of
from tests.e2e.conftest import Running
from tests.helpers import wait_for
from tests.receivers import serve

pytestmark = [pytest.mark.e2e]

PACKAGE = "debtload_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
# The names docs/api.md ("The contract") gives the seed operations; the rest are found by path.
SEED_OPERATION_IDS = {
    ("POST", "/debts/batch"): "createDebtsBatch",
    ("POST", "/customers/add/bulk"): "addCustomersBulk",
    ("POST", "/collections/bulks"): "createCollectionsBulk",
    ("POST", "/ingestion-jobs"): "submitIngestionJob",
    ("GET", "/ingestion-jobs/{job_id}"): "getIngestionJob",
    ("GET", "/credits"): "getCredits",
}
# powertools' name for an operation the contract does not describe yet (tests/contract_conformance.py).
UNCONTRACTED = re.compile(r"_(get|post|put|patch|delete)$")
# The generator's own naming of an endpoint module (openapi_python_client/__init__.py, _build_api).
FIELD_PREFIX = "field_"


def undeclared(value: Any, where: str = "") -> list[str]:
    """The fields of a generated model that its schema does not declare (they land in the model's
    `additional_properties`), at any depth. A model with no declared field is a free-form map."""
    if isinstance(value, list):
        return [path for i, item in enumerate(value) for path in undeclared(item, f"{where}[{i}]")]
    if not attrs.has(type(value)):
        return []
    extra: dict[str, Any] = getattr(value, "additional_properties", {})
    declared = [f.name for f in attrs.fields(type(value)) if f.name != "additional_properties"]
    found = [f"{where}.{key}" for key in extra] if declared else []
    for name in declared:
        found += undeclared(getattr(value, name), f"{where}.{name}")
    for key, item in extra.items():
        found += undeclared(item, f"{where}.{key}")
    return found


@dataclass
class Generated:
    """The generated package, and the document it was generated from."""

    package: ModuleType
    document: dict[str, Any]
    base_url: str

    def operation_id(self, method: str, path: str) -> str:
        operation = self.document["paths"].get(path, {}).get(method.lower())
        assert operation is not None, f"{method} {path} is not in the served document"
        operation_id = str(operation["operationId"])
        assert not UNCONTRACTED.search(operation_id), (
            f"{method} {path} has no contract yet (operationId {operation_id}): its answer is untyped"
        )
        return operation_id

    def operation(self, method: str, path: str) -> ModuleType:
        """The generated module of an operation, found by its operationId under any tag."""
        name = PythonIdentifier(self.operation_id(method, path), FIELD_PREFIX)
        api = importlib.import_module(f"{PACKAGE}.api")
        tags = sorted(p.name for p in Path(api.__path__[0]).iterdir() if (p / f"{name}.py").exists())
        assert tags, f"the generated client has no {name} for {method} {path}"
        return importlib.import_module(f"{PACKAGE}.api.{tags[0]}.{name}")

    def client(self, key: str | None = None) -> Any:
        """An AuthenticatedClient for the key (`Authorization: Bearer <key>`), else a Client; every
        answer it receives is also checked against the document, as the e2e suite's client does."""
        hooks = {"event_hooks": {"response": [conforms]}}
        if key is None:
            return self.package.Client(base_url=self.base_url, httpx_args=hooks)
        return self.package.AuthenticatedClient(base_url=self.base_url, token=key, httpx_args=hooks)

    def call(
        self, client: Any, method: str, path: str, status: int = 200, body: Any = None, **args: Any
    ) -> Any:
        """Sends the operation through its generated module, the body as the generated request model,
        and returns the generated model of the answer, after checking the status and that every
        field, sent or received, is one the schemas declare."""
        module = self.operation(method, path)
        if body is not None:
            model = typing.get_type_hints(module.sync_detailed)["body"]
            args["body"] = model.from_dict(body)
            assert undeclared(args["body"]) == [], f"{method} {path}: fields the request schema lacks"
        response = module.sync_detailed(client=client, **args)
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.content!r}"
        answer = response.parsed
        assert attrs.has(type(answer)), f"{method} {path} {status}: an untyped answer {answer!r}"
        assert undeclared(answer) == [], f"{method} {path} {status}: fields the answer's schema lacks"
        return answer


def conforms(response: httpx.Response) -> None:
    response.read()
    resource = resource_of(response.request.url.path)
    if resource is not None:
        check(
            response.request.method, resource, response.status_code, dict(response.headers), response.content
        )


@pytest.fixture(scope="module")
def generated(local_stack: Running, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    # Given the document the running stack serves, and a client generated from it
    root = tmp_path_factory.mktemp("generated_client")
    with urllib.request.urlopen(f"{local_stack.stack.api_url}/openapi.json", timeout=60) as served:
        text = served.read().decode()
    (root / "openapi.json").write_text(text, encoding="utf-8")
    # No post hook: the generated code is imported, never read, so it needs no ruff pass.
    (root / "config.json").write_text(json.dumps({"post_hooks": []}), encoding="utf-8")
    result = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(root / "openapi.json"),
            "--output-path",
            str(root / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(root / "config.json"),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(root))
    try:
        yield Generated(importlib.import_module(PACKAGE), json.loads(text), local_stack.stack.api_url)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_the_seed_operations_carry_their_names(generated: Generated) -> None:
    names = {
        key: generated.document["paths"][key[1]][key[0].lower()]["operationId"] for key in SEED_OPERATION_IDS
    }
    assert names == SEED_OPERATION_IDS


def test_health_needs_no_key(generated: Generated) -> None:
    assert generated.call(generated.client(), "GET", "/health").status == "ok"


def test_a_debts_batch_then_its_debts_the_credits_timelines_and_imports(
    local_stack: Running, generated: Generated
) -> None:
    _, key = local_stack.tenant("Generated debts", credits=100)
    client = generated.client(key)
    # When a batch of one good debt and one with an overseas mobile in national format is sent
    batch = {"batch_name": "Relances client", "debts": [debt(1), debt(2, phone="0690123456")]}
    answer = generated.call(client, "POST", "/debts/batch", body=batch, idempotency_key="client-nov-1")
    # Then the first is created and the second fails on its phone
    data = answer.data
    assert [(c.index, c.temp_id) for c in data.created] == [(0, "t-1")]
    debt_id = data.created[0].debt_id
    assert [(f.index, f.temp_id) for f in data.failed] == [(1, "t-2")]
    assert "phone" in data.failed[0].errors
    assert data.summary.created == 1 and data.summary.failed == 1
    # And a retry with the same Idempotency-Key (a parameter of the generated call) answers it again
    again = generated.call(client, "POST", "/debts/batch", body=batch, idempotency_key="client-nov-1")
    assert again.data.import_id == data.import_id

    # And the debt reads back, in the import's list and on its own
    listed = generated.call(client, "GET", "/debts", import_id=data.import_id)
    assert [d.id for d in listed.results] == [debt_id]
    one = generated.call(client, "GET", "/debts/{debt_id}", debt_id=debt_id)
    assert (one.id, one.batch_name, one.phone) == (debt_id, "Relances client", "+33612345601")
    # And the tenant's credits, timelines and imports read as typed answers
    credits = generated.call(client, "GET", "/credits")
    assert credits.balance <= 100 and isinstance(credits.ledger, list)
    assert isinstance(generated.call(client, "GET", "/timelines").results, list)
    assert isinstance(generated.call(client, "GET", "/imports").results, list)


def test_a_collections_bulk_until_completed_then_its_collection(
    local_stack: Running, generated: Generated
) -> None:
    # Given a creditor
    _, key = local_stack.tenant("Generated collections")
    client = generated.client(key)
    settings = {"sepa_creditor_id": "FR72ZZZ123456", "creditor_name": "Acme Recouvrement"}
    generated.call(client, "PATCH", "/settings", body=settings)
    # When a bulk of one collection for next Saturday is posted
    created = generated.call(client, "POST", "/collections/bulks", body={"collections": [collection()]})
    assert (created.status, created.collections_total) == ("pending", 1)

    # Then it completes, its collection confirmed
    def completed() -> Any:
        bulk = generated.call(client, "GET", "/collections/bulks/{bulk_id}", bulk_id=created.id)
        return bulk if bulk.status == "completed" else None

    bulk = wait_for(completed, timeout=60, interval=0.2)
    assert (bulk.collections_confirmed, bulk.collections_failed) == (1, 0)
    page = generated.call(client, "GET", "/collections/bulks/{bulk_id}/collections", bulk_id=created.id)
    (listed,) = page.results
    one = generated.call(client, "GET", "/collections/{collection_id}", collection_id=listed.id)
    assert (one.id, one.status) == (listed.id, "confirmed")


def test_a_campaign_its_customers_and_their_call_run(local_stack: Running, generated: Generated) -> None:
    _, key = local_stack.tenant("Generated campaign")
    client = generated.client(key)
    # Given a campaign
    campaign = generated.call(
        client, "POST", "/campaigns", 201, body={"name": "Relance", "service_type": "debt_collection"}
    )
    assert (
        generated.call(client, "GET", "/campaigns/{campaign_id}", campaign_id=campaign.id).id == campaign.id
    )
    # When two customers are added and their calls started
    body = {
        "campaignId": campaign.id,
        "records": [seed_record(1), seed_record(2)],
        "initiateCall": True,
        "callConfig": {"agentId": "agent-1", "dispositionId": "disp-1"},
    }
    added = generated.call(client, "POST", "/customers/add/bulk", 201, body=body)
    # Then both are added, and their call run reads back
    assert added.success is True and added.message == "Added 2 of 2 records"
    assert (added.results.total, added.results.successful, added.results.failed) == (2, 2, 0)
    run_id = added.call_results.call_run_id
    assert run_id and added.call_results.customers == 2
    run = generated.call(client, "GET", "/call-runs/{run_id}", run_id=run_id)
    assert run.customers == 2


@pytest.fixture
def receiver() -> Iterator[str]:
    for server, _ in serve():
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks"


def test_case_notes_as_an_ingestion_job_with_its_webhook_events(
    local_stack: Running, generated: Generated, receiver: str
) -> None:
    _, key = local_stack.tenant("Generated ingestion")
    client = generated.client(key)
    # Given a webhook endpoint and a case
    endpoint = {"url": receiver, "events": ["job.completed", "job.failed"]}
    put = generated.call(client, "PUT", "/webhooks", body=endpoint)
    assert put.url == receiver and put.secret
    assert generated.call(client, "GET", "/webhooks").url == receiver
    case = {"debtor_name": "Debtor 1", "reference": "D-1", "amount": 100, "currency": "EUR"}
    case_id = generated.call(client, "POST", "/cases", 201, body=case).id
    assert generated.call(client, "GET", "/cases/{case_id}", case_id=case_id).reference == "D-1"

    # When a note is submitted as an ingestion job
    note = {
        "type": 0,
        "caseId": case_id,
        "description": "Contacted debtor by phone. Payment promised for 2026-02-15.",
        "eventDate": "2026-02-01T09:30:00Z",
        "externalRef": "CRM-NOTE-98765",
    }
    accepted = generated.call(client, "POST", "/ingestion-jobs", 202, body={"rows": [note]})
    assert accepted.rows_queued == 1

    # Then the job ends completed, the note is on the case, and its webhook event is listed
    def terminal() -> Any:
        job = generated.call(client, "GET", "/ingestion-jobs/{job_id}", job_id=accepted.job_id)
        return job if job.status >= 2 else None

    job = wait_for(terminal, timeout=30, interval=0.2)
    assert (job.status, job.rows_total, job.rows_succeeded, job.rows_failed) == (2, 1, 1, 0)
    notes = generated.call(client, "GET", "/cases/{case_id}/notes", case_id=case_id)
    assert [n.external_ref for n in notes.results] == ["CRM-NOTE-98765"]

    def listed() -> Any:
        return generated.call(client, "GET", "/webhooks/events").results

    (event,) = wait_for(listed, timeout=30, interval=0.2)
    assert event.type_ == "job.completed"
