"""POST /imports/{id}/undo through the api function (and the worker for a file) against moto."""

from __future__ import annotations

from typing import Any

from tests.conftest import MotoResources
from tests.helpers import body_of, call, drain_worker
from tests.integration.conftest import Invoke
from tests.integration.test_file_import import CASE_A, CASE_B, DEBTS_CSV, drop


def _row(internal_id: str, amount: str) -> dict[str, Any]:
    return {
        "firstname": "Marie",
        "lastname": "Martin",
        "phone": "0612345678",
        "amount": amount,
        "currency": "EUR",
        "internal_id": internal_id,
    }


def _batch(invoke: Invoke, key: str, rows: list[dict[str, Any]]) -> str:
    answer = body_of(
        call(invoke, "POST", "/debts/batch", body={"debts": rows}, headers={"Idempotency-Key": key})
    )
    return str(answer["data"]["import_id"])


def _undo(invoke: Invoke, import_id: str, **kwargs: Any) -> dict[str, Any]:
    return call(
        invoke,
        "POST",
        f"/imports/{import_id}/undo",
        resource="/imports/{id}/undo",
        path_parameters={"id": import_id},
        **kwargs,
    )


def _listed(invoke: Invoke, import_id: str) -> list[dict[str, Any]]:
    return list(body_of(call(invoke, "GET", "/debts", query={"import_id": import_id}))["results"])


