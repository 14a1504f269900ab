"""Saved column mappings: what a mapping may hold, and how it is applied before the aliases."""

from __future__ import annotations

from typing import Any

import pytest

from debtload.domain.errors import DomainError, NotFound
from debtload.domain.file_import import mappings
from debtload.domain.file_import.kinds import DEBTS, NOTES
from debtload.domain.file_import.mappings import ColumnMapping, parse_mapping
from debtload.domain.file_import.records import map_columns, to_record
from tests.fakes.import_mappings import InMemoryMappingStore


def refusal(kind: str, body: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        parse_mapping(kind, body)
    return caught.value


def test_headers_are_trimmed_and_kept_in_order() -> None:
    mapping = parse_mapping("debts", {"columns": {"  Nom client ": "lastname", "Solde": "amount"}})
    assert mapping.columns == (("Nom client", "lastname"), ("Solde", "amount"))


def test_an_unknown_field_names_it_and_lists_the_kind_fields() -> None:
    error = refusal("notes", {"columns": {"Dossier client": "caseId", "Texte libre": "body"}})
    assert error.status == 400 and error.code == "unknown_field"
    assert "'Texte libre' -> 'body'" in error.message
    assert error.details["unknown_fields"] == {"Texte libre": "body"}
    assert error.details["valid_fields"] == list(NOTES.fields)


def test_a_field_must_be_a_string_of_our_names_not_an_alias() -> None:
    assert refusal("debts", {"columns": {"X": "Montant"}}).code == "unknown_field"
    assert refusal("debts", {"columns": {"X": 3}}).code == "unknown_field"


def test_an_unknown_kind_is_not_found_and_lists_the_kinds() -> None:
    error = refusal("invoices", {"columns": {"A": "amount"}})
    assert isinstance(error, NotFound)
    assert error.details["valid_kinds"] == ["collections", "customers", "debts", "notes"]


@pytest.mark.parametrize(
    "body",
    [None, [], {"columns": {}}, {"columns": []}, {"columns": {"A": "amount"}, "extra": 1}, {"cols": {}}],
)
def test_the_body_must_be_a_non_empty_columns_object(body: Any) -> None:
    assert refusal("debts", body).code == "invalid_mapping"


def test_limits_have_their_own_errors() -> None:
    too_many = {f"Colonne {i}": "amount" for i in range(mappings.MAX_COLUMNS + 1)}
    assert refusal("debts", {"columns": too_many}).code == "too_many_columns"
    long_header = "x" * (mappings.MAX_HEADER_LENGTH + 1)
    assert refusal("debts", {"columns": {long_header: "amount"}}).code == "header_too_long"
    assert refusal("debts", {"columns": {"  ": "amount"}}).code == "invalid_mapping"
    assert refusal("debts", {"columns": {"***": "amount"}}).code == "invalid_mapping"


def test_headers_that_match_alike_are_one_column() -> None:
    error = refusal("debts", {"columns": {"Solde dû": "amount", "SOLDE DU": "amount"}})
    assert error.code == "duplicate_header" and "'Solde dû'" in error.message


def test_several_headers_may_name_one_field() -> None:
    mapping = parse_mapping("debts", {"columns": {"Client": "lastname", "Nom du client": "lastname"}})
    assert len(mapping.columns) == 2


def test_the_saved_mapping_comes_before_the_aliases() -> None:
    # Given a mapping of "Nom client" to lastname and "Total" to amount
    mapping = parse_mapping("debts", {"columns": {"nom client": "lastname", "Total": "amount"}})
    headers = ["Prénom", "NOM CLIENT", "Nom", "Montant", "TOTAL", "Devise", "Agence"]
    # When a file's header is mapped
    columns = map_columns(DEBTS, headers, mapping.index())
    # Then the mapped columns fill their fields (compared as the aliases are), and the alias columns
    # of those fields ("Nom", "Montant") fill nothing
    assert columns.mapped() == {
        "Prénom": "firstname",
        "NOM CLIENT": "lastname",
        "TOTAL": "amount",
        "Devise": "currency",
    }
    assert columns.unmapped() == ["Nom", "Montant", "Agence"]
    assert mapping.applied_to(headers) == {"NOM CLIENT": "lastname", "TOTAL": "amount"}
    record = to_record(DEBTS, columns, {"NOM CLIENT": "Martin", "Nom": "ignored", "TOTAL": "12,50"})
    assert record["lastname"] == "Martin" and record["amount"] == 12.5
    assert record["metadata"] == {"Nom": "ignored"}


def test_a_mapping_may_rename_an_alias() -> None:
    # "Référence" is an alias of internal_id; the tenant's files use it for the invoice number.
    mapping = parse_mapping("debts", {"columns": {"Référence": "object"}})
    columns = map_columns(DEBTS, ["Référence", "Montant"], mapping.index())
    assert columns.mapped() == {"Référence": "object", "Montant": "amount"}


def test_without_a_mapping_the_aliases_alone_apply() -> None:
    assert map_columns(DEBTS, ["Nom", "Montant"]).mapped() == {"Nom": "lastname", "Montant": "amount"}


def test_put_is_idempotent_get_reads_and_delete_answers_what_it_removed() -> None:
    store = InMemoryMappingStore()
    body = {"columns": {"Nom client": "lastname"}}
    first = mappings.save_mapping(store, "t1", "debts", body, "2026-12-05T09:00:00.000+00:00")
    again = mappings.save_mapping(store, "t1", "debts", body, "2026-12-05T10:00:00.000+00:00")
    assert again == first
    assert first == {
        "kind": "debts",
        "columns": {"Nom client": "lastname"},
        "updated_at": "2026-12-05T09:00:00.000+00:00",
    }
    assert store.writes == 1
    assert mappings.show_mapping(store, "t1", "debts") == first
    with pytest.raises(NotFound):
        mappings.show_mapping(store, "t2", "debts")  # another tenant's mapping is not this one's
    assert mappings.remove_mapping(store, "t1", "debts") == {**first, "deleted": True}
    with pytest.raises(NotFound):
        mappings.remove_mapping(store, "t1", "debts")
    with pytest.raises(NotFound):
        mappings.show_mapping(store, "t1", "debts")


def test_a_changed_body_replaces_the_whole_mapping() -> None:
    store = InMemoryMappingStore()
    mappings.save_mapping(store, "t1", "notes", {"columns": {"A": "caseId", "B": "description"}}, "t0")
    saved = mappings.save_mapping(store, "t1", "notes", {"columns": {"B": "description"}}, "t1")
    assert saved["columns"] == {"B": "description"} and saved["updated_at"] == "t1"
    assert store.get_mapping("t1", "notes") == ColumnMapping("notes", (("B", "description"),), "t1")
