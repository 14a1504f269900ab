"""Resubmitting the failed rows: a corrected errors.csv is recognised by its last two columns, read
without them, with its neutralised cells restored; errors.csv and GET /jobs/{id}/rows as CSV come
from one writer. Without AWS."""

from __future__ import annotations

import io
from typing import Any

import pytest

from debtload.domain.file_import import reader
from debtload.domain.file_import.kinds import DEBTS
from debtload.domain.file_import.records import map_columns, to_record
from debtload.domain.file_import.report import errors_csv_layout
from debtload.domain.file_import.resubmit import Resubmission, detect, restore
from debtload.domain.spreadsheet_csv import BOM, RowsCsvWriter, neutralise, row_outcomes_csv

FAILED = [
    {
        "row": 3,
        "data": {"Prénom": "Jean", "Montant": "-5", "Portable": "+33612345678"},
        "error": "amount: bad",
    },
    {"row": 7, "data": {"Prénom": "=cmd()", "Montant": "10"}, "error": "phone: missing"},
]


@pytest.mark.parametrize(
    "header",
    [
        ["Prénom", "line", "error"],
        ["Prénom", "Nom", "Line", "Error"],
        ["Prénom", " LINE ", "ERROR"],
        ["Prénom", "row", "error"],  # GET /jobs/{id}/rows of a job that was not a file
    ],
)
def test_a_header_ending_in_line_and_error_is_a_resubmission(header: list[str]) -> None:
    found = detect(header)
    assert found is not None
    assert found.width == len(header) - 2 and found.ignored == tuple(header[-2:])
    assert found.header(header) == header[:-2]


@pytest.mark.parametrize(
    "header",
    [
        ["line", "error"],  # no data column
        ["Prénom", "error", "line"],  # the order errors.csv writes is line, then error
        ["Prénom", "line", "error", "Nom"],  # not the last two
        ["Prénom", "error"],
        ["Prénom", "ligne", "erreur"],
        ["Prénom", "line", "error (2)"],
    ],
)
def test_other_headers_are_ordinary_files(header: list[str]) -> None:
    assert detect(header) is None


def test_the_line_and_error_cells_are_dropped_and_extra_cells_kept() -> None:
    found = Resubmission(2, ("line", "error"))
    assert found.cells(["Jean", "'+33612345678", "4", "phone: bad"]) == ["Jean", "+33612345678"]
    assert found.cells(["Jean"]) == ["Jean"]  # a short row stays short
    assert found.cells(["Jean", "x", "4", "e", "extra"]) == ["Jean", "x", "extra"]  # still too wide


@pytest.mark.parametrize("value", ["=SUM(A1)", "+33612345678", "-5", "@x", "\tx", "plain", "'quoted", ""])
def test_restore_undoes_neutralise(value: str) -> None:
    assert restore(neutralise(value)) == value


def test_restore_leaves_other_values() -> None:
    assert restore(12) == 12 and restore(None) is None and restore("'abc") == "'abc"


def test_errors_csv_and_the_rows_csv_share_one_layout() -> None:
    record = {"columns": ["Prénom", "Montant", "Portable"], "delimiter": ";"}
    columns, delimiter = errors_csv_layout(record)
    spooled = io.StringIO()
    writer = RowsCsvWriter(spooled, columns, delimiter=delimiter, position="line")
    for outcome in FAILED:
        writer.write(outcome)
    assert row_outcomes_csv(FAILED, delimiter, columns, position="line") == spooled.getvalue()
    assert spooled.getvalue() == (
        BOM + "Prénom;Montant;Portable;line;error\r\n"
        "Jean;'-5;'+33612345678;3;amount: bad\r\n"
        "'=cmd();10;;7;phone: missing\r\n"
    )
    assert errors_csv_layout({"columns": ["a"], "delimiter": "\t"}) == (["a"], ",")


def test_a_job_without_file_columns_lists_its_data_columns_then_row_and_error() -> None:
    outcomes: list[dict[str, Any]] = [
        {"row": 0, "data": {"caseId": "x", "error": "sent"}, "error": "unknown case"},
        {"row": 1, "data": {"caseId": "y", "description": "d"}, "error": ""},
    ]
    assert row_outcomes_csv(outcomes) == (
        BOM + "caseId,description,row,error\r\nx,,0,unknown case\r\ny,d,1,\r\n"
    )


def test_a_written_errors_csv_reads_back_as_the_rows_it_lists() -> None:
    columns = ["Prénom", "Nom", "Montant", "Devise", "Portable", "Référence"]
    failed = [
        {
            "row": 4,
            "data": {"Prénom": "Léa", "Nom": "Roux", "Montant": "12,50", "Devise": "EUR",
                     "Portable": "+33612345678", "Référence": "R-1"},
            "error": "phone: bad; amount: bad",
        }
    ]  # fmt: skip
    text = row_outcomes_csv(failed, ";", columns, position="line")
    table = reader.open_csv(io.BytesIO(text.encode("utf-8")))
    found = detect(table.header)
    assert found is not None
    header = found.header(table.header)
    assert header == columns
    (row,) = list(table.rows)
    cells = found.cells(row.cells)
    assert dict(zip(header, cells, strict=True)) == failed[0]["data"]
    spec_columns = map_columns(DEBTS, header)
    assert spec_columns.unmapped() == []  # line and error are not reported as ignored columns
    record = to_record(DEBTS, spec_columns, dict(zip(header, cells, strict=True)))
    assert record["phone"] == "+33612345678" and record["amount"] == 12.5 and record["internal_id"] == "R-1"
    assert "metadata" not in record
