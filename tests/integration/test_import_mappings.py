"""Saved column mappings through the api function and a file drop, against moto: the routes, their
errors and scopes, and a notes file whose headers only the tenant's mapping knows."""

from __future__ import annotations

from typing import Any

from debtload.domain.tenants import Principal
from devstack.demo import DEMO_CASE_IDS
from tests.conftest import MotoResources
from tests.helpers import ADMIN, body_of, call, drain_worker
from tests.integration.conftest import Invoke
from tests.integration.test_file_import import drop, report_of

CASE_A, CASE_B = DEMO_CASE_IDS
RESOURCE = "/import-mappings/{kind}"


def mapping_call(
    invoke: Invoke, method: str, kind: str, body: Any = None, principal: Principal = ADMIN
) -> dict[str, Any]:
    return call(
        invoke,
        method,
        f"/import-mappings/{kind}",
        principal=principal,
        body=body,
        resource=RESOURCE,
        path_parameters={"kind": kind},
    )


def test_put_get_delete_a_mapping(invoke: Invoke, demo_data: str) -> None:
    body = {"columns": {" Dossier client ": "caseId", "Remarque": "description"}}
    put = mapping_call(invoke, "PUT", "notes", body)
    assert put["statusCode"] == 200, put
    saved = body_of(put)
    assert saved["kind"] == "notes"
    assert saved["columns"] == {"Dossier client": "caseId", "Remarque": "description"}

    # The same body again: the same answer, updated_at included.
    assert body_of(mapping_call(invoke, "PUT", "notes", body)) == saved
    assert body_of(mapping_call(invoke, "GET", "notes")) == saved
    assert mapping_call(invoke, "GET", "debts")["statusCode"] == 404  # another kind has none

    deleted = mapping_call(invoke, "DELETE", "notes")
    assert deleted["statusCode"] == 200 and body_of(deleted) == {**saved, "deleted": True}
    assert mapping_call(invoke, "GET", "notes")["statusCode"] == 404
    assert mapping_call(invoke, "DELETE", "notes")["statusCode"] == 404


def test_errors_name_the_field_the_kind_and_the_limit(invoke: Invoke, demo_data: str) -> None:
    unknown = mapping_call(invoke, "PUT", "debts", {"columns": {"Nom client": "nom"}})
    assert unknown["statusCode"] == 400
    error = body_of(unknown)
    assert error["error"] is True and error["code"] == "unknown_field"
    assert "'Nom client' -> 'nom'" in error["message"]
    assert "lastname" in error["details"]["valid_fields"]

    kind = mapping_call(invoke, "PUT", "invoices", {"columns": {"A": "amount"}})
    assert kind["statusCode"] == 404 and body_of(kind)["details"]["kind"] == "invoices"

    too_many = {"columns": {f"C{i}": "amount" for i in range(201)}}
    assert body_of(mapping_call(invoke, "PUT", "debts", too_many))["code"] == "too_many_columns"
    long_header = {"columns": {"x" * 257: "amount"}}
    assert body_of(mapping_call(invoke, "PUT", "debts", long_header))["code"] == "header_too_long"
    assert body_of(mapping_call(invoke, "PUT", "debts", {"columns": {}}))["code"] == "invalid_mapping"


def test_writing_needs_imports_write_and_reading_imports_read(invoke: Invoke, demo_data: str) -> None:
    reader = Principal(ADMIN.tenant_id, "key_reader", frozenset({"imports:read"}))
    refused = mapping_call(invoke, "PUT", "notes", {"columns": {"A": "caseId"}}, principal=reader)
    assert refused["statusCode"] == 403 and "imports:write" in body_of(refused)["message"]
    assert mapping_call(invoke, "DELETE", "notes", principal=reader)["statusCode"] == 403
    assert mapping_call(invoke, "GET", "notes", principal=reader)["statusCode"] == 404  # allowed, none saved
    writer = Principal(ADMIN.tenant_id, "key_writer", frozenset({"imports:write"}))
    assert mapping_call(invoke, "GET", "notes", principal=writer)["statusCode"] == 403


def test_a_drop_uses_the_tenant_mapping_first(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    # Given a notes mapping for headers no alias knows, and one that renames an alias ("Commentaire"
    # would be the description; the tenant's files use it for the agent's remark)
    columns = {"N° client": "caseId", "Compte rendu": "description", "Commentaire": "externalRef"}
    assert mapping_call(invoke, "PUT", "notes", {"columns": columns})["statusCode"] == 200

    # When a file with those headers is dropped
    key = f"imports/{demo_data}/notes/comptes-rendus.csv"
    content = (
        "n° CLIENT;Compte rendu;Commentaire;Agent\r\n"
        f"{CASE_A};Promesse de paiement;CRM-1;Léa\r\n"
        f"{CASE_B};Message laissé;CRM-2;Hugo\r\n"
    )
    (result,) = drop(invoke, moto_resources, key, content.encode())
    assert result["status"] == "queued", result
    drain_worker(invoke, moto_resources)

    # Then every row imports through the mapped columns, and the report shows the mapping it applied
    # and the column that filled nothing
    report = report_of(moto_resources, key)
    assert report["status"] == "completed" and report["counts"]["succeeded"] == 2
    assert report["column_mapping"] == {
        "n° CLIENT": "caseId",
        "Compte rendu": "description",
        "Commentaire": "externalRef",
    }
    assert report["ignored_columns"] == ["Agent"]
    notes = body_of(
        call(
            invoke,
            "GET",
            f"/cases/{CASE_A}/notes",
            resource="/cases/{id}/notes",
            path_parameters={"id": CASE_A},
        )
    )["results"]
    assert notes[0]["description"] == "Promesse de paiement" and notes[0]["externalRef"] == "CRM-1"

    # And GET /imports/{id} shows it too
    one = body_of(
        call(
            invoke,
            "GET",
            f"/imports/{result['import_id']}",
            resource="/imports/{id}",
            path_parameters={"id": result["import_id"]},
        )
    )
    assert one["column_mapping"] == report["column_mapping"]


def test_another_tenant_or_kind_keeps_the_aliases(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    # A debts mapping does not change how a notes file is read.
    assert mapping_call(invoke, "PUT", "debts", {"columns": {"Commentaire": "object"}})["statusCode"] == 200
    key = f"imports/{demo_data}/notes/aliases.csv"
    drop(invoke, moto_resources, key, f"Dossier;Commentaire\r\n{CASE_A};Appel\r\n".encode())
    drain_worker(invoke, moto_resources)
    report = report_of(moto_resources, key)
    assert report["status"] == "completed"
    assert report["column_mapping"] == {} and report["ignored_columns"] == []
    assert report["columns"]["mapped"] == {"Dossier": "caseId", "Commentaire": "description"}
