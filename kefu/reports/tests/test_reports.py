"""The reports (R-8.1) and their counting rules on fixed dates: a follow-up counts as done in
the period it was done and as due in the period it was due (the "done late in a later week"
case of issue 13), completion is done on time over due, a 0–10 item stays 0–10; the daily
aggregates match raw counts over random ranges; ranges, groups and filters are checked."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from kefu.followups.models import FollowUp, FollowUpRule, Script
from kefu.interactions.models import Interaction
from kefu.reports.aggregate import days_rebuild
from kefu.reports.periods import range_of
from kefu.reports.selectors import report

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


def at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


@pytest.fixture
def rule(db):
    script = Script.objects.create(code="7dc", name="7DC", opening="您好", questions=[
        {"key": "nps", "text": "推荐意愿", "kind": "score", "max": 10},
        {"key": "service", "text": "服务满意度", "kind": "score", "max": 5}])  # fmt: skip
    return FollowUpRule.objects.create(code="7dc", family="7DC", name="7DC", trigger="event",
                                       event_type="delivery", offset_days=7, window_days=3,
                                       script=script)  # fmt: skip


def followup(agent, rule, n, due, *, done=None, answers=None, result="satisfied"):
    return FollowUp.objects.create(
        kind="rule", family="7DC", rule=rule, owner=agent, due_on=due,
        due_by=due + dt.timedelta(days=2), source_key=f"k{n}",
        status="done" if done else "pending", done_at=at(done) if done else None,
        answers=answers or {}, result=result if done else "",
    )  # fmt: skip


def test_a_followup_done_late_counts_as_done_in_its_week_and_missed_in_its_due_week(
    agent, lead, rule
):
    """Issue 13's case: two follow-ups due in October, done in the week of 11-23 — that
    week shows them done; October's completion stays 0 % (not done on time)."""
    followup(agent, rule, 1, dt.date(2026, 10, 12), done=dt.date(2026, 11, 24))
    followup(agent, rule, 2, dt.date(2026, 10, 13), done=dt.date(2026, 11, 25))
    followup(agent, rule, 3, dt.date(2026, 11, 23), done=dt.date(2026, 11, 24))  # on time
    days_rebuild(dt.date(2026, 10, 1), dt.date(2026, 12, 1))
    week = range_of("this_week", today=dt.date(2026, 11, 25))
    rows = report(user=lead, name="followups", r=week, group="week")["tables"][0]["rows"]
    #         family, due, on time, completion %, done in the week, dissatisfied
    assert rows == [["7DC", 1, 1, 100.0, 3, 0]]
    october = range_of("custom", "2026-10-01", "2026-10-31")
    rows = report(user=lead, name="followups", r=october, group="month")["tables"][0]["rows"]
    assert rows == [["7DC", 2, 0, 0.0, 0, 0]]


def test_a_0_to_10_item_stays_on_its_scale(agent, lead, rule):
    followup(agent, rule, 1, dt.date(2026, 11, 2), done=dt.date(2026, 11, 3),
             answers={"nps": 9, "service": 4})  # fmt: skip
    followup(agent, rule, 2, dt.date(2026, 11, 2), done=dt.date(2026, 11, 3),
             answers={"nps": 6, "service": 5})  # fmt: skip
    days_rebuild(dt.date(2026, 11, 1), dt.date(2026, 11, 8))
    r = range_of("custom", "2026-11-01", "2026-11-30")
    questions = report(user=lead, name="followups", r=r)["tables"][2]["rows"]
    assert ["7DC", "nps", "0–10", 2, 7.5] in questions
    assert ["7DC", "service", "0–5", 2, 4.5] in questions


def test_dissatisfaction_reasons_are_the_questions_answered_unhappily(agent, lead, rule):
    for n, nps in enumerate((3, 2, 9)):
        followup(agent, rule, n, dt.date(2026, 11, 2), done=dt.date(2026, 11, 3),
                 answers={"nps": nps, "service": 5})  # fmt: skip
    days_rebuild(dt.date(2026, 11, 1), dt.date(2026, 11, 8))
    r = range_of("custom", "2026-11-01", "2026-11-30")
    reasons = report(user=lead, name="followups", r=r)["tables"][3]["rows"]
    assert reasons == [["7DC", "推荐意愿", "< 6", 2]]  # 0–10: below 6 is unhappy


