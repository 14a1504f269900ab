"""Minimal .xlsx workbooks built byte by byte (openpyxl is not a dependency): one package layout,
and a builder of a first sheet from rows of values."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8"?>'
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def xlsx_package(sheet_xml: str, sheet_name: str = "Sheet1", styles_xml: str | None = None) -> bytes:
    """A workbook of one worksheet, `sheet_xml`, named `sheet_name`, with `styles_xml` if given."""
    styles_type = f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
    styles_rel = f'<Relationship Id="rId2" Type="{_DOC_RELS}/styles" Target="styles.xml"/>'
    parts = {
        "[Content_Types].xml": (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
            f"{styles_type if styles_xml else ''}</Types>"
        ),
        "_rels/.rels": (
            f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'{_XML}<workbook xmlns="{MAIN}" xmlns:r="{_DOC_RELS}">'
            f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f"{styles_rel if styles_xml else ''}</Relationships>"
        ),
        **({"xl/styles.xml": styles_xml} if styles_xml else {}),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    """A "Relances" sheet of `rows`: inline strings, numbers, and ("date", serial) as Excel stores a
    date, a serial number with a date format; None leaves the cell out."""

    def column(index: int) -> str:
        name = ""
        index += 1
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        return name

    def cell(ref: str, value: Any) -> str:
        if isinstance(value, tuple) and value[0] == "date":
            return f'<c r="{ref}" s="1"><v>{value[1]}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value}</v></c>'
        text = str(value).replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    sheet_rows = "".join(
        f'<row r="{r + 1}">'
        + "".join(cell(f"{column(c)}{r + 1}", v) for c, v in enumerate(row) if v is not None)
        + "</row>"
        for r, row in enumerate(rows)
    )
    styles = (
        f'{_XML}<styleSheet xmlns="{MAIN}">'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
        "</styleSheet>"
    )
    sheet = f'{_XML}<worksheet xmlns="{MAIN}"><sheetData>{sheet_rows}</sheetData></worksheet>'
    return xlsx_package(sheet, sheet_name="Relances", styles_xml=styles)
