"""A report as a download: XLSX with a sheet per table, named by report and period."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from kefu.core.tables import xlsx_book

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_xlsx(report: dict[str, Any]) -> HttpResponse:
    sheets = [(t["title"], t["columns"], t["rows"]) for t in report["tables"]]
    response = HttpResponse(xlsx_book(sheets), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{report["name"]}-{report["stamp"]}.xlsx"'
    )
    return response
