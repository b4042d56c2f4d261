"""报表: the dashboard (ECharts from the tables it also offers as XLSX) and the reports
(R-8.1): a range — a preset or custom dates — grouped by day, week or month, filtered by
agent, channel or follow-up family; the tables, the chart of the table by period, an XLSX
with a sheet per table, and a page that prints."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts import permissions as P
from kefu.accounts.selectors import agents_for_handover, department_choices
from kefu.care import services as care_services
from kefu.console.reports import dashboard, xlsx
from kefu.console.views.base import console, field_errors, posted_id
from kefu.core.errors import KefuError, NotFound
from kefu.core.paging import Page, page_number
from kefu.core.tables import xlsx_bytes
from kefu.interactions.choices import Channel
from kefu.quality.inspections import month_of
from kefu.reports import board, churn
from kefu.reports import monthly as monthly_svc
from kefu.reports import points as points_svc
from kefu.reports import scheduled as scheduled_svc
from kefu.reports import selectors as report_sel
from kefu.reports.aggregate import as_of
from kefu.reports.periods import GROUPS, PRESETS, range_of
from kefu.reports.presenters import XLSX, report_xlsx

FILTERS = ("range", "since", "until", "group", "agent", "channel", "family", "department")


@console
def reports(request: HttpRequest) -> HttpResponse:
    """The role's dashboard (R-8.4): its figures against the period before, the trend, the
    charts of today and this week."""
    mine = board.role_dashboard(user=request.user)
    charts = dashboard(request.user)
    if mine["trend"]:
        charts["trend"] = mine["trend"]
    context = {"charts": charts, "reports": report_sel.TITLES, "mine": mine}
    return render(request, "console/reports.html", context)


def _churn_act(request: HttpRequest, code: str, limit: int) -> str:
    """The churn list's two buttons: care messages to the list, or win-back calls."""
    if request.POST.get("care"):
        rule_code = request.POST.get("care", "")[:40]
        sent = churn.churn_care(actor=request.user, code=code, limit=limit,
                                   rule_code=rule_code)  # fmt: skip
        text = _(
            "关怀消息：待发送 %(q)d 条，未发送 %(s)d 条（拒收或无联系方式），本月已发过 %(a)d 位"
        )
        return text % {"q": sent["queued"], "s": sent["skipped"], "a": sent["already"]}
    made = churn.winback_create(actor=request.user, code=code, limit=limit)
    text = _("已生成挽回回访 %(n)d 个（拒接回访的客户 %(s)d 位未生成）")
    return text % {"n": made["created"], "s": made["skipped_opt_out"]}


@console
def churn_page(request: HttpRequest, code: str = "") -> HttpResponse:
    """流失客户 (R-8.2): the churn rules with their counts, and one rule's list — a page at a
    time, the whole list as XLSX, and the lead's button that turns it into win-back calls."""
    user = request.user
    rules = churn.churn_rules(user=user)
    if not code:
        return render(request, "console/churn.html", {"rules": rules, "found": None})
    errors: dict = {}
    if request.method == "POST":
        raw = request.POST.get("limit", "")
        limit = int(raw) if raw.isdigit() and len(raw) < 7 else 0
        try:
            messages.success(request, _churn_act(request, code, limit))
            return redirect(f"/reports/churn/{code}/")
        except KefuError as exc:
            if exc.status in (403, 404):
                raise
            errors = field_errors(exc)
    if request.GET.get("format") == "xlsx":
        title, columns, rows = churn.churn_xlsx_rows(user=user, code=code)
        response = HttpResponse(xlsx_bytes(title, columns, rows), content_type=XLSX)
        stamp = f"{timezone.localdate():%Y%m%d}"
        response["Content-Disposition"] = f'attachment; filename="churn-{code}-{stamp}.xlsx"'
        return response
    number = page_number(request.GET.get("page"))
    size = 50
    found = churn.churn_list(user=user, code=code, limit=size, offset=(number - 1) * size)
    page = Page(rows=found["rows"], total=found["total"], number=number, size=size)
    context = {"rules": rules, "found": found, "page": page, "errors": errors,
               "may_winback": P.has_perm(user, P.MANAGE_TASKS),
               "care_rules": care_services.list_rules(),
               "winback_max": churn.WINBACK_MAX}  # fmt: skip
    return render(request, "console/churn.html", context, status=422 if errors else 200)