def test_workload_and_answer_speed_by_agent_and_period(agent, other_agent, lead):
    day = dt.date(2026, 11, 10)
    for who, channel, category, ring, answer in (
        (agent, "inbound_call", "consultation", 0, 5),
        (agent, "inbound_call", "repair", 0, 40),  # answered after the 15 s
        (other_agent, "visit", "consultation", None, None),
    ):
        Interaction.objects.create(
            agent=who, channel=channel, category=category, content="x", occurred_at=at(day),
            ring_at=at(day) if ring is not None else None,
            answered_at=at(day) + dt.timedelta(seconds=answer) if answer else None,
        )  # fmt: skip
    days_rebuild(day, day + dt.timedelta(days=1))
    r = range_of("custom", "2026-11-09", "2026-11-15")
    load = report(user=lead, name="workload", r=r, group="day")
    by_agent = {row[0]: row for row in load["tables"][0]["rows"]}
    assert by_agent[agent.display_name][1] == 2 and by_agent[other_agent.display_name][1] == 1
    assert len(load["tables"][1]["rows"]) == 7  # a row per day, empty days included
    only_calls = report(user=lead, name="workload", r=r, channel="inbound_call")
    assert [row[1] for row in only_calls["tables"][0]["rows"]] == [2]
    speed = report(user=lead, name="answer_speed", r=r)["tables"][0]["rows"]
    assert speed == [[agent.display_name, 2, 2, 1, 50.0]]
    by_hour = report(user=lead, name="answer_speed", r=r)["tables"][2]["rows"]
    assert by_hour == [["10:00", 2, 1, 50.0]]  # the hour they rang, the center's clock
    # one team's figures: the people of its department
    from kefu.accounts.models import Department
    from kefu.core.errors import ValidationFailed

    team = Department.objects.create(code="team-b", name="二班")
    type(agent).objects.filter(pk=other_agent.pk).update(department=team)
    mine = report(user=lead, name="workload", r=r, department="team-b")["tables"][0]["rows"]
    assert [(row[0], row[1]) for row in mine] == [(other_agent.display_name, 1)]
    with pytest.raises(ValidationFailed) as unknown:
        report(user=lead, name="workload", r=r, department="nope")
    assert unknown.value.errors[0].field == "department"


def test_a_range_by_week_or_month_has_every_period_it_touches():
    """Found by the property test below: a Wednesday-to-Tuesday range lost its second week."""
    from kefu.reports.periods import buckets

    wed_to_tue = range_of("custom", "2026-09-02", "2026-09-08")
    assert buckets(wed_to_tue, "week") == [dt.date(2026, 8, 31), dt.date(2026, 9, 7)]
    mid_months = range_of("custom", "2026-01-31", "2026-03-01")
    assert buckets(mid_months, "month") == [dt.date(2026, 1, 1), dt.date(2026, 2, 1),
                                             dt.date(2026, 3, 1)]  # fmt: skip
    assert len(buckets(range_of("custom", "2026-09-02", "2026-09-08"), "day")) == 7


