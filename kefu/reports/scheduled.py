"""Scheduled reports (R-8.1; seed 000's daily and weekly reports, seed 002's 7DC/3DC daily
report): each active `ScheduledReport` due today is made for its period, kept in the report
archive (`/reports/archive/`) and e-mailed as XLSX to its recipients. Once per report and
period: the job may run again, nothing is made or sent twice; a failed send is kept on the
archive row and tried again at the next run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.replica import replica_reads
from kefu.core.tables import xlsx_book
from kefu.reports.models import ReportArchive, ScheduledReport
from kefu.reports.periods import range_of
from kefu.reports.presenters import XLSX
from kefu.reports.selectors import BUILDERS

# seed 002: the 7DC/3DC daily report every morning; seed 000: the weekly summary every
# Monday, the monthly report of last month
DEFAULTS = [
    ("followups-daily", "回访日报", "followups", "yesterday", "day", "daily", 1),
    ("workload-weekly", "客服中心周报", "summary", "last_week", "day", "weekly", 1),
    ("monthly", "客服中心月报", "workload", "last_month", "week", "monthly", 1),
]


def scheduled_seed() -> int:
    if ScheduledReport.objects.exists():
        return 0
    for code, name, report, rng, group, every, day in DEFAULTS:
        ScheduledReport.objects.create(code=code, name=name, report=report, range=rng,
                                       group=group, every=every, day=day)  # fmt: skip
    return len(DEFAULTS)


def due_on(s: ScheduledReport, day: dt.date) -> bool:
    if s.every == "daily":
        return True
    if s.every == "weekly":
        return day.weekday() == 0
    return day.day == min(s.day, 28)


@replica_reads
def _make(s: ScheduledReport, day: dt.date) -> tuple[str, bytes]:
    r = range_of(s.range, today=day)
    tables = BUILDERS[s.report](r, s.group, None, "")
    title = f"{s.name} {r.label()}"
    return title, xlsx_book([(t["title"], t["columns"], t["rows"]) for t in tables])


def reports_send(day: dt.date | None = None) -> int:
    """The daily job: make, keep and send every scheduled report due `day`; how many were
    sent."""
    day = day or timezone.localdate()
    sent = 0
    for s in ScheduledReport.objects.filter(active=True).order_by("id"):
        if not due_on(s, day) or s.report not in BUILDERS:
            continue
        stamp = range_of(s.range, today=day).stamp()
        row = ReportArchive.objects.filter(scheduled=s, stamp=stamp).first()
        if row is not None and (row.sent_to or not row.error):
            continue  # this period was made already (and sent, or nobody to send to)
        if row is None:
            title, content = _make(s, day)
            row = ReportArchive(scheduled=s, stamp=stamp, title=title)
            row.file.save(f"{s.code}-{stamp}.xlsx", ContentFile(content), save=False)
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:  # made by a concurrent run: its file is the one kept
                row.file.delete(save=False)
                continue
        to = [a.strip() for a in s.recipients.splitlines() if "@" in a][:50]
        if not to:
            continue
        mail = EmailMessage(subject=title, body=f"{title}（附件为 XLSX）", to=to)
        mail.attach(f"{s.code}-{stamp}.xlsx", row.xlsx(), XLSX)
        try:
            mail.send()
            row.sent_to, row.error = ", ".join(to), ""
            sent += 1
        except Exception as exc:
            row.error = str(exc)[:500]
        row.save(update_fields=["sent_to", "error"])
    return sent


def archive(*, user: Any) -> Any:
    """The report archive, newest first (team leads and above)."""
    if not P.has_perm(user, P.VIEW_REPORTS):
        raise PermissionDenied()
    return (
        ReportArchive.objects.select_related("scheduled")
        .defer("content")
        .order_by("-made_at", "-id")
    )


def archive_get(*, user: Any, archive_id: int) -> ReportArchive:
    found = archive(user=user).filter(pk=archive_id).first()
    if found is None:
        raise NotFound(f"archive {archive_id}")
    return ReportArchive.objects.get(pk=found.pk)
