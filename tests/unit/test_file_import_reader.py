"""The file import's reader, header matching, value normalisation and options: every format rule
and every bad-file case, without AWS."""

from __future__ import annotations

import io
import tracemalloc
from typing import Any

import pytest

from debtload.domain.file_import import reader
from debtload.domain.file_import.headers import header_key, unique_headers
from debtload.domain.file_import.kinds import COLLECTIONS, DEBTS, KIND_SPECS, NOTES, FieldType, to_collection
from debtload.domain.file_import.options import OptionProblem, read_options
from debtload.domain.file_import.processing import FileRowsProcessor
from debtload.domain.file_import.records import map_columns, missing_columns, normalise, to_record
from debtload.domain.jobs.model import Job, JobRow, JobStatus, RowOutcome


def read(data: bytes, **kwargs: Any) -> tuple[reader.Table, list[tuple[int, list[Any]]]]:
    table = reader.open_csv(io.BytesIO(data), **kwargs)
    return table, [(r.line, r.cells) for r in table.rows]


# --------------------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Prénom;Nom\nFrançois;Lefèvre\n".encode(), "utf-8-sig"),
        (b"\xef\xbb\xbf" + "Prénom;Nom\nFrançois;Lefèvre\n".encode(), "utf-8-sig"),
        ("Prénom;Nom\nFrançois;Lefèvre\n".encode("cp1252"), "cp1252"),
        ("Prénom;Nom\nFrançois;Lefèvre\n".encode("latin-1"), "cp1252"),
        ("Prénom\tNom\nFrançois\tLefèvre\n".encode("utf-16"), "utf-16"),
    ],
)
def test_encodings_are_detected(data: bytes, encoding: str) -> None:
    table, rows = read(data)
    assert table.encoding == encoding
    assert table.header == ["Prénom", "Nom"]
    assert rows == [(2, ["François", "Lefèvre"])]


def test_a_degree_sign_does_not_make_french_cp1252_iso8859_14() -> None:
    sample = "N° de prêt;Prénom;Nom\nLN-1;Hélène;Dupré\n".encode("cp1252")
    assert reader.detect_encoding(sample, complete=True) == "cp1252"


def test_a_cp1252_byte_after_a_utf8_looking_sample_is_read_as_cp1252() -> None:
    data = b"a;b\n" + b"x;y\n" * 20_000 + "Hélène;é\n".encode("cp1252")
    table, rows = read(data)
    assert table.encoding == "utf-8-sig"
    assert rows[-1] == (20_002, ["Hélène", "é"])


def test_bom_is_not_part_of_the_first_header() -> None:
    table, _ = read(b"\xef\xbb\xbfcaseId,description\n1,2\n")
    assert table.header == ["caseId", "description"]


# -------------------------------------------------------------------------------------- delimiters


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("a;b;c", ";"), ("a,b,c", ","), ("a\tb\tc", "\t"), ('"a,1";b;c', ";"), ("single", ",")],
)
def test_delimiter_is_sniffed_from_the_header(header: str, delimiter: str) -> None:
    assert reader.sniff_delimiter(header) == delimiter


def test_delimiter_override() -> None:
    table, rows = read(b"a|b\n1|2\n", delimiter=",")
    assert table.delimiter == "," and rows == [(2, ["1|2"])]


# ------------------------------------------------------------------------------ rows and line numbers


def test_quoted_fields_with_newlines_and_line_numbers() -> None:
    data = b'name;note\r\nA;"two\r\nlines"\r\nB;"three\nline\nnote"\r\nC;plain\r\n'
    _, rows = read(data)
    assert rows == [(2, ["A", "two\r\nlines"]), (4, ["B", "three\nline\nnote"]), (7, ["C", "plain"])]


def test_blank_lines_and_instruction_rows_before_the_header_are_skipped() -> None:
    table, rows = read(b"\n*Remplir les champs obligatoires\na;b\n1;2\n")
    assert table.header_line == 3
    assert table.leading_skipped == [(2, "instruction row")]
    assert rows == [(4, ["1", "2"])]


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        (["", "  ", None], "empty row"),
        ([], "empty row"),
        (["*Prénom", "Nom"], "instruction row"),
        (["", "* requis"], "instruction row"),
        (["Champs obligatoires : Prénom, Nom", ""], "instruction row"),
        (["(Obligatoire)", "facultatif"], "instruction row"),
        (["Required fields are marked", ""], "instruction row"),
        (["Jean", "paiement obligatoire avant le 15"], None),
        (["Jean", 12.5], None),
    ],
)
def test_skip_reasons(cells: list[Any], reason: str | None) -> None:
    assert reader.skip_reason(cells) == reason


