"""The CS center monthly report (R-8.1, seed 000): drafted on the 20th for each team lead
with the figures, reminded on the 22nd, the managers told after it; written and submitted
by its author only. And the scheduled reports e-mailed through a real SMTP server."""

import datetime as dt
import email
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.interactions.models import Notice
from kefu.reports.models import MonthlyReport, ReportArchive, ScheduledReport
from kefu.reports.monthly import monthly_job, monthly_save
from kefu.reports.scheduled import reports_send, scheduled_seed

pytestmark = pytest.mark.django_db


def test_drafted_on_the_20th_reminded_on_the_22nd_and_late_after_it(lead, manager):
    assert monthly_job(dt.date(2026, 11, 19)) == {"drafted": 0, "reminded": 0, "escalated": 0}
    assert monthly_job(dt.date(2026, 11, 20))["drafted"] == 1
    assert monthly_job(dt.date(2026, 11, 21))["drafted"] == 0  # once a month
    report = MonthlyReport.objects.get()
    assert (report.author, report.month, report.due_on) == (
        lead,
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 22),
    )
    titles = [t["title"] for t in report.figures]
    assert "回访完成与满意度 · 按回访类型" in titles and "质检成绩 · 按坐席" in titles
    drafted = Notice.objects.get(user=lead, kind="report")
    assert "11月22日 前" in drafted.text and drafted.link == f"/reports/monthly/{report.pk}/"
    assert monthly_job(dt.date(2026, 11, 22))["reminded"] == 1
    assert monthly_job(dt.date(2026, 11, 22))["reminded"] == 0
    assert Notice.objects.filter(user=lead, kind="report").count() == 2
    assert monthly_job(dt.date(2026, 11, 23))["escalated"] == 1
    late = Notice.objects.get(user=manager, kind="escalation")
    assert "逾期未提交" in late.text
    assert monthly_job(dt.date(2026, 11, 24))["escalated"] == 0


def test_only_the_author_writes_and_the_summary_is_needed_to_submit(lead, manager):
    monthly_job(dt.date(2026, 11, 20))
    report = MonthlyReport.objects.get()
    with pytest.raises(PermissionDenied):
        monthly_save(actor=manager, report_id=report.pk, data={"summary": "x"})
    with pytest.raises(ValidationFailed) as refused:
        monthly_save(actor=lead, report_id=report.pk, data={"problems": "回访不及时"}, submit=True)
    assert refused.value.errors[0].field == "summary"
    assert MonthlyReport.objects.get().problems == ""  # nothing half-written
    with pytest.raises(ValidationFailed) as long:
        monthly_save(actor=lead, report_id=report.pk, data={"plans": "长" * 4001})
    assert long.value.errors[0].field == "plans"
    monthly_save(actor=lead, report_id=report.pk, submit=True,
                 data={"summary": "本月回访完成率 96%", "problems": "回访不及时"})  # fmt: skip
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_at is not None
    assert "已提交" in Notice.objects.get(user=manager, kind="report").text
    with pytest.raises(ValidationFailed):
        monthly_save(actor=lead, report_id=report.pk, data={"summary": "改"})
    c = Client()
    c.force_login(manager)
    page = c.get(f"/reports/monthly/{report.pk}/").content.decode()
    assert "本月回访完成率 96%" in page and "<textarea" not in page  # the manager reads
    book = load_workbook(io.BytesIO(c.get(f"/reports/monthly/{report.pk}/?format=xlsx").content))
    first = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert first["工作总结"] == "本月回访完成率 96%" and len(book.worksheets) > 5


def test_the_lead_writes_on_the_page(lead):
    monthly_job(dt.date(2026, 11, 20))
    report = MonthlyReport.objects.get()
    c = Client()
    c.force_login(lead)
    assert "<textarea" in c.get(f"/reports/monthly/{report.pk}/").content.decode()
    refused = c.post(f"/reports/monthly/{report.pk}/", {"summary": "", "submit": "1"})
    assert refused.status_code == 422 and "工作总结" in refused.content.decode()
    c.post(f"/reports/monthly/{report.pk}/", {"summary": "总结", "submit": "1"})
    assert MonthlyReport.objects.get().status == "submitted"


def test_scheduled_reports_go_through_a_real_smtp_server(lead, smtp_server):
    """R-8.1: the Monday weekly summary, e-mailed as XLSX through SMTP, once per period."""
    scheduled_seed()
    ScheduledReport.objects.filter(code="workload-weekly").update(
        recipients="manager@example.cn\ngm@example.cn"
    )
    assert reports_send(dt.date(2026, 11, 23)) == 1  # a Monday
    assert reports_send(dt.date(2026, 11, 23)) == 0  # not twice
    (envelope,) = smtp_server.messages
    assert sorted(envelope.rcpt_tos) == ["gm@example.cn", "manager@example.cn"]
    message = email.message_from_bytes(envelope.content)
    attachment = next(p for p in message.walk() if p.get_filename())
    assert attachment.get_filename() == "workload-weekly-20261116-20261122.xlsx"
    book = load_workbook(io.BytesIO(attachment.get_payload(decode=True)))
    assert book.worksheets[0]["A1"].value == "项目"  # the weekly summary's table
    archived = ReportArchive.objects.get(scheduled__code="workload-weekly")
    assert archived.sent_to == "manager@example.cn, gm@example.cn"
