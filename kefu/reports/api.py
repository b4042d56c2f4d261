"""/api/v1/reports: the reports (R-8.1) read from the daily aggregates — a range (a preset or
custom dates), grouped by day, week or month, filtered — as tables, or as an XLSX with a sheet
per table and the period in the file name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from kefu.accounts import permissions as P
from kefu.core.api import ERRORS
from kefu.core.errors import PermissionDenied
from kefu.quality.inspections import month_of
from kefu.reports import churn, monthly, points
from kefu.reports import selectors as sel
from kefu.reports.models import MonthlyReport
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
    department: str = Field(
        "", max_length=32, description="one department's (a team's) figures, by code"
    )
    family: str = Field("", max_length=32, description="followups: one rule family (7DC …)")


class TableOut(Schema):
    title: str
    columns: list[str]
    rows: list[list[str | int | float | None]]
    chart: bool = False
    links: list[str] = Field([], description="each row's console page, where it has one")


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
                      agent=params.agent, channel=params.channel, family=params.family,
                      department=params.department)  # fmt: skip


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


# -- /api/v1/points (R-8.3) ------------------------------------------------------------------

points_router = Router(tags=["points 绩效积分"])


class MonthQuery(Schema):
    month: str = Field("", max_length=7, description="YYYY-MM (default: this month)")
    limit: int = Field(200, ge=1, le=1000)


class YearQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="default: this year")
    pool: Decimal = Field(Decimal(0), ge=0, le=100_000_000, description="the bonus pool, yuan")
    limit: int = Field(500, ge=1, le=1000)


class AdjustmentIn(Schema):
    agent: str = Field(..., max_length=150)
    month: str = Field(..., max_length=7)
    points: int = Field(..., ge=-50, le=50)
    reason: str = Field(..., max_length=500)


class DecideIn(Schema):
    approve: bool


def _month(raw: str) -> dt.date:
    """YYYY-MM (this month when empty), as the QA pages read it."""
    return month_of(raw or None)


@points_router.get("", response={200: list[dict], **ERRORS}, summary="Points of a month 月度积分")
def month_points(request: HttpRequest, params: Query[MonthQuery]):
    """Each agent's month: computed entries (rule, points, count, the records as
    `evidence`), adjustments and the total (an agent: their own)."""
    return points.points_month(user=request.user, month=_month(params.month))[: params.limit]


@points_router.post("/compute", response={200: dict, **ERRORS})
def compute(request: HttpRequest, params: Query[MonthQuery]):
    """Compute the month again from the records now (the daily job does it too)."""
    if not P.has_perm(request.user, P.VIEW_REPORTS):
        raise PermissionDenied()
    return {"entries": points.points_compute(_month(params.month))}


@points_router.post("/adjustments", response={201: dict, **ERRORS})
def adjust(request: HttpRequest, payload: AdjustmentIn):
    """A team lead's adjustment with a reason; counts once a CS manager approves it."""
    row = points.adjustment_request(actor=request.user, data=payload.dict())
    return Status(201, {"id": row.pk, "status": row.status})


@points_router.post("/adjustments/{int:adjustment_id}/decide", response={200: dict, **ERRORS})
def decide(request: HttpRequest, adjustment_id: int, payload: DecideIn):
    row = points.adjustment_decide(actor=request.user, adjustment_id=adjustment_id,
                                   approve=payload.approve)  # fmt: skip
    return {"id": row.pk, "status": row.status}


@points_router.get("/year", response={200: list[dict], **ERRORS}, summary="Year and bonus 年度奖金")
def year_points(request: HttpRequest, params: Query[YearQuery]):
    """The year's points per agent, bonus eligibility (≥ 110 points, still employed, three
    months of service) and each eligible agent's share of `pool`."""
    year = params.year or timezone.localdate().year
    rows = points.bonus_year(user=request.user, year=year, pool=params.pool)
    return rows[: params.limit]


# -- /api/v1/analysis: churn lists and win-back calls (R-8.2) ---------------------------------

analysis_router = Router(tags=["analysis 客户分析"])


class ChurnRuleOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    months: int
    count: int