def test_duplicate_and_blank_headers_get_names() -> None:
    assert unique_headers(["Nom", "", "Nom", "Nom"]) == ["Nom", "column 2", "Nom (2)", "Nom (3)"]


def test_csv_is_streamed_not_read_whole() -> None:
    """Reading rows of a 20 MB CSV one by one keeps memory far below the file's size."""

    class Lines(io.RawIOBase):
        def __init__(self) -> None:
            self.buffer = b"caseId;description;eventDate\n"
            self.count = 0

        def readable(self) -> bool:
            return True

        def readinto(self, target: Any) -> int:
            while len(self.buffer) < len(target) and self.count < 400_000:
                self.buffer += b"0f8fad5b-d9cb-469f-a165-70867728950e;Rappel client effectue;01/02/2026\n"
                self.count += 1
            n = min(len(target), len(self.buffer))
            target[:n] = self.buffer[:n]
            self.buffer = self.buffer[n:]
            return n

    tracemalloc.start()
    table = reader.open_csv(io.BufferedReader(Lines()))
    rows = sum(1 for _ in table.rows)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rows == 400_000
    assert peak < 5_000_000  # the file is ~29 MB


# ------------------------------------------------------------------------------------ bad files


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\r\n \r\n", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (bytes(range(256)) * 50, "not text"),
        (b"PK\x03\x04\x14\x00", "rename it to .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "password-protected"),
        (b"*instructions only\n\n", "no header row"),
    ],
)
def test_bad_csv_files(data: bytes, message: str) -> None:
    with pytest.raises(reader.BadFile, match=message):
        read(data)


def test_binary_garbage_after_a_text_start_fails_the_read() -> None:
    data = b"a;b\n1;2\n" + b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 50 + b"\n"
    table = reader.open_csv(io.BytesIO(data))
    with pytest.raises(reader.BadFile, match="binary"):
        list(table.rows)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.csv", "csv"), ("A.CSV", "csv"), ("a.tsv", "csv"), ("a.txt", "csv"), ("a.xlsx", "excel")],
)
def test_file_formats(name: str, fmt: str) -> None:
    assert reader.file_format(name) == fmt


@pytest.mark.parametrize("name", ["a.pdf", "a.json", "a", "a.csv.gz", "a.numbers"])
def test_wrong_extensions(name: str) -> None:
    with pytest.raises(reader.BadFile, match="Unsupported file type"):
        reader.file_format(name)


def test_excel_files_that_cannot_be_read(tmp_path: Any) -> None:
    cases = {
        "empty.xlsx": (b"", "empty"),
        "corrupt.xlsx": (b"PK\x03\x04garbage", "cannot be read"),
        "encrypted.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000, "password-protected"),
        "text.xlsx": (b"a,b\n1,2\n", "cannot be read"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(reader.BadFile, match=message):
            reader.open_excel(str(path))


def test_excel_values_from_cell_types() -> None:
    from datetime import date, datetime

    assert reader.excel_value(12.0) == 12
    assert reader.excel_value(12.5) == 12.5
    assert reader.excel_value(datetime(2026, 2, 1)) == "2026-02-01"
    assert reader.excel_value(datetime(2026, 2, 1, 9, 30)) == "2026-02-01T09:30:00"
    assert reader.excel_value(date(2026, 2, 1)) == "2026-02-01"
    assert reader.excel_value("x") == "x"


def test_xlsx_first_sheet_with_typed_cells(tmp_path: Any) -> None:
    from tests.workbooks import xlsx_bytes

    path = tmp_path / "a.xlsx"
    path.write_bytes(xlsx_bytes([["Montant", "Date"], [1234.56, ("date", 46054)], [None, None], [10, "x"]]))
    table = reader.open_excel(str(path))
    assert table.header == ["Montant", "Date"] and table.sheet == "Relances"
    rows = [(r.line, r.cells) for r in table.rows]
    assert rows[0] == (2, [1234.56, "2026-02-01"])
    assert rows[-1] == (4, [10, "x"])


# -------------------------------------------------------------------------------- header matching


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Prénom", "firstname"),
        ("PRENOM", "firstname"),
        (" prénom ", "firstname"),
        ("first_name", "firstname"),
        ("Nom", "lastname"),
        ("Montant", "amount"),
        ("Téléphone", "phone"),
        ("Portable", "phone"),
        ("Devise", "currency"),
        ("Date d'échéance", "due_date"),
        ("DATE D ECHEANCE", "due_date"),
        ("due-date", "due_date"),
        ("IBAN", "iban"),
        ("Référence", "internal_id"),
        ("E-mail", "email"),
        ("Civilité", "civility"),
        ("Date de facture", "invoice_date"),
        ("Code postal", "postal_code"),
        ("Société", "company"),
    ],
)
def test_debts_headers_match_without_case_accents_or_spacing(header: str, field: str) -> None:
    columns = map_columns(DEBTS, [header])
    assert columns.fields == (field,)


