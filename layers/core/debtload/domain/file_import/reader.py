"""Reading a dropped file as a stream of rows: CSV (any of , ; TAB, quoted fields with newlines,
UTF-8 / UTF-8 with BOM / UTF-16 / cp1252) and Excel workbooks (the first sheet, through calamine).

A CSV is decoded as it is read, so memory does not grow with the file. Each row carries the line it
starts on, which is what a person sees in their editor. Problems with the whole file raise BadFile
with a sentence a person can act on; problems with one row travel with that row.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from debtload.domain.file_import.headers import unique_headers
from debtload.domain.skipped_rows import skip_reason

SAMPLE_BYTES = 64 * 1024
READ_BYTES = 256 * 1024
CSV_EXTENSIONS = frozenset({".csv", ".tsv", ".txt"})
EXCEL_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
DELIMITERS = (";", ",", "\t")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML workbooks and legacy .xls
_UTF8_FALLBACK = "debtload-cp1252-fallback"
# Single-byte Latin codecs a detector may name for a short French sample: "N° de prêt" comes back as
# iso8859_14 (° read as Ḟ), "Hélène" as cp1250. All of them lose to cp1252 when it decodes the bytes.
_SINGLE_BYTE_LATIN = frozenset(
    {"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman", "cp850", "cp1257", "iso8859_9",
     "iso8859_3", "iso8859_4", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_16", "cp1254", "cp858",
     "cp437", "mac_latin2", "mac_iceland", "mac_turkish"}
)  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# A physical line is read in pieces of at most this many characters: a file with no newline is
# refused at this length instead of being buffered whole (docs/operations.md, "File drop limits").
MAX_LINE_CHARS = 1024 * 1024
# csv's default field limit (128 KiB) would reject a long note; 1 MiB still stops a runaway quote.
csv.field_size_limit(1024 * 1024)


class BadFile(Exception):
    """The whole file cannot be imported; the message says why and what to do."""


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    # A file detected as UTF-8 from its first 64 KiB may still hold a cp1252 byte further down
    # (an "é" typed into one late row): read that byte as cp1252 rather than fail the file.
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error(_UTF8_FALLBACK, _cp1252_fallback)


@dataclass(frozen=True, slots=True)
class SourceRow:
    line: int  # the line (CSV) or sheet row (Excel) the row starts on, from 1
    cells: list[Any]


@dataclass(slots=True)
class Table:
    """A file's header and a one-pass iterator over its rows."""

    format: str  # "csv" or "excel"
    header: list[str]
    header_line: int
    rows: Iterator[SourceRow]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    leading_skipped: list[tuple[int, str]] = field(default_factory=list)


def file_format(name: str) -> str:
    extension = os.path.splitext(name)[1].lower()
    if extension in CSV_EXTENSIONS:
        return "csv"
    if extension in EXCEL_EXTENSIONS:
        return "excel"
    shown = extension or "no extension"
    raise BadFile(
        f"Unsupported file type ({shown}): drop a CSV (.csv, .tsv, .txt) or an Excel workbook (.xlsx)"
    )


# ---------------------------------------------------------------------------------------------- CSV


