"""Customer analysis (R-8.2): standings from the records (region, age band, last visit,
purchases, last complaint), the RFM segments, the groups report, churn lists that become
win-back calls once a month, and satisfaction by customer level."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from kefu.complaints.models import Complaint
from kefu.customers.models import Asset
from kefu.customers.tests.factories import make_customer
from kefu.followups.models import FollowUp, LifecycleEvent
from kefu.reports.aggregate import days_rebuild
from kefu.reports.analysis import age_band, region_of, snapshot, standings_rebuild
from kefu.reports.churn import churn_list, churn_rules_seed, winback_create
from kefu.reports.models import CustomerStanding
from kefu.reports.periods import range_of
from kefu.reports.selectors import report

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()
TODAY = dt.date(2026, 11, 24)


def at(day):
    return dt.datetime.combine(day, dt.time(10), tzinfo=TZ)


def test_region_from_the_address_else_the_id_number():
    assert region_of("广东省深圳市南山区科技园", "") == "广东省"
    assert region_of("北京朝阳区建国路 1 号", "") == "北京市"
    assert region_of("新疆维吾尔自治区乌鲁木齐市", "") == "新疆维吾尔自治区"
    assert region_of("朝阳区 1 号", "11010119900307299X") == "北京市"  # the ID's region
    assert region_of("朝阳区 1 号", "") == ""
    assert region_of("", "not a number") == ""


def test_age_bands():
    assert age_band(dt.date(2001, 11, 25), TODAY) == "<25"  # 24 until tomorrow
    assert age_band(dt.date(2001, 11, 24), TODAY) == "25–34"
    assert age_band(dt.date(1960, 1, 1), TODAY) == "55+"
    assert age_band(None, TODAY) == ""


@pytest.fixture
def center(lead, agent):
    """Four customers: one came for service last month, one not for eight months, one
    complained four months ago and has not come back, one bought twice (a VIP)."""
    churn_rules_seed("auto")
    recent = make_customer(agent, "近期", address="北京市朝阳区 1 号")
    gone = make_customer(agent, "久未", address="上海市浦东新区 2 号")
    complained = make_customer(agent, "投诉", birthday="1990-03-07")
    loyal = make_customer(agent, "忠诚", level="vip", source="老客户介绍")
    for customer, day in ((recent, dt.date(2026, 10, 20)), (gone, dt.date(2026, 3, 10)),
                          (complained, dt.date(2026, 6, 1)), (loyal, dt.date(2026, 11, 1)),
                          (loyal, dt.date(2026, 8, 1))):  # fmt: skip
        LifecycleEvent.objects.create(
            type="repair_handed_back",
            customer=customer,
            occurred_at=at(day),
            key=f"e{customer.pk}{day}",
        )
    for n, (customer, amount) in enumerate(((loyal, "180000"), (loyal, "220000"),
                                            (gone, "90000"))):  # fmt: skip
        Asset.objects.create(
            customer=customer,
            kind="vehicle",
            model="轩逸" if n else "天籁",
            amount=Decimal(amount),
            invoiced_on=dt.date(2025, 1 + n, 1),
        )
    Complaint.objects.create(number="TS1", customer=complained, complainant_name="投诉",
                             channel="inbound_call", received_at=at(dt.date(2026, 7, 10)),
                             content="x", handler=agent, created_by=agent, stage="closed",
                             stage_entered_at=at(dt.date(2026, 7, 10)))  # fmt: skip
    return {"recent": recent, "gone": gone, "complained": complained, "loyal": loyal}


def test_standings_rfm_and_churn_lists(center, lead, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)
    assert standings_rebuild(TODAY, batch=2) == 4  # in batches: two of two
    s = {c: CustomerStanding.objects.get(customer=center[c]) for c in center}
    assert s["recent"].region == "北京市" and s["gone"].region == "上海市"
    assert s["complained"].age_band == "35–44"
    assert s["loyal"].last_service_on == dt.date(2026, 11, 1) and s["loyal"].visits_year == 2
    assert s["loyal"].purchases == 2 and s["loyal"].amount == Decimal("400000")
    assert s["complained"].last_complaint_on == dt.date(2026, 7, 10)
    assert s["loyal"].segment == "111"  # recent, frequent, big: 重要价值客户
    assert s["gone"].segment[0] == "0"  # not recent
    six = churn_list(user=lead, code="no-visit-6m")
    assert [r["name"] for r in six["rows"]] == ["久未"] and six["rows"][0]["months"] == 8
    after = churn_list(user=lead, code="after-complaint")
    assert [r["name"] for r in after["rows"]] == ["投诉"]
    assert churn_list(user=lead, code="no-visit-12m")["total"] == 0


def test_the_groups_and_loyalty_reports_read_the_days_counts(center, lead, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)
    standings_rebuild(TODAY)
    snapshot(TODAY)
    r = range_of("custom", "2026-11-01", "2026-11-30")
    tables = report(user=lead, name="customers", r=r, group="month")["tables"]
    levels = {row[0]: row[1:] for row in tables[0]["rows"]}
    assert levels["VIP"] == [1, 25.0] and levels["普通"] == [3, 75.0]
    regions = {row[0]: row[1] for row in tables[1]["rows"]}
    assert regions == {"北京市": 1, "上海市": 1, "未知": 2}
    models = {row[0]: row[1:] for row in tables[4]["rows"]}
    assert models["轩逸"] == [2, 310000.0]
    structure = dict(tables[5]["rows"])
    assert structure["复购客户（2 件及以上）"] == 1 and structure["转介绍客户"] == 1
    assert tables[6]["rows"] == [["2026-11", 4]]  # the trend
    loyalty = report(user=lead, name="loyalty", r=r)["tables"]
    segments = {row[1]: row[2] for row in loyalty[0]["rows"]}
    assert segments["111"] == 1 and sum(segments.values()) == 4
    churn = {row[0]: row[3] for row in loyalty[1]["rows"]}
    assert churn == {"6 个月未回厂": 1, "12 个月未回厂": 0, "投诉后 3 个月未回厂": 1}


def test_a_churn_list_becomes_win_back_calls_once_a_month(center, lead, agent, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)
    standings_rebuild(TODAY)
    made = winback_create(actor=lead, code="no-visit-6m", limit=10)
    assert made == {"created": 1, "skipped_opt_out": 0}
    call = FollowUp.objects.get(source_key__startswith="winback:no-visit-6m:")
    assert call.customer == center["gone"] and call.owner == agent  # the customer's agent
    assert call.family == "挽回" and call.rule.script.code == "win-back"
    assert call.due_on == TODAY and call.due_by == TODAY + dt.timedelta(days=7)
    assert winback_create(actor=lead, code="no-visit-6m", limit=10)["created"] == 0
    assert churn_list(user=lead, code="no-visit-6m")["rows"][0]["winback_open"] is True
    from kefu.core.errors import PermissionDenied, ValidationFailed

    with pytest.raises(PermissionDenied):
        winback_create(actor=agent, code="no-visit-6m", limit=10)
    with pytest.raises(ValidationFailed) as refused:
        winback_create(actor=lead, code="no-visit-6m", limit=501)
    assert refused.value.errors[0].field == "limit"


def test_satisfaction_by_customer_level(center, lead, agent, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)
    standings_rebuild(TODAY)
    day = dt.date(2026, 11, 20)
    for n, (customer, result) in enumerate(((center["loyal"], "satisfied"),
                                            (center["recent"], "unsatisfied"),
                                            (center["gone"], "satisfied"))):  # fmt: skip
        FollowUp.objects.create(kind="rule", family="7DC", owner=agent, customer=customer,
                                due_on=day, due_by=day, source_key=f"s{n}", status="done",
                                done_at=at(day), result=result)  # fmt: skip
    days_rebuild(day, day + dt.timedelta(days=1))
    r = range_of("custom", "2026-11-01", "2026-11-30")
    rows = {row[0]: row[1:] for row in report(user=lead, name="loyalty", r=r)["tables"][2]["rows"]}
    assert rows["级别 VIP"] == [1, 1, 0, 100.0]
    assert rows["级别 普通"] == [2, 1, 1, 50.0]
    assert rows["RFM 重要价值客户"] == [1, 1, 0, 100.0]


def test_the_churn_page_lists_exports_and_makes_calls(center, lead, agent, monkeypatch):
    standings_rebuild(timezone.localdate())
    snapshot(timezone.localdate())
    c = Client()
    c.force_login(lead)
    index = c.get("/reports/churn/").content.decode()
    assert "6 个月未回厂" in index
    loyalty = c.get("/reports/r/loyalty/").content.decode()
    assert '<a href="/reports/churn/no-visit-6m/">6 个月未回厂</a>' in loyalty
    page = c.get("/reports/churn/no-visit-6m/")
    assert page.status_code == 200
    download = c.get("/reports/churn/no-visit-6m/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(download.content)).worksheets[0]
    assert sheet["A1"].value == "客户编号"
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [
        r["name"] for r in churn_list(user=lead, code="no-visit-6m", limit=200)["rows"]
    ]
    bad = c.post("/reports/churn/no-visit-6m/", {"limit": "0"})
    assert bad.status_code == 422 and "500" in bad.content.decode()
    c.force_login(agent)
    assert c.get("/reports/churn/no-visit-6m/").status_code == 403


def test_a_churn_list_turns_into_a_care_campaign_once_a_month(center, lead, agent, monkeypatch):
    """R-8.2: the list's customers get a campaign's message (a return offer), queued for
    the sender; a second click sends nothing twice; a customer without a mobile is kept as
    skipped with the reason."""
    from kefu.care.models import CareRule, Message, MessageTemplate
    from kefu.reports.churn import churn_care

    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)
    standings_rebuild(TODAY)
    template = MessageTemplate.objects.create(
        code="come-back",
        name="回厂优惠",
        channel="sms",
        body="【{center}】{name}{title}，回厂保养享 8 折",
    )
    CareRule.objects.create(code="come-back", name="回厂优惠", kind="campaign",
                            campaign_date="2026-12-01", template=template)  # fmt: skip
    result = churn_care(actor=lead, code="no-visit-6m", rule_code="come-back", limit=100)
    assert result == {"queued": 1, "skipped": 0, "already": 0}
    message = Message.objects.get(key__startswith="list:churn:no-visit-6m:202611:")
    assert message.customer == center["gone"] and "回厂保养享 8 折" in message.body
    again = churn_care(actor=lead, code="no-visit-6m", rule_code="come-back", limit=100)
    assert again == {"queued": 0, "skipped": 0, "already": 1}
    from kefu.core.errors import PermissionDenied, ValidationFailed

    with pytest.raises(ValidationFailed) as unknown:
        churn_care(actor=lead, code="no-visit-6m", rule_code="birthday", limit=100)
    assert unknown.value.errors[0].field == "rule"
    with pytest.raises(PermissionDenied):
        churn_care(actor=agent, code="no-visit-6m", rule_code="come-back", limit=100)
    # codes at their longest still make keys that fit the column (100)
    from kefu.reports.models import ChurnRule

    ChurnRule.objects.filter(code="no-visit-6m").update(code="n" * 40)
    CareRule.objects.filter(code="come-back").update(code="c" * 40)
    churn_care(actor=lead, code="n" * 40, rule_code="c" * 40, limit=100)
    longest = max(len(k) for k in Message.objects.values_list("key", flat=True))
    assert longest <= 100 and Message.objects.count() == 2
