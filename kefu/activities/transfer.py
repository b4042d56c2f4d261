"""A sign-up sheet read from CSV or XLSX (R-9.2): its rows as text, bounded in size."""

from __future__ import annotations

import csv
import io
from typing import Any

from kefu.core.errors import invalid

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2001


def rows_of(upload: Any) -> list[list[str]]:
    name = str(getattr(upload, "name", "")).lower()
    if getattr(upload, "size", 0) > MAX_BYTES:
        raise invalid("file", "too_large", "文件超过 2 MB", "The file is over 2 MB")
    data = upload.read(MAX_BYTES + 1)
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        except Exception as exc:
            raise invalid("file", "unreadable", "无法读取 XLSX 文件",
                          "The XLSX file cannot be read") from exc  # fmt: skip
        out = []
        for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1):
            out.append(["" if v is None else str(v) for v in row[:3]])
        return out
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    return [row[:3] for row in csv.reader(io.StringIO(text))][: MAX_ROWS + 1]