def test_ranges_groups_and_filters_are_checked(lead, agent):
    from kefu.core.errors import PermissionDenied, ValidationFailed

    with pytest.raises(ValidationFailed) as e:
        range_of("custom", "2026-11-30", "2026-11-01")
    assert e.value.errors[0].field == "until"
    with pytest.raises(ValidationFailed) as e:
        range_of("custom", "2020-01-01", "2026-01-01")  # over three years
    assert e.value.errors[0].code == "too_long"
    with pytest.raises(ValidationFailed) as e:
        report(user=lead, name="workload", r=range_of("this_year"), group="hour")
    assert e.value.errors[0].field == "group"
    with pytest.raises(PermissionDenied):
        report(user=agent, name="workload", r=range_of("today"))
    assert range_of("last_month", today=dt.date(2026, 1, 15)).label() == "2025-12-01–2025-12-31"


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    days=st.lists(st.integers(0, 59), min_size=1, max_size=25),
    since=st.integers(0, 59),
    length=st.integers(0, 59),
)
def test_the_aggregates_match_raw_counts_for_any_range(agent, lead, days, since, length):
    """Whatever contacts exist and whatever range is asked, the report's total is the raw
    count of contacts in that range (local days)."""
    Interaction.objects.all().delete()
    first = dt.date(2026, 9, 1)
    for n, offset in enumerate(days):
        Interaction.objects.create(agent=agent, channel="inbound_call", category="consultation",
                                   content=str(n), occurred_at=at(first + dt.timedelta(days=offset),
                                                                  hour=n % 24))  # fmt: skip
    days_rebuild(first, first + dt.timedelta(days=61))
    start = first + dt.timedelta(days=since)
    last = start + dt.timedelta(days=length)
    r = range_of("custom", str(start), str(last))
    rows = report(user=lead, name="workload", r=r, group="week")["tables"][0]["rows"]
    total = rows[0][1] if rows else 0
    tz_start = dt.datetime.combine(start, dt.time(0), tzinfo=TZ)
    tz_end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)
    assert total == Interaction.objects.filter(occurred_at__gte=tz_start,
                                               occurred_at__lt=tz_end).count()  # fmt: skip


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    orders=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 9), st.integers(-3, 3)),
                    min_size=1, max_size=12),
    since=st.integers(0, 29),
    length=st.integers(0, 29),
)  # fmt: skip
def test_work_order_figures_match_raw_counts_for_any_range(lead, orders, since, length):
    """Work orders created, done, done on time and stalled in a range are the raw counts of
    that range, however creation, completion and due times fall, and the periods add up to
    the whole."""
    from kefu.accounts.models import Department
    from kefu.tickets.models import WorkOrder

    WorkOrder.objects.all().delete()
    dept, _ = Department.objects.get_or_create(code="svc", name="售后")
    first = dt.date(2026, 9, 1)
    for n, (created, took, late) in enumerate(orders):
        made = at(first + dt.timedelta(days=created), hour=9)
        done = made + dt.timedelta(days=took) if took < 8 else None  # 8, 9: still open
        due = (done or made + dt.timedelta(days=5)) + dt.timedelta(days=late)
        order = WorkOrder.objects.create(number=f"H{n}", category="fault", title="x",
                                         department=dept, status="done" if done else "new",
                                         due_at=due, done_at=done)  # fmt: skip
        WorkOrder.objects.filter(pk=order.pk).update(created_at=made)
    days_rebuild(first - dt.timedelta(days=5), first + dt.timedelta(days=50))
    start = first + dt.timedelta(days=since)
    r = range_of("custom", str(start), str(start + dt.timedelta(days=length)))
    tables = report(user=lead, name="work_orders", r=r, group="week")["tables"]
    row = tables[0]["rows"][0][1:] if tables[0]["rows"] else [0, 0, 0, None, 0, 0, 0]
    lo = dt.datetime.combine(r.start, dt.time(0), tzinfo=TZ)
    hi = dt.datetime.combine(r.end, dt.time(0), tzinfo=TZ)
    raw = WorkOrder.objects.all()
    done = raw.filter(done_at__gte=lo, done_at__lt=hi)
    assert row[0] == raw.filter(created_at__gte=lo, created_at__lt=hi).count()
    assert row[1] == done.count()
    assert row[2] == sum(1 for o in done if o.done_at <= o.due_at)
    assert row[4] == sum(1 for o in raw.filter(due_at__gte=lo, due_at__lt=hi)
                         if o.done_at is None or o.done_at > o.due_at)  # fmt: skip
    periods = tables[1]["rows"]
    assert sum(p[1] for p in periods) == row[0] and sum(p[2] for p in periods) == row[1]


def test_the_report_page_and_its_xlsx_named_by_period(agent, lead):
    Interaction.objects.create(agent=agent, channel="visit", category="consultation",
                               content="x", occurred_at=at(dt.date(2026, 11, 10)))  # fmt: skip
    days_rebuild(dt.date(2026, 11, 10), dt.date(2026, 11, 11))
    c = Client()
    c.force_login(lead)
    query = {"range": "custom", "since": "2026-11-01", "until": "2026-11-30", "group": "week"}
    page = c.get("/reports/r/workload/", query).content.decode()
    assert "2026-11-01–2026-11-30" in page and "2026-W46" in page
    r = c.get("/reports/r/workload/", {**query, "format": "xlsx"})
    assert 'filename="workload-20261101-20261130.xlsx"' in r["Content-Disposition"]
    book = load_workbook(io.BytesIO(r.content))
    assert len(book.sheetnames) == 2
    assert book.worksheets[0]["B2"].value == 1
    from kefu.accounts.models import Department

    Department.objects.create(code="cs", name="客服部")
    team = c.get("/reports/r/workload/", {**query, "department": "cs"}).content.decode()
    assert 'value="cs" selected' in team and "仍为全中心" in team  # what the filter leaves
    bad = c.get("/reports/r/workload/", {"range": "custom", "since": "x", "until": ""})
    assert bad.status_code == 422 and "since" in bad.content.decode()
    api = Client(HTTP_AUTHORIZATION="")
    assert api.get("/api/v1/reports/workload").status_code == 401


