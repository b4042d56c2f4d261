"""/api/v1/reports: the reports (R-8.1) read from the daily aggregates — a range (a preset or
custom dates), grouped by day, week or month, filtered — as tables, or as an XLSX with a sheet
per table and the period in the file name."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kefu.core.api import ERRORS
from kefu.reports import selectors as sel
from kefu.reports.periods import range_of
from kefu.reports.presenters import report_xlsx

router = Router(tags=["reports 报表"])


class ReportQuery(Schema):
    range: str = Field("this_month", max_length=12, description="today, yesterday, this_week, "
                       "last_week, this_month, last_month, this_year or custom")  # fmt: skip
    since: str = Field("", max_length=10, description="custom: the first day, YYYY-MM-DD")
    until: str = Field("", max_length=10, description="custom: the last day (included)")
    group: str = Field("day", max_length=5, description="day, week or month")
    agent: str = Field("", max_length=150, description="one agent's figures (username)")
    channel: str = Field("", max_length=16)
    family: str = Field("", max_length=32, description="followups: one rule family (7DC …)")


class TableOut(Schema):
    title: str
    columns: list[str]
    rows: list[list[str | int | float | None]]
    chart: bool = False


class ReportOut(Schema):
    name: str
    title: str
    range: str
    stamp: str
    group: str
    tables: list[TableOut]


def _report(request: HttpRequest, name: str, params: ReportQuery) -> dict:
    r = range_of(params.range, params.since, params.until)
    return sel.report(user=request.user, name=name, r=r, group=params.group,
                      agent=params.agent, channel=params.channel, family=params.family)  # fmt: skip


@router.get("/{name}", response={200: ReportOut, **ERRORS}, summary="A report 报表")
def get_report(request: HttpRequest, name: str, params: Query[ReportQuery]):
    """`workload` (contacts per agent by category and channel), `followups` (due, done on
    time, completion, done in the period, dissatisfied, each question's average on its own
    scale), `answer_speed` (calls answered within the center's seconds). Figures come from
    the daily aggregates, today's counted every ten minutes."""
    return _report(request, name, params)


@router.get("/{name}/xlsx", response={200: None, **ERRORS}, summary="As XLSX 导出")
def get_report_xlsx(request: HttpRequest, name: str, params: Query[ReportQuery]):
    """The same report as an XLSX: a sheet per table; the file named by report and period."""
    return report_xlsx(_report(request, name, params))