def test_header_key() -> None:
    assert header_key("Date d'échéance") == header_key("DATE D ECHEANCE") == "datedecheance"
    assert map_columns(DEBTS, ["date_echeance"]).fields == ("due_date",)


def test_aliases_are_unambiguous_within_each_kind() -> None:
    for spec in KIND_SPECS.values():
        seen: dict[str, str] = {}
        for name, field in spec.fields.items():
            for alias in (name, *field.aliases):
                key = header_key(alias)
                assert seen.setdefault(key, name) == name, (spec.kind, alias, seen[key], name)


def test_missing_required_columns_are_named() -> None:
    columns = map_columns(DEBTS, ["Prénom", "Montant", "Devise"])
    problems = missing_columns(DEBTS, columns)
    assert problems[0].startswith("column 'lastname' is missing (also accepted: Nom")
    assert "one of the columns 'phone' or 'email' is required" in problems[1]
    assert missing_columns(NOTES, map_columns(NOTES, ["Dossier", "Note"])) == []


# ------------------------------------------------------------------------------------- normalising


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        (FieldType.NUMBER, "1 234,56", 1234.56),
        (FieldType.NUMBER, "1\u00a0234,56", 1234.56),
        (FieldType.NUMBER, "1\u202f234", 1234),
        (FieldType.NUMBER, "12,5", 12.5),
        (FieldType.NUMBER, "1.234,50", 1234.5),
        (FieldType.NUMBER, "99.99", 99.99),
        (FieldType.NUMBER, "45,00 €", 45),
        (FieldType.NUMBER, "abc", "abc"),  # left for the kind's validation to reject
        (FieldType.NUMBER, 12.5, 12.5),
        (FieldType.INTEGER, "12", 12),
        (FieldType.DATE, "15/02/2026", "2026-02-15"),
        (FieldType.DATE, "5/2/2026", "2026-02-05"),
        (FieldType.DATE, "2026-02-15", "2026-02-15"),
        (FieldType.DATE, "15/02/2026 00:00", "2026-02-15"),
        (FieldType.DATE, "31/02/2026", "31/02/2026"),
        (FieldType.DATETIME, "01/02/2026", "2026-02-01T00:00:00"),
        (FieldType.DATETIME, "01/02/2026 09:30", "2026-02-01T09:30:00"),
        (FieldType.DATETIME, "2026-02-01T09:30:00Z", "2026-02-01T09:30:00Z"),
        (FieldType.BOOLEAN, "Oui", True),
        (FieldType.BOOLEAN, "non", False),
        (FieldType.TEXT, 612345678, "612345678"),
        (FieldType.TEXT, "  x ", "x"),
    ],
)
def test_values_are_normalised_to_the_api_formats(kind: FieldType, raw: Any, value: Any) -> None:
    assert normalise(kind, raw) == value


def test_record_keeps_unknown_columns_in_metadata_and_skips_empty_cells() -> None:
    columns = map_columns(DEBTS, ["Prénom", "Nom", "Montant", "Téléphone", "Portable", "Agence", "Email"])
    record = to_record(
        DEBTS,
        columns,
        {
            "Prénom": "Jean",
            "Nom": "Dupont",
            "Montant": "1 000,50",
            "Téléphone": "0612345678",
            "Portable": "0698765432",
            "Agence": "Lyon",
            "Email": "",
        },
    )
    assert record == {
        "firstname": "Jean",
        "lastname": "Dupont",
        "amount": 1000.5,
        "phone": "0612345678",
        "metadata": {"Portable": "0698765432", "Agence": "Lyon"},
    }