def test_undoing_an_api_batch_restores_what_it_updated_and_keeps_what_was_patched(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    # Given a batch A creating three debts, and a batch B updating INV-1 and creating INV-9
    first = _batch(invoke, "undo-a", [_row("INV-1", "100"), _row("INV-2", "200"), _row("INV-3", "300")])
    second = _batch(invoke, "undo-b", [_row("INV-1", "150"), _row("INV-9", "900")])
    # and INV-3 patched after A
    inv3 = next(d for d in _listed(invoke, first) if d["internal_id"] == "INV-3")
    patched = call(invoke, "PATCH", f"/debts/{inv3['id']}", resource="/debts/{id}", body={"amount": 310})
    assert patched["statusCode"] == 200, patched

    # When B is undone (a dry run first)
    dry = _undo(invoke, second, query={"dry_run": "true"})
    assert dry["statusCode"] == 200 and body_of(dry)["status"] == "dry_run"
    assert len(_listed(invoke, second)) == 2
    undone = _undo(invoke, second)
    assert undone["statusCode"] == 200, undone
    assert body_of(undone)["undone"] == {"debts": 2, "customers": 0, "notes": 0, "collections": 0}

    # Then B lists nothing and INV-1 is A's again, at its amount
    assert _listed(invoke, second) == []
    amounts = {d["internal_id"]: d["amount"] for d in _listed(invoke, first)}
    assert amounts == {"INV-1": 100, "INV-2": 200, "INV-3": 310}

    # And undoing A deletes INV-1 and INV-2, keeping the patched INV-3
    answer = body_of(_undo(invoke, first, headers={"Idempotency-Key": "undo-a-1"}))
    assert answer["undone"]["debts"] == 2
    assert answer["kept"] == [{"kind": "debt", "id": inv3["id"], "reason": "changed_after_import"}]
    assert [d["internal_id"] for d in _listed(invoke, first)] == ["INV-3"]
    # Undoing twice answers the same and writes nothing
    assert body_of(_undo(invoke, first)) == answer
    # An unknown import is a 404
    assert _undo(invoke, "no-such-import")["statusCode"] == 404


def test_undoing_a_debts_file_empties_its_debts_and_marks_the_import(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    key = f"imports/{demo_data}/debts/undo me.csv"
    (result,) = drop(invoke, moto_resources, key, DEBTS_CSV.encode("cp1252"))
    assert result["status"] == "queued", result
    drain_worker(invoke, moto_resources)
    import_id = result["import_id"]
    assert len(_listed(invoke, import_id)) == 2

    answer = body_of(_undo(invoke, import_id))
    assert answer["undone"]["debts"] == 2 and answer["status"] == "undone"
    assert _listed(invoke, import_id) == []
    record = body_of(
        call(
            invoke,
            "GET",
            f"/imports/{import_id}",
            resource="/imports/{id}",
            path_parameters={"id": import_id},
        )
    )
    assert record["undone_at"] == answer["undone_at"] and record["status"] == "completed_with_errors"


def test_undoing_a_collections_file_cancels_the_confirmed_and_keeps_the_exported(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    # Given a collections file of two collections, the first one exported since
    settings = {"sepa_creditor_id": "FR72ZZZ123456", "creditor_name": "Acme"}
    assert call(invoke, "PATCH", "/settings", body=settings)["statusCode"] == 200
    content = (
        "RUM;Schéma;Date de signature;Débiteur;IBAN;Montant;Date de prélèvement;IBAN créancier;Libellé\r\n"
        "M-1;core;01/12/2022;Jean Dupont;FR2512739000308553756377J95;12,50;05/12/2099;FR6430003000509825397888D64;F1\r\n"
        "M-2;core;01/12/2022;Marie Martin;FR2512739000308553756377J95;30;05/12/2100;FR6430003000509825397888D64;F2\r\n"
    ).encode("cp1252")
    (result,) = drop(invoke, moto_resources, f"imports/{demo_data}/collections/undo.csv", content)
    assert result["status"] == "queued", result
    drain_worker(invoke, moto_resources)
    exported = body_of(call(invoke, "POST", "/collections/exports", body={"date": "2099-12-31"}))
    assert exported["collections"] == 1, exported

    # When the import is undone
    answer = body_of(_undo(invoke, result["import_id"]))

    # Then the confirmed one is canceled and the exported one kept
    assert answer["undone"]["collections"] == 1 and answer["undone"]["debts"] == 0
    assert [k["reason"] for k in answer["kept"]] == ["exported"]
    listed = body_of(
        call(
            invoke,
            "GET",
            f"/collections/bulks/{result['import_id']}/collections",
            resource="/collections/bulks/{id}/collections",
        )
    )["results"]
    assert sorted(c["status"] for c in listed) == ["canceled", "exported"]


def _notes(invoke: Invoke, case_id: str) -> list[dict[str, Any]]:
    return list(
        body_of(
            call(
                invoke,
                "GET",
                f"/cases/{case_id}/notes",
                resource="/cases/{id}/notes",
                path_parameters={"id": case_id},
            )
        )["results"]
    )


def test_undoing_a_notes_file_deletes_the_notes_it_wrote_and_not_the_ones_already_there(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    # Given a note CRM-1 posted before, then a notes file repeating CRM-1 and adding CRM-2
    before = call(
        invoke,
        "POST",
        f"/cases/{CASE_A}/notes",
        resource="/cases/{id}/notes",
        path_parameters={"id": CASE_A},
        body={"description": "Appel", "externalRef": "CRM-1"},
    )
    assert before["statusCode"] in (200, 201), before
    content = (
        "Dossier;Commentaire;Date;Référence\r\n"
        f"{CASE_A};Appel : promesse de paiement;01/02/2026;CRM-1\r\n"
        f"{CASE_B};Message laissé;02/02/2026;CRM-2\r\n"
    ).encode("cp1252")
    (result,) = drop(invoke, moto_resources, f"imports/{demo_data}/notes/undo.csv", content)
    assert result["status"] == "queued", result
    drain_worker(invoke, moto_resources)
    assert len(_notes(invoke, CASE_B)) == 1

    # When the import is undone
    answer = body_of(_undo(invoke, result["import_id"]))

    # Then CRM-2 is gone and CRM-1, there before the file, stays
    assert answer["undone"]["notes"] == 1 and answer["kept"] == []
    assert _notes(invoke, CASE_B) == []
    assert [n["externalRef"] for n in _notes(invoke, CASE_A)] == ["CRM-1"]


def test_undoing_a_customers_file_removes_the_customers_it_added_only(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    from debtload.adapters.dynamodb.campaigns import DynamoCampaignStore
    from debtload.adapters.dynamodb.table import DynamoTable

    campaign = call(invoke, "POST", "/campaigns", body={"name": "Undo", "service_type": "debt_collection"})
    campaign_id = body_of(campaign)["id"]
    header = "N° de prêt;Prénom;Nom;Portable;Montant du prêt;Date d'échéance\r\n"
    # Given a first file adding LN-9, then a second adding LN-1 and updating LN-9
    first_csv = header + "LN-9;Marie;Martin;06 12 34 56 79;800;05/04/2026\r\n"
    second_csv = first_csv + "LN-1;Jean;Dupont;06 12 34 56 78;1 250,50;05/04/2026\r\n"
    imports = []
    for name, content in (("first.csv", first_csv), ("second.csv", second_csv)):
        key = f"imports/{demo_data}/customers/{campaign_id}/{name}"
        (result,) = drop(invoke, moto_resources, key, content.encode("cp1252"))
        assert result["status"] == "queued", result
        drain_worker(invoke, moto_resources)
        imports.append(result["import_id"])
    store = DynamoCampaignStore(DynamoTable(moto_resources.table_name))

    # When the second is undone, then LN-1 is gone and LN-9, there before it, stays
    second = body_of(_undo(invoke, imports[1]))
    assert second["undone"]["customers"] == 1 and second["kept"] == []
    assert store.get_customer(demo_data, campaign_id, "LN-1") is None
    assert store.get_customer(demo_data, campaign_id, "LN-9") is not None

    # When the first is undone, LN-9 is kept: the second import wrote it last
    first = body_of(_undo(invoke, imports[0]))
    assert first["undone"]["customers"] == 0
    assert first["kept"] == [{"kind": "customer", "id": "LN-9", "reason": "changed_after_import"}]