def test_work_order_timeliness_and_complaints_by_class_and_department(lead, agent):
    """Work orders: created and done on their days, on time when done by their due time;
    complaints received and closed by class and department (顾客投诉分类统计)."""
    from kefu.accounts.models import Department
    from kefu.complaints.models import Complaint
    from kefu.tickets.models import WorkOrder

    service = Department.objects.create(code="service", name="售后服务部")
    day = dt.date(2026, 11, 10)
    for n, (due_hours, done_hours) in enumerate(((24, 2), (1, 5))):  # on time, late
        due, done = (
            at(day) + dt.timedelta(hours=due_hours),
            at(day) + dt.timedelta(hours=done_hours),
        )
        order = WorkOrder.objects.create(number=f"WO{n}", category="fault", title="漏水",
                                         department=service, status="done", due_at=due,
                                         done_at=done)  # fmt: skip
        WorkOrder.objects.filter(pk=order.pk).update(created_at=at(day))
    for n, cls in enumerate(("service_attitude", "service_attitude", "repair_quality")):
        Complaint.objects.create(number=f"TS{n}", complainant_name="王", channel="inbound_call",
                                 received_at=at(day), content="x", handler=agent,
                                 created_by=agent,
                                 stage="judgment", stage_entered_at=at(day),
                                 complaint_class=cls, department=service)  # fmt: skip
    days_rebuild(day, day + dt.timedelta(days=1))
    r = range_of("custom", "2026-11-01", "2026-11-30")
    orders = report(user=lead, name="work_orders", r=r, group="week")["tables"][0]["rows"]
    # department, created, done, on time, rate, stalled (the late one), urged, escalated
    assert orders == [["售后服务部", 2, 2, 1, 50.0, 1, 0, 0]]
    tables = report(user=lead, name="complaints", r=r)["tables"]
    by_class = {row[0]: row[1:3] for row in tables[0]["rows"]}
    # received and share, and the 合计 row
    assert by_class == {"服务态度": [2, 66.7], "维修质量": [1, 33.3], "合计": [3, 100.0]}
    assert tables[0]["columns"][-1] == "售后服务部"  # received by department across
    assert tables[1]["rows"] == [["售后服务部", 3, 100.0, 0, 0, None, 0, 0.0]]
    # a department's own: its work orders and the complaints given to it
    Department.objects.create(code="sales", name="销售部")
    own = report(user=lead, name="work_orders", r=r, department="service")["tables"][0]
    assert own["rows"] == orders
    other = report(user=lead, name="complaints", r=r, department="sales")["tables"]
    assert other[1]["rows"] == []


