"""Files an attacker (or an unlucky export) drops: built byte by byte in the tests that use them."""

from __future__ import annotations

import io
import zipfile

from tests.workbooks import MAIN, xlsx_package


def far_cell_xlsx(dimension: str | None = "A1:XFD1048576", far_cell: str = "XFD1048576") -> bytes:
    """A minimal workbook, about 1.5 KB: a header cell at A1 and one cell at `far_cell`, with the
    used range `dimension` declared (None: no <dimension> element at all)."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    far_row = "".join(ch for ch in far_cell if ch.isdigit())
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{declared}<sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Dossier</t></is></c></row>'
        f'<row r="{far_row}"><c r="{far_cell}" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return xlsx_package(sheet)


def zip_bomb_xlsx(inflated_bytes: int) -> bytes:
    """A workbook whose sheet unpacks to `inflated_bytes` of spaces (a few KB packed)."""
    buffer = io.BytesIO()
    block = b" " * (1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet,
    ):
        for _ in range(inflated_bytes // len(block)):
            sheet.write(block)
    return buffer.getvalue()


def long_line_csv(line_bytes: int) -> bytes:
    """A notes CSV whose second line runs `line_bytes` with no newline."""
    return b"Dossier;Commentaire\r\n" + b"x" * line_bytes
