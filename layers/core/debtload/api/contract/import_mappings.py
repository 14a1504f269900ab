"""PUT, GET and DELETE /import-mappings/{kind}: a tenant's saved column mapping for a file kind."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, Field

from debtload.api.contract.imports import TAG, TAG_DESCRIPTION
from debtload.api.contract.operation import Operation, Reply
from debtload.domain.file_import.mappings import MAX_COLUMNS, MAX_HEADER_LENGTH

__all__ = ["OPERATIONS", "TAG", "TAG_DESCRIPTION"]

Kind = Literal["debts", "collections", "notes", "customers"]


class ColumnMappingRequest(BaseModel):
    """The whole mapping: it replaces the one saved before."""

    columns: dict[str, str] = Field(
        description=f"Your header -> our field, 1 to {MAX_COLUMNS} columns. Headers are trimmed and "
        "matched as the built-in names are (case, accents, spacing and punctuation ignored), each at "
        f"most {MAX_HEADER_LENGTH} characters; two headers that match alike are refused. A field must be "
        "one of the kind's fields (a 400 `unknown_field` lists them); several headers may name one field.",
        min_length=1,
        max_length=MAX_COLUMNS,
    )


class ColumnMapping(BaseModel):
    kind: Kind = Field(description="The file kind it applies to.")
    columns: dict[str, str] = Field(description="Your header -> our field, in the order saved.")
    updated_at: str | None = Field(None, description="When these columns were saved, ISO 8601 in UTC.")


class RemovedColumnMapping(ColumnMapping):
    deleted: Literal[True] = Field(description="Always true: the mapping is gone.")


EXAMPLE: Final = {
    "kind": "debts",
    "columns": {"Nom client": "lastname", "Prénom client": "firstname", "Solde restant": "amount"},
    "updated_at": "2026-12-05T09:30:00.000+00:00",
}
WHAT = (
    "A saved mapping is applied to the tenant's drops of that kind before the built-in French and English "
    "column names: a column it names fills its field, and no other column fills that field. The report "
    "shows it as `column_mapping` (the columns it filled) beside `ignored_columns` (the columns that "
    "filled no field, kept in each row's metadata). An unknown kind is a 404 listing the kinds."
)

OPERATIONS = {
    ("PUT", "/import-mappings/{kind}"): Operation(
        operation_id="putImportMapping",
        tag=TAG,
        summary="Save the column mapping of a file kind",
        description="Replaces the kind's mapping with these columns; the same body again changes nothing "
        "and answers the same mapping (its `updated_at` included). Errors name the problem: "
        "`unknown_field` (with `valid_fields`), `too_many_columns`, `header_too_long`, `duplicate_header`, "
        f"`invalid_mapping`. {WHAT} Needs the `imports:write` scope.",
        responses={200: Reply("The mapping, as saved.", ColumnMapping, EXAMPLE)},
        errors=(400, 404),
        request=ColumnMappingRequest,
        request_example={"columns": EXAMPLE["columns"]},
    ),
    ("GET", "/import-mappings/{kind}"): Operation(
        operation_id="getImportMapping",
        tag=TAG,
        summary="Read the column mapping of a file kind",
        description=f"The saved mapping; 404 when the kind has none. {WHAT} Needs the `imports:read` scope.",
        responses={200: Reply("The saved mapping.", ColumnMapping, EXAMPLE)},
        errors=(404,),
    ),
    ("DELETE", "/import-mappings/{kind}"): Operation(
        operation_id="deleteImportMapping",
        tag=TAG,
        summary="Remove the column mapping of a file kind",
        description="Removes the mapping and answers what it was; 404 when the kind has none. Drops after "
        "this use the built-in column names only. Needs the `imports:write` scope.",
        responses={200: Reply("The mapping removed.", RemovedColumnMapping, {**EXAMPLE, "deleted": True})},
        errors=(404,),
    ),
}
