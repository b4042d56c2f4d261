"""The CS center monthly report 客服中心月报 (R-8.1; seed 000: the team lead's monthly
report, due by the 22nd).

The daily job drafts one for each active team lead on the 20th, with the month's figures so
far (follow-ups, answer speed, work orders, complaints, QA) and a notice to the lead; the
lead writes the summary, the problems and the improvements and submits it (the figures are
read again then). A draft still open on the 22nd is reminded; after the 22nd the CS
managers are told (urgent) it is late, once. Submitting tells the managers. Each report is
downloadable as XLSX: the text first, then a sheet per table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import User
from kefu.core.audit import audit_as
from kefu.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from kefu.core.tables import xlsx_book
from kefu.interactions.choices import NoticeKind
from kefu.interactions.notices import notice_send, notices_send
from kefu.reports.models import MonthlyReport
from kefu.reports.periods import Range
from kefu.reports.selectors import BUILDERS, TITLES

DRAFT_DAY = 20
DUE_DAY = 22
FIGURES = ["followups", "answer_speed", "work_orders", "complaints", "quality"]
TEXTS = {"summary": ("工作总结", "summary"), "problems": ("存在问题", "problems"),
         "plans": ("改进措施与下月计划", "improvements and plans")}  # fmt: skip
TEXT_MAX = 4000


def _figures(month: dt.date, until: dt.date) -> list[dict[str, Any]]:
    """The month's tables from its first day to `until` (included), by week."""
    r = Range(month, until + dt.timedelta(days=1))
    out = []
    for name in FIGURES:
        for table in BUILDERS[name](r, "week", None, ""):
            out.append({**table, "title": f"{TITLES[name][0]} · {table['title']}"})
    return out


def _link(report: MonthlyReport) -> str:
    return f"/reports/monthly/{report.pk}/"


def _managers() -> QuerySet[User]:
    return User.objects.filter(role=Role.MANAGER, is_active=True)


def monthly_job(today: dt.date | None = None) -> dict[str, int]:
    """Draft on the 20th (or the first run after it), remind on the 22nd, tell the
    managers after it; each once."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    due = month.replace(day=DUE_DAY)
    done = {"drafted": 0, "reminded": 0, "escalated": 0}
    if today.day >= DRAFT_DAY:
        figures: list[dict[str, Any]] | None = None
        for lead in User.objects.filter(role=Role.TEAM_LEAD, is_active=True).order_by("pk"):
            if MonthlyReport.objects.filter(month=month, author=lead).exists():
                continue
            figures = figures if figures is not None else _figures(month, today)
            try:
                with transaction.atomic():
                    report = MonthlyReport.objects.create(month=month, author=lead, due_on=due,
                                                          figures=figures)  # fmt: skip
                    notice_send(kind=NoticeKind.REPORT, user=lead, link=_link(report),
                                text=f"{month:%Y年%m月}客服中心月报已起草（数据已填好），"
                                     f"请于 {due:%m月%d日} 前填写总结并提交")  # fmt: skip
            except IntegrityError:
                continue  # a concurrent run drafted it
            done["drafted"] += 1
    drafts = MonthlyReport.objects.filter(status="draft").select_related("author")
    for report in drafts.filter(due_on=today, reminded_at__isnull=True):
        with transaction.atomic():
            report.reminded_at = timezone.now()
            report.save(update_fields=["reminded_at"])
            notice_send(
                kind=NoticeKind.REPORT,
                user=report.author,
                link=_link(report),
                text=f"今天是{report.month:%m月}客服中心月报的提交期限，请今日提交",
            )
        done["reminded"] += 1
    for report in drafts.filter(due_on__lt=today, escalated_at__isnull=True):
        name = report.author.display_name or report.author.username
        with transaction.atomic():
            report.escalated_at = timezone.now()
            report.save(update_fields=["escalated_at"])
            text = (f"{name} 的{report.month:%Y年%m月}客服中心月报逾期未提交"
                    f"（期限 {report.due_on:%m月%d日}）")  # fmt: skip
            notices_send(kind=NoticeKind.ESCALATION, users=_managers(), link=_link(report),
                         urgent=True, text=text)  # fmt: skip
        done["escalated"] += 1
    return done


def monthly_list(*, user: User) -> QuerySet[MonthlyReport]:
    """A team lead's own reports; the managers, QA and the GM see every one."""
    if not P.has_perm(user, P.VIEW_REPORTS):
        raise PermissionDenied(
            "只有班长、质检、经理和总经理可查看月报", "Monthly reports: leads and up"
        )
    qs = MonthlyReport.objects.select_related("author").order_by("-month", "author_id")
    return qs.filter(author=user) if user.role == Role.TEAM_LEAD else qs


def monthly_get(*, user: User, report_id: int) -> MonthlyReport:
    found = monthly_list(user=user).filter(pk=report_id).first()
    if found is None:
        raise NotFound(f"monthly report {report_id}")
    return found


def monthly_save(*, actor: User, report_id: int, data: dict[str, Any],
                 submit: bool = False) -> MonthlyReport:  # fmt: skip
    """The author writes the texts; `submit` hands it in (the summary is required) with the
    figures read again."""
    with transaction.atomic():
        found = monthly_get(user=actor, report_id=report_id)
        report = MonthlyReport.objects.select_for_update().get(pk=found.pk)
        if report.author_id != actor.pk:
            raise PermissionDenied("只有月报的撰写人可修改", "Only its author edits a report")
        if report.status == "submitted":
            raise ValidationFailed(FieldError("status", "submitted", "月报已提交，不能再修改",
                                              "the report was submitted already"))  # fmt: skip
        errors = []
        for field, (zh, en) in TEXTS.items():
            value = str(data.get(field, getattr(report, field)) or "").strip()
            if len(value) > TEXT_MAX:
                errors.append(FieldError(field, "too_long", f"{zh}最多 {TEXT_MAX} 字",
                                         f"{en}: at most {TEXT_MAX} characters"))  # fmt: skip
            setattr(report, field, value)
        if submit and not report.summary:
            errors.append(FieldError("summary", "required", "提交前请填写工作总结",
                                     "write the summary before submitting"))  # fmt: skip
        if errors:
            raise ValidationFailed(errors)
        if submit:
            today = timezone.localdate()
            last = min(today, _month_end(report.month))
            report.figures = _figures(report.month, last)
            report.status, report.submitted_at = "submitted", timezone.now()
        audit_as(report, actor)
        report.save()
        if submit:
            name = actor.display_name or actor.username
            late = "（逾期）" if timezone.localdate() > report.due_on else ""
            notices_send(
                kind=NoticeKind.REPORT,
                users=_managers(),
                link=_link(report),
                text=f"{name} 已提交{report.month:%Y年%m月}客服中心月报{late}",
            )
    return report


def _month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def monthly_xlsx(report: MonthlyReport) -> bytes:
    """The texts on the first sheet, then each table."""
    author = report.author.display_name or report.author.username
    text_rows: list[list[Any]] = [["月份", f"{report.month:%Y-%m}"], ["撰写人", author],
                                  ["状态", report.get_status_display()]]  # fmt: skip
    text_rows += [[zh, getattr(report, field)] for field, (zh, _en) in TEXTS.items()]
    sheets: list[tuple[str, list[Any], list[list[Any]]]] = [("月报", ["项目", "内容"], text_rows)]
    for i, t in enumerate(report.figures, start=1):
        sheets.append((f"{i} {t['title']}"[:31], t["columns"], t["rows"]))
    return xlsx_book(sheets)