@console
def monthly_page(request: HttpRequest, report_id: int = 0) -> HttpResponse:
    """客服中心月报: the list, and one report — its author writes and submits it; the
    managers read it; anyone who may see it downloads it as XLSX."""
    user = request.user
    if not report_id:
        rows = monthly_svc.monthly_list(user=user)[:48]
        return render(request, "console/monthly.html", {"rows": rows, "report": None})
    report = monthly_svc.monthly_get(user=user, report_id=report_id)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(monthly_svc.monthly_xlsx(report), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="monthly-{report.month:%Y%m}-{report.author.username}.xlsx"'
        )
        return response
    errors: dict = {}
    if request.method == "POST":
        data = {f: request.POST.get(f, "") for f in monthly_svc.TEXTS}
        submit = request.POST.get("submit") == "1"
        try:
            monthly_svc.monthly_save(actor=user, report_id=report.pk, data=data, submit=submit)
            messages.success(request, _("月报已提交") if submit else _("已保存"))
            return redirect(f"/reports/monthly/{report.pk}/")
        except KefuError as exc:
            if exc.status in (403, 404):
                raise
            errors = field_errors(exc)
            for f, v in data.items():
                setattr(report, f, v)
    draft = report.status == "draft"
    context = {"report": report, "errors": errors, "texts": monthly_svc.TEXTS,
               "may_write": report.author_id == user.pk and draft,
               "late": draft and timezone.localdate() > report.due_on}  # fmt: skip
    return render(request, "console/monthly.html", context, status=422 if errors else 200)


@console
def wall_page(request: HttpRequest) -> HttpResponse:
    """实时监控大屏: the wall board for the team's room, live."""
    w = board.wall(user=request.user)
    return render(request, "console/wall.html", {"w": w, "charts": {"hourly": w["hourly"]}})


@console
def wall_figures(request: HttpRequest) -> HttpResponse:
    w = board.wall(user=request.user)
    context = {"w": w, "charts": {"hourly": w["hourly"]}}
    return render(request, "console/_wall_figures.html", context)


@console
def report_page(request: HttpRequest, name: str) -> HttpResponse:
    if name not in report_sel.BUILDERS:
        raise NotFound(f"report {name}")
    asked = {k: request.GET.get(k, "")[:150] for k in FILTERS}  # each checked by the report
    asked["range"] = asked["range"] or "this_month"
    asked["group"] = asked["group"] or "day"
    errors: dict = {}
    report = None
    try:
        r = range_of(asked["range"], asked["since"], asked["until"])
        report = report_sel.report(user=request.user, name=name, r=r, group=asked["group"],
                                   agent=asked["agent"], channel=asked["channel"],
                                   family=asked["family"],
                                   department=asked["department"])  # fmt: skip
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
        "departments": department_choices(),
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


@console
def points_page(request: HttpRequest) -> HttpResponse:
    """绩效积分 (R-8.3): the month's points per agent with the records behind each entry, the
    adjustments (a lead asks, a manager decides), and the year's bonus shares."""
    user = request.user
    try:
        month = month_of(request.GET.get("month", "")[:7] or None)
    except KefuError:
        month = timezone.localdate().replace(day=1)
    errors: dict = {}
    if request.method == "POST":
        try:
            if request.POST.get("decide"):
                decided = posted_id(request, "decide") or 0
                approve = request.POST.get("approve") == "1"
                points_svc.adjustment_decide(actor=user, adjustment_id=decided, approve=approve)
                messages.success(request, _("已处理"))
            else:
                points_svc.adjustment_request(actor=user, data={
                    "agent": request.POST.get("agent", ""), "month": f"{month:%Y-%m}",
                    "points": request.POST.get("points", ""),
                    "reason": request.POST.get("reason", "")})  # fmt: skip
                messages.success(request, _("已提交，客服经理审批后计入"))
            return redirect(f"/points/?month={month:%Y-%m}")
        except KefuError as exc:
            errors = field_errors(exc)
    year_rows = []
    pool = Decimal(0)
    if P.has_perm(user, P.VIEW_REPORTS):
        raw = request.GET.get("pool", "")[:12]
        pool = Decimal(raw) if raw.replace(".", "", 1).isdigit() else Decimal(0)
        year_rows = points_svc.bonus_year(user=user, year=month.year, pool=pool)
    context = {
        "month": f"{month:%Y-%m}",
        "rows": points_svc.points_month(user=user, month=month),
        "year": month.year,
        "year_rows": year_rows,
        "pool": pool,
        "may_request": P.has_perm(user, P.MANAGE_TASKS),
        "may_decide": P.has_perm(user, P.DECIDE_POINTS),
        "people": agents_for_handover(user=user),
        "errors": errors,
    }
    return render(request, "console/points.html", context, status=422 if errors else 200)


@console
def archive_page(request: HttpRequest) -> HttpResponse:
    """报表存档: the scheduled reports as made and sent, newest first."""
    rows = scheduled_svc.archive(user=request.user)[:100]
    return render(request, "console/report_archive.html", {"rows": rows})


@console
def archive_download(request: HttpRequest, archive_id: int) -> HttpResponse:
    found = scheduled_svc.archive_get(user=request.user, archive_id=archive_id)
    response = HttpResponse(found.xlsx(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{found.scheduled.code}-{found.stamp}.xlsx"'
    )
    return response