def test_notes_type_defaults_to_zero() -> None:
    record = to_record(
        NOTES, map_columns(NOTES, ["caseId", "description"]), {"caseId": "x", "description": "y"}
    )
    assert record == {"type": 0, "caseId": "x", "description": "y"}


def test_collections_rows_become_the_nested_api_shape() -> None:
    flat = {
        "amount": 500,
        "mandate_reference": "ABC123DEF",
        "mandate_scheme": "core",
        "signature_date": "2022-12-01",
        "debtor_name": "John Doe",
        "debtor_iban": "FR2512739000308553756377J95",
        "street": "rue de la Boétie",
        "building_number": "42",
        "postal_code": "75008",
        "city": "Paris",
        "country": "FR",
        "contract_reference": "CUST-1234",
        "scheduled_date": "2022-12-05",
        "local_iban": "FR6430003000509825397888D64",
        "message": "invoice no12345",
        "end_to_end_id": "b0bfb42baa2642c2af0ca3e880fcd590",
        "internal_note": "phone bill",
        "custom_id": "637406efda8534de8c0e",
        "custom_metadata": "This is some metadata",
    }
    assert to_collection(flat) == {
        "amount": 500,
        "mandate": {
            "reference": "ABC123DEF",
            "scheme": "core",
            "signature_date": "2022-12-01",
            "debtor": {
                "name": "John Doe",
                "iban": "FR2512739000308553756377J95",
                "address": {
                    "street": "rue de la Boétie",
                    "building_number": "42",
                    "postal_code": "75008",
                    "city": "Paris",
                    "country": "FR",
                },
            },
            "contract_reference": "CUST-1234",
        },
        "scheduled_date": "2022-12-05",
        "local_iban": "FR6430003000509825397888D64",
        "message": "invoice no12345",
        "end_to_end_id": "b0bfb42baa2642c2af0ca3e880fcd590",
        "internal_note": "phone bill",
        "custom_id": "637406efda8534de8c0e",
        "custom_metadata": "This is some metadata",
    }
    headers = ["Montant", "RUM", "Débiteur", "IBAN", "Date de prélèvement"]
    record = to_record(
        COLLECTIONS,
        map_columns(COLLECTIONS, headers),
        dict(zip(headers, ["12,50", "M-1", "Jean", "FR76...", "05/12/2026"], strict=True)),
    )
    assert record == {
        "amount": 1250,  # "Montant" is in euros; the API's amount is in cents
        "scheduled_date": "2026-12-05",
        "mandate": {"reference": "M-1", "debtor": {"name": "Jean", "iban": "FR76..."}},
    }


# ------------------------------------------------------------------------------------------ options


def test_options_from_metadata() -> None:
    options = read_options(
        "customers",
        {
            "initiate-call": "true",
            "agent-id": "agent-7",
            "disposition-id": "d-1",
            "accept-expensive-destination": "oui",
        },
    )
    assert options.job == {
        "accept_expensive_destination": True,
        "initiateCall": True,
        "callConfig": {"agentId": "agent-7", "dispositionId": "d-1"},
    }
    debts = read_options("debts", {"batch-name": "Relances", "delimiter": "tab", "encoding": "cp1252"})
    assert debts.job == {"batch_name": "Relances"} and debts.delimiter == "\t" and debts.encoding == "cp1252"


@pytest.mark.parametrize(
    ("kind", "metadata", "message"),
    [
        ("customers", {"initiate-call": "true"}, "needs x-amz-meta-agent-id"),
        ("debts", {"accept-expensive-destination": "maybe"}, "must be true or false"),
        ("notes", {"batch-name": "x"}, "does not apply to notes"),
        ("debts", {"delimiter": "|"}, "must be ; , or tab"),
        ("debts", {"encoding": "klingon"}, "unknown encoding"),
    ],
)
def test_bad_options(kind: str, metadata: dict[str, str], message: str) -> None:
    with pytest.raises(OptionProblem, match=message):
        read_options(kind, metadata)


# ------------------------------------------------------------------------------ the worker wrapper


class Recorder:
    def __init__(self) -> None:
        self.rows: list[JobRow] = []

    def process(self, job: Job, rows: Any) -> list[RowOutcome]:
        self.rows.extend(rows)
        return [RowOutcome(r.row, r.data["caseId"] != "bad", r.data, error="no") for r in rows]


def _job(source: str, options: dict[str, Any]) -> Job:
    return Job("t", "j", "notes", source, JobStatus.IN_PROGRESS, 3, options=options)