def test_stalls_urges_reopenings_compensation_stage_times_care_and_qa(lead, agent):
    """The rest of R-8.1 from the same daily counts: a work order that passed its due time
    undone stalls on that day, urges and escalations count; a complaint's reopening,
    its compensation in yuan and each stage's average hours; care messages sent, failed and
    skipped by reason; QA scores as a share of the form's total."""
    from kefu.accounts.models import Department
    from kefu.care.models import Message
    from kefu.complaints.models import (
        Complaint,
        ComplaintCompensation,
        ComplaintEvent,
        ComplaintStageRecord,
    )
    from kefu.customers.tests.factories import make_customer
    from kefu.quality.models import EvaluationForm, EvaluationItem, Inspection
    from kefu.tickets.models import WorkOrder, WorkOrderEvent

    day = dt.date(2026, 11, 10)
    service = Department.objects.create(code="service", name="售后服务部")
    stalled = WorkOrder.objects.create(number="WO9", category="fault", title="异响",
                                       department=service, status="in_progress",
                                       due_at=at(day, 9))  # fmt: skip
    for kind in ("urge", "urge", "escalate"):
        event = WorkOrderEvent.objects.create(work_order=stalled, kind=kind)
        WorkOrderEvent.objects.filter(pk=event.pk).update(created_at=at(day, 11))
    complaint = Complaint.objects.create(
        number="TS9", complainant_name="王", channel="inbound_call", received_at=at(day, 8),
        content="x", handler=agent, created_by=agent, stage="review",
        stage_entered_at=at(day), complaint_class="delivery")  # fmt: skip
    ComplaintStageRecord.objects.create(
        complaint=complaint, stage="judgment", entered_at=at(day, 8), completed_at=at(day, 11)
    )
    ComplaintStageRecord.objects.create(
        complaint=complaint,
        stage="judgment",
        round=1,
        entered_at=at(day, 12),
        completed_at=at(day, 13),
    )
    ComplaintCompensation.objects.create(complaint=complaint, form="cash", amount="250.50",
                                         recorded_by=lead)  # fmt: skip
    ComplaintCompensation.objects.filter(complaint=complaint).update(recorded_at=at(day, 14))
    closed = Complaint.objects.filter(pk=complaint.pk)
    closed.update(closed_at=at(day, 15))
    reopened = ComplaintEvent.objects.create(complaint=complaint, kind="reopened")
    ComplaintEvent.objects.filter(pk=reopened.pk).update(created_at=at(day, 16))
    customer = make_customer(lead, "李四")
    for n, (status, reason) in enumerate(
        (
            ("sent", ""),
            ("sent", ""),
            ("failed", ""),
            ("skipped", "opt_out"),
            ("skipped", "no_mobile"),
        )
    ):
        Message.objects.create(
            key=f"m{n}",
            customer=customer,
            channel="sms",
            body="生日快乐",
            scheduled_for=at(day, 9),
            status=status,
            skip_reason=reason,
        )
    form = EvaluationForm.objects.create(code="f", name="评分表")
    EvaluationItem.objects.create(form=form, name="服务用语", points=40)
    EvaluationItem.objects.create(form=form, name="服务态度", points=40)
    for score in (72, 60):  # of 80: 90 % and 75 %
        call = Interaction.objects.create(
            channel="inbound_call", agent=agent, occurred_at=at(day), category="consult"
        )
        Inspection.objects.create(agent=agent, interaction=call, month=day.replace(day=1),
                                  form=form, status="scored", score=score,
                                  scored_at=at(day, 17))  # fmt: skip
    days_rebuild(day, day + dt.timedelta(days=1))
    r = range_of("custom", "2026-11-01", "2026-11-30")
    orders = report(user=lead, name="work_orders", r=r)["tables"]
    assert orders[0]["rows"] == [["售后服务部", 0, 0, 0, None, 1, 2, 1]]
    assert orders[2]["rows"][0][:2] == ["售后服务部", 1]  # still overdue now
    tables = report(user=lead, name="complaints", r=r)["tables"]
    delivery = tables[0]["rows"][0]
    #        class, received, share, closed, reopened, reopen rate, compensations, yuan
    assert delivery[:8] == ["交付/送货", 1, 100.0, 1, 1, 100.0, 1, 250.5]
    assert tables[2]["rows"] == [["判断", 2, 2.0]]  # (3 h + 1 h) / 2
    care = report(user=lead, name="care", r=r)["tables"]
    #                     due, sent, failed, skipped, waiting, delivered %
    assert care[0]["rows"] == [["短信", 5, 2, 1, 2, 0, 40.0]]
    assert care[1]["rows"] == [["短信", "无手机号", 1], ["短信", "顾客拒收", 1]]
    qa = report(user=lead, name="quality", r=r)["tables"]
    assert qa[0]["rows"] == [[agent.display_name or agent.username, 2, 82.5]]


def test_scheduled_reports_are_mailed_once_and_archived(lead, agent, settings):
    """R-8.1: the 7DC/3DC daily report every morning, the weekly summary on Mondays — made
    once per period, e-mailed as XLSX to the recipients, kept in the archive."""
    from django.core import mail

    from kefu.reports.models import ReportArchive, ScheduledReport
    from kefu.reports.scheduled import reports_send, scheduled_seed

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    scheduled_seed()
    ScheduledReport.objects.filter(code="followups-daily").update(recipients="lead@example.cn")
    monday = dt.date(2026, 11, 23)
    assert reports_send(monday) == 1
    assert reports_send(monday) == 0  # the same period is not sent twice
    (sent,) = mail.outbox
    assert sent.to == ["lead@example.cn"] and sent.subject.startswith("回访日报 2026-11-22")
    name, content, _kind = sent.attachments[0]
    assert name == "followups-daily-20261122-20261122.xlsx"
    assert load_workbook(io.BytesIO(content)).sheetnames[0] == "按回访类型"
    # the weekly one has no recipients yet: made and archived, not sent
    weekly = ReportArchive.objects.get(scheduled__code="workload-weekly")
    assert weekly.stamp == "20261116-20261122" and not weekly.sent_to
    assert not ReportArchive.objects.filter(scheduled__code="monthly").exists()  # the 1st
    c = Client()
    c.force_login(lead)
    page = c.get("/reports/archive/").content.decode()
    assert "回访日报" in page and "lead@example.cn" in page
    r = c.get(f"/reports/archive/{weekly.pk}.xlsx")
    assert r.status_code == 200 and load_workbook(io.BytesIO(r.content)).sheetnames
    c.force_login(agent)
    assert c.get("/reports/archive/").status_code == 403
