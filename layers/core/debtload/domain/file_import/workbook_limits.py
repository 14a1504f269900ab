"""Checks a workbook's size before calamine loads it.

calamine builds a sheet as one dense grid spanning its first to its last cell: a 2 KB .xlsx with a
cell at A1 and another at XFD1048576 asks for 17 billion cells, and the allocation failure aborts
the whole process (no exception, no report, every retry the same). So before calamine sees an
OOXML workbook, its zip entries are checked here with the standard library alone:

- the total uncompressed size (a zip bomb inflates a few KB into gigabytes), counted as the bytes
  come out, so a header that lies about the size does not help;
- each worksheet's declared `<dimension ref=...>` and the real extent of its rows and cells, read as
  a stream in bounded pieces, against MAX_ROWS x MAX_COLUMNS and MAX_CELLS.

Limits are documented in docs/operations.md ("File drop limits").
"""

from __future__ import annotations

import re
import zipfile

from debtload.domain.file_import.reader import BadFile

MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CELLS = 10_000_000  # the grid calamine allocates: about 32 bytes a cell
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
_PIECE = 1024 * 1024
_OVERLAP = 64  # a reference cut between two pieces is read whole from the next one
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Za-z$]*)([0-9$]*)(?::([A-Za-z$]+)([0-9$]+))?"'
)
_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]{1,12})"')
_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Za-z]{1,8})([0-9]{1,12})"')


def column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + (ord(char) - 64)
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_workbook(path: str) -> None:
    """Raises BadFile naming the limit a .xlsx/.xlsm exceeds; other formats pass through."""
    if not zipfile.is_zipfile(path):
        return  # legacy .xls (OLE): bounded by the file size limit alone
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            declared = sum(entry.file_size for entry in entries)
            if declared > MAX_UNCOMPRESSED_BYTES:
                raise BadFile(_too_large(declared))
            inflated = 0
            for entry in entries:
                if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                    inflated = _check_sheet(archive, entry, inflated)
    except zipfile.BadZipFile as error:
        raise BadFile(f"The workbook cannot be read (corrupt or not an Excel file): {error}") from error


def _too_large(size: int) -> str:
    return (
        f"The workbook unpacks to more than {size // 1_000_000} MB; workbooks up to "
        f"{MAX_UNCOMPRESSED_BYTES // 1_000_000} MB unpacked are read. Export it as CSV"
    )


def _check_sheet(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, inflated: int) -> int:
    sheet = entry.filename.rsplit("/", 1)[-1].removesuffix(".xml")
    max_row = max_col = 0
    tail = b""
    first = True
    with archive.open(entry) as stream:
        while piece := stream.read(_PIECE):
            inflated += len(piece)
            if inflated > MAX_UNCOMPRESSED_BYTES:
                raise BadFile(_too_large(inflated))
            text = tail + piece
            if first:
                declared = _DIMENSION.search(text)
                if declared is not None:
                    _check_extent(sheet, declared)
                first = False
            for match in _ROW.finditer(text):
                max_row = max(max_row, int(match.group(1)))
            for match in _CELL.finditer(text):
                max_col = max(max_col, column_number(match.group(1).decode()))
                max_row = max(max_row, int(match.group(2)))
            _check_size(sheet, "has cells up to", max_row, max_col)
            tail = text[-_OVERLAP:]
    return inflated


def _check_extent(sheet: str, match: re.Match[bytes]) -> None:
    """The declared used range: its end cell (or its only cell)."""
    letters = (match.group(3) or match.group(1) or b"").decode().replace("$", "")
    digits = (match.group(4) or match.group(2) or b"").decode().replace("$", "")
    rows = int(digits) if digits else 0
    cols = column_number(letters) if letters else 0
    _check_size(sheet, "declares its used range as", rows, cols)


def _check_size(sheet: str, verb: str, rows: int, cols: int) -> None:
    if rows <= MAX_ROWS and cols <= MAX_COLUMNS and rows * cols <= MAX_CELLS:
        return
    where = f"{column_letters(cols) or 'A'}{rows or 1}"
    raise BadFile(
        f"Worksheet {sheet} {verb} A1:{where} ({rows:,} rows x {cols:,} columns); workbooks up to "
        f"{MAX_ROWS:,} rows and {MAX_COLUMNS} columns ({MAX_CELLS:,} cells) are read. Delete the far "
        "cells (Ctrl+End shows the last one) or export the sheet as CSV"
    )