class ChurnRowOut(Schema):
    customer_id: int
    number: str
    name: str
    level: str
    owner: str
    last_service_on: dt.date | None
    last_purchase_on: dt.date | None
    last_complaint_on: dt.date | None
    months: int | None
    winback_open: bool


class ChurnPageOut(Schema):
    code: str
    total: int = Field(..., description="counted up to 10,000")
    more: bool = Field(..., description="more than `total`")
    rows: list[ChurnRowOut]


class WinbackIn(Schema):
    limit: int = Field(100, ge=1, le=churn.WINBACK_MAX)


@analysis_router.get("/churn", response={200: list[ChurnRuleOut], **ERRORS},
                     summary="Churn rules 流失规则")  # fmt: skip
def churn_rules(request: HttpRequest, limit: int = Query(50, ge=1, le=200)):
    """The active churn rules and how many customers each found at the last daily count."""
    return churn.churn_rules(user=request.user)[:limit]


@analysis_router.get("/churn/{code}", response={200: ChurnPageOut, **ERRORS},
                     summary="A churn list 流失名单")  # fmt: skip
def churn_list(request: HttpRequest, code: str, limit: int = Query(50, ge=1, le=200),
               offset: int = Query(0, ge=0, le=1_000_000)):  # fmt: skip
    """The customers a rule finds lost now, longest gone first; `winback_open` says a
    win-back call is waiting."""
    found = churn.churn_list(user=request.user, code=code, limit=limit, offset=offset)
    return {"code": found["rule"].code, "total": found["total"], "more": found["more"],
            "rows": found["rows"]}  # fmt: skip


@analysis_router.post("/churn/{code}/winback", response={200: dict, **ERRORS},
                      summary="Make win-back calls 生成挽回回访")  # fmt: skip
def winback(request: HttpRequest, code: str, payload: WinbackIn):
    """Win-back follow-ups for the first `limit` customers of the list who have none this
    month (team leads and above); customers who refuse calls are skipped and counted."""
    return churn.winback_create(actor=request.user, code=code, limit=payload.limit)


# -- /api/v1/monthly-reports: the team leads' CS center monthly report (R-8.1) ----------------

monthly_router = Router(tags=["monthly reports 客服中心月报"])


class MonthlyOut(Schema):
    id: int
    month: str
    author: str
    status: str
    due_on: dt.date
    summary: str
    problems: str
    plans: str
    submitted_at: dt.datetime | None
    figures: list[TableOut]


class MonthlyIn(Schema):
    summary: str | None = Field(None, max_length=monthly.TEXT_MAX)
    problems: str | None = Field(None, max_length=monthly.TEXT_MAX)
    plans: str | None = Field(None, max_length=monthly.TEXT_MAX)
    submit: bool = False


def _monthly_out(report: MonthlyReport) -> dict:
    return {"id": report.pk, "month": f"{report.month:%Y-%m}",
            "author": report.author.username, "status": report.status,
            "due_on": report.due_on, "summary": report.summary, "problems": report.problems,
            "plans": report.plans, "submitted_at": report.submitted_at,
            "figures": report.figures}  # fmt: skip


@monthly_router.get("", response={200: list[MonthlyOut], **ERRORS}, summary="Monthly reports")
def monthly_reports(request: HttpRequest, limit: int = Query(24, ge=1, le=200)):
    """A team lead's own monthly reports, newest first; the managers, QA and the GM see
    every lead's."""
    return [_monthly_out(r) for r in monthly.monthly_list(user=request.user)[:limit]]


@monthly_router.get("/{int:report_id}", response={200: MonthlyOut, **ERRORS})
def monthly_report(request: HttpRequest, report_id: int):
    return _monthly_out(monthly.monthly_get(user=request.user, report_id=report_id))


@monthly_router.put("/{int:report_id}", response={200: MonthlyOut, **ERRORS})
def monthly_write(request: HttpRequest, report_id: int, payload: MonthlyIn):
    """The author writes the texts; `submit: true` hands it in (the summary is required;
    the figures are read again)."""
    data = {k: v for k, v in payload.dict().items() if k != "submit" and v is not None}
    report = monthly.monthly_save(actor=request.user, report_id=report_id, data=data,
                                  submit=payload.submit)  # fmt: skip
    return _monthly_out(report)