class _Prefixed(io.RawIOBase):
    """The bytes already sniffed, then the rest of the stream, as one raw binary stream."""

    def __init__(self, prefix: bytes, stream: IO[bytes]) -> None:
        self._prefix = memoryview(prefix)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._prefix:
            n = min(len(view), len(self._prefix))
            view[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._stream.read(len(view))
        view[: len(data)] = data
        return len(data)


def detect_encoding(sample: bytes, complete: bool) -> str:
    """The codec of a CSV from its first bytes. `complete` says the sample is the whole file."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text" export
    if b"\x00" in sample:
        raise BadFile("The file is not text (it contains binary data): drop a CSV or an Excel workbook")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None or best.chaos > 0.3:
        raise BadFile(
            "The file is not readable text in a known encoding: save it as CSV UTF-8 (or Windows-1252)"
        )
    encoding = best.encoding
    if encoding in _SINGLE_BYTE_LATIN:
        # Detectors often say cp1250 or latin-1 for French text; Excel on Windows writes cp1252,
        # which differs from cp1250 on letters such as "è". Prefer it whenever it decodes the sample.
        try:
            sample.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            return encoding
    return encoding


def sniff_delimiter(header_line: str) -> str:
    """The most frequent of ; , TAB outside quotes in the header line (ties favour ; then , then TAB)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def open_csv(stream: IO[bytes], *, encoding: str | None = None, delimiter: str | None = None) -> Table:
    sample = stream.read(SAMPLE_BYTES)
    complete = len(sample) < SAMPLE_BYTES
    if not sample.strip(b" \t\r\n\xef\xbb\xbf"):
        raise BadFile("The file is empty")
    if sample.startswith(_ZIP_MAGIC):
        raise BadFile("This is an Excel workbook (.xlsx) saved under a CSV name: rename it to .xlsx")
    if sample.startswith(_OLE_MAGIC):
        raise BadFile("This is an Excel workbook (.xls or password-protected) saved under a CSV name")
    if encoding is None:
        encoding = detect_encoding(sample, complete)
    errors = _UTF8_FALLBACK if encoding.replace("_", "-").startswith("utf-8") else "strict"
    try:
        text = io.TextIOWrapper(
            io.BufferedReader(_Prefixed(sample, stream), buffer_size=READ_BYTES),
            encoding=encoding,
            errors=errors,
            newline="",
        )
    except LookupError as error:
        raise BadFile(f"Unknown encoding {encoding!r}") from error
    lines = _checked_lines(text)

    line_number = 0
    leading: list[tuple[int, str]] = []
    for line in lines:
        line_number += 1
        if not line.strip():
            continue
        cells = next(csv.reader([line], delimiter=delimiter or sniff_delimiter(line)))
        reason = skip_reason(cells)
        if reason is not None:
            leading.append((line_number, reason))  # instruction rows above the header
            continue
        chosen = delimiter or sniff_delimiter(line)
        return Table(
            format="csv",
            header=unique_headers([str(c) for c in cells]),
            header_line=line_number,
            rows=_csv_rows(lines, chosen, line_number),
            encoding=encoding,
            delimiter=chosen,
            leading_skipped=leading,
        )
    raise BadFile("The file has no header row: it holds only blank or instruction lines")


def _checked_lines(text: io.TextIOWrapper) -> Iterator[str]:
    number = 0
    try:
        while line := text.readline(MAX_LINE_CHARS + 1):
            number += 1
            if len(line) > MAX_LINE_CHARS:
                raise BadFile(
                    f"Line {number} is longer than {MAX_LINE_CHARS:,} characters (1 MB), the longest "
                    "line a CSV may have: check that the file has line breaks (one row a line)"
                )
            if "\x00" in line or len(_CONTROL.findall(line)) > max(8, len(line) // 20):
                raise BadFile("The file contains binary data: drop a CSV or an Excel workbook")
            yield line
    except UnicodeDecodeError as error:
        raise BadFile(f"The file is not valid {text.encoding} text near byte {error.start}") from error


def _csv_rows(lines: Iterator[str], delimiter: str, header_line: int) -> Iterator[SourceRow]:
    reader = csv.reader(lines, delimiter=delimiter)
    previous = 0
    try:
        for cells in reader:
            yield SourceRow(header_line + previous + 1, cells)
            previous = reader.line_num
    except csv.Error as error:
        raise BadFile(f"The CSV cannot be read after line {header_line + previous}: {error}") from error


# -------------------------------------------------------------------------------------------- Excel


def open_excel(path: str, *, sheet: str | None = None) -> Table:
    from python_calamine import CalamineWorkbook

    with open(path, "rb") as handle:
        magic = handle.read(8)
    if not magic:
        raise BadFile("The file is empty")
    if magic.startswith(_OLE_MAGIC) and not path.lower().endswith(".xls"):
        raise BadFile("The workbook is password-protected (encrypted): save it without a password")
    from debtload.domain.file_import.workbook_limits import check_workbook

    check_workbook(path)  # before calamine, which aborts the process on a huge used range
    try:
        workbook = CalamineWorkbook.from_path(path)
        names = workbook.sheet_names
        if not names:
            raise BadFile("The workbook has no sheet")
        if sheet is not None and sheet not in names:
            raise BadFile(f"The workbook has no sheet named {sheet!r}; its sheets: {', '.join(names)}")
        chosen = sheet or names[0]
        data = workbook.get_sheet_by_name(chosen)
        first_row = (data.start or (0, 0))[0]
        iterator = data.iter_rows()
    except BadFile:
        raise
    except Exception as error:  # calamine raises its own types for zip, XML and password problems
        name = type(error).__name__
        if "Password" in name or "encrypt" in str(error).lower():
            raise BadFile(
                "The workbook is password-protected (encrypted): save it without a password"
            ) from error
        raise BadFile(f"The workbook cannot be read (corrupt or not an Excel file): {error}") from error

    leading: list[tuple[int, str]] = []
    line_number = first_row
    for raw in iterator:
        line_number += 1
        cells = [excel_value(v) for v in raw]
        reason = skip_reason(cells)
        if reason == "empty row":
            continue
        if reason is not None:
            leading.append((line_number, reason))
            continue
        header = unique_headers([str(c) if c is not None else "" for c in _trim(cells)])
        return Table(
            format="excel",
            header=header,
            header_line=line_number,
            rows=_excel_rows(iterator, line_number),
            sheet=chosen,
            leading_skipped=leading,
        )
    raise BadFile("The first sheet has no header row: it is empty or holds only instruction rows")


def _excel_rows(iterator: Iterator[list[Any]], header_line: int) -> Iterator[SourceRow]:
    line = header_line
    for raw in iterator:
        line += 1
        yield SourceRow(line, [excel_value(v) for v in raw])


def excel_value(value: Any) -> Any:
    """A cell as a JSON value: numbers stay numbers (12.0 -> 12), dates become ISO text."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, timedelta):
        return str(value)
    return value


def _trim(cells: list[Any]) -> list[Any]:
    end = len(cells)
    while end and (cells[end - 1] is None or cells[end - 1] == ""):
        end -= 1
    return cells[:end]