def test_wrapper_maps_rows_and_keeps_the_file_cells_in_outcomes() -> None:
    inner = Recorder()
    options = {"columns": ["Dossier", "Note", "Type"], "fields": ["caseId", "description", "type"]}
    rows = [
        JobRow(2, {"Dossier": "ok", "Note": "x"}),
        JobRow(3, {"Dossier": "bad", "Note": "y"}),
        JobRow(4, {"Dossier": "ok", "Note": "z", "__error__": "too wide"}),
        JobRow(5, {"Dossier": "ok", "Note": "z", "Type": "2"}),
    ]
    outcomes = FileRowsProcessor(inner, NOTES).process(_job("s3", options), rows)
    assert [(o.row, o.ok, o.error) for o in outcomes] == [
        (2, True, "no"),
        (3, False, "no"),
        (4, False, "too wide"),
        (5, False, "type 2 is not supported; only 0 (Note) is"),
    ]
    assert inner.rows[0].data == {"type": 0, "caseId": "ok", "description": "x"}
    assert outcomes[1].data == {"Dossier": "bad", "Note": "y"}


def test_wrapper_leaves_api_jobs_alone() -> None:
    inner = Recorder()
    rows = [JobRow(0, {"caseId": "ok"})]
    FileRowsProcessor(inner, NOTES).process(_job("api", {}), rows)
    assert inner.rows == rows


# ------------------------------------------------------------------------------------ hostile files


def _open_in_child(path: str) -> tuple[int, str]:
    """open_excel in its own process: calamine's allocation failure aborts the process it runs in."""
    import subprocess
    import sys

    code = (
        "import sys; sys.path.insert(0, 'layers/core')\n"
        "from debtload.domain.file_import import reader\n"
        "try:\n"
        f"    reader.open_excel({path!r})\n"
        "    print('OPENED')\n"
        "except reader.BadFile as e:\n"
        "    print('BADFILE', e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120
    )
    return done.returncode, done.stdout


@pytest.mark.parametrize(
    ("dimension", "far_cell"),
    [("A1:XFD1048576", "XFD1048576"), (None, "XFD1048576"), ("A1:B2", "XFD1048576"), (None, "B300000")],
)
def test_a_workbook_with_a_far_cell_is_refused_before_calamine_loads_it(
    tmp_path: Any, dimension: str | None, far_cell: str
) -> None:
    from tests.hostile_files import far_cell_xlsx

    path = tmp_path / "far.xlsx"
    path.write_bytes(far_cell_xlsx(dimension, far_cell))
    assert len(path.read_bytes()) < 2048
    returncode, out = _open_in_child(str(path))
    assert returncode == 0, f"the reader's process died ({returncode}): {out}"
    assert out.startswith("BADFILE Worksheet sheet1"), out
    assert "200,000 rows and 200 columns" in out


def test_a_workbook_within_the_limits_still_opens(tmp_path: Any) -> None:
    from tests.hostile_files import far_cell_xlsx

    path = tmp_path / "near.xlsx"
    path.write_bytes(far_cell_xlsx("A1:GR1000", "GR1000"))  # column 200, row 1,000
    table = reader.open_excel(str(path))
    assert table.header[0] == "Dossier"


def test_a_zip_bomb_workbook_is_refused_by_its_unpacked_size(tmp_path: Any, monkeypatch: Any) -> None:
    from debtload.domain.file_import import workbook_limits
    from tests.hostile_files import zip_bomb_xlsx

    monkeypatch.setattr(workbook_limits, "MAX_UNCOMPRESSED_BYTES", 8 * 1024 * 1024)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_bomb_xlsx(16 * 1024 * 1024))
    with pytest.raises(reader.BadFile, match="unpacks to more than"):
        workbook_limits.check_workbook(str(path))


def test_a_csv_line_longer_than_the_cap_is_refused_without_buffering_it() -> None:
    from tests.hostile_files import long_line_csv

    data = long_line_csv(8 * 1024 * 1024)
    tracemalloc.start()
    try:
        table = reader.open_csv(io.BytesIO(data))
        with pytest.raises(reader.BadFile, match=r"Line 2 is longer than 1,048,576 characters"):
            list(table.rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 6 * 1024 * 1024  # the 8 MB line was never held whole


def test_a_header_line_longer_than_the_cap_is_refused() -> None:
    with pytest.raises(reader.BadFile, match=r"Line 1 is longer than"):
        reader.open_csv(io.BytesIO(b"a;" * (600 * 1024)))
