"""报表: the first dashboard, drawn by ECharts from the tables it also offers as XLSX."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kefu.console.reports import dashboard, xlsx
from kefu.console.views.base import console
from kefu.core.errors import NotFound


@console
def reports(request: HttpRequest) -> HttpResponse:
    return render(request, "console/reports.html", {"charts": dashboard(request.user)})


@console
def report_xlsx(request: HttpRequest, name: str) -> HttpResponse:
    charts = dashboard(request.user)
    if name not in charts:
        raise NotFound(f"report {name}")
    response = HttpResponse(
        xlsx(charts[name]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
