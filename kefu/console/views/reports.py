"""报表: the dashboard (ECharts from the tables it also offers as XLSX) and the reports
(R-8.1): a range — a preset or custom dates — grouped by day, week or month, filtered by
agent, channel or follow-up family; the tables, the chart of the table by period, an XLSX
with a sheet per table, and a page that prints."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kefu.accounts.selectors import agents_for_handover
from kefu.console.reports import dashboard, xlsx
from kefu.console.views.base import console, field_errors
from kefu.core.errors import KefuError, NotFound
from kefu.interactions.choices import Channel
from kefu.reports import selectors as report_sel
from kefu.reports.aggregate import as_of
from kefu.reports.periods import GROUPS, PRESETS, range_of
from kefu.reports.presenters import report_xlsx

FILTERS = ("range", "since", "until", "group", "agent", "channel", "family")


@console
def reports(request: HttpRequest) -> HttpResponse:
    context = {"charts": dashboard(request.user), "reports": report_sel.TITLES}
    return render(request, "console/reports.html", context)


@console
def report_page(request: HttpRequest, name: str) -> HttpResponse:
    if name not in report_sel.BUILDERS:
        raise NotFound(f"report {name}")
    asked = {k: request.GET.get(k, "")[:20] for k in FILTERS}
    asked["range"] = asked["range"] or "this_month"
    asked["group"] = asked["group"] or "day"
    errors: dict = {}
    report = None
    try:
        r = range_of(asked["range"], asked["since"], asked["until"])
        report = report_sel.report(user=request.user, name=name, r=r, group=asked["group"],
                                   agent=asked["agent"], channel=asked["channel"],
                                   family=asked["family"])  # fmt: skip
    except KefuError as exc:
        if exc.status == 403:
            raise
        errors = field_errors(exc)
    if report is not None and request.GET.get("format") == "xlsx":
        return report_xlsx(report)
    charts = {}
    if report is not None:
        charts = {str(i): t for i, t in enumerate(report["tables"]) if t.get("chart")}
    context = {
        "name": name,
        "report": report,
        "charts": charts,
        "asked": asked,
        "presets": PRESETS.items(),
        "groups": GROUPS.items(),
        "channels": Channel.choices,
        "people": agents_for_handover(user=request.user),
        "titles": report_sel.TITLES,
        "as_of": as_of(),
        "errors": errors,
        "query": request.GET.urlencode(),
    }
    return render(request, "console/report.html", context, status=422 if errors else 200)


@console
def report_xlsx_download(request: HttpRequest, name: str) -> HttpResponse:
    charts = dashboard(request.user)
    if name not in charts:
        raise NotFound(f"report {name}")
    response = HttpResponse(
        xlsx(charts[name]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
