"""Performance points 绩效积分 (R-8.3): computed from the records with each entry naming
them, recomputed idempotently; adjustments need a manager's approval; the bonus goes to
agents with at least 110 points, still employed and with three months of service, in
proportion to points."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.followups.models import FollowUp
from kefu.interactions.models import Notice
from kefu.quality.inspections import form_seed
from kefu.quality.models import EvaluationForm, Inspection
from kefu.reports.models import PointEntry, PointRule
from kefu.reports.points import bonus_year, points_compute, points_month, rules_seed

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def done_followups(agent, n, day, *, family="1M", due=None, start=0):
    for k in range(n):
        FollowUp.objects.create(
            kind="rule", family=family, owner=agent, due_on=due or day, due_by=due or day,
            source_key=f"{agent.pk}-{family}-{day}-{start + k}", status="done",
            done_at=dt.datetime.combine(day, dt.time(10), tzinfo=TZ),
        )  # fmt: skip


def test_points_come_from_the_records_and_name_them(agent, other_agent, lead):
    rules_seed()
    # agent1: 30 follow-ups in the week of 2026-11-02 (+3), fewer than 30 in every other
    # week, 120 in November (+3)
    done_followups(agent, 30, dt.date(2026, 11, 3))
    for k, day in enumerate((10, 18, 25)):
        done_followups(agent, 29, dt.date(2026, 11, day), start=100 * (k + 1))
    done_followups(agent, 3, dt.date(2026, 11, 30), start=900)
    # agent2: October's deals (7DC) all revisited by November 7th (+3)
    deals = dt.date(2026, 10, 28)
    done_followups(other_agent, 2, dt.date(2026, 11, 5), family="7DC", due=deals)
    # agent2: QA average 96 in November (+2)
    form_seed()
    from kefu.interactions.models import Interaction

    contact = Interaction.objects.create(channel="inbound_call", category="consultation",
                                         agent=other_agent, content="x",
                                         occurred_at=timezone.now())  # fmt: skip
    Inspection.objects.create(agent=other_agent, interaction=contact,
                              month=dt.date(2026, 11, 1), form=EvaluationForm.objects.get(),
                              score=96, status="scored")  # fmt: skip
    points_compute(dt.date(2026, 11, 1), today=dt.date(2026, 11, 30))
    month = {p["agent"]: p for p in points_month(user=lead, month=dt.date(2026, 11, 1))}
    assert month["agent1"]["total"] == 6
    week = next(e for e in month["agent1"]["entries"] if e["rule"] == "每周回访≥30个")
    assert week["evidence"]["type"] == "followup" and week["evidence"]["total"] == 30
    assert month["agent2"]["total"] == 5
    # recomputing gives the same, not double
    points_compute(dt.date(2026, 11, 1), today=dt.date(2026, 11, 30))
    assert PointEntry.objects.filter(month=dt.date(2026, 11, 1)).count() == 4
    # an agent sees only their own month
    assert [p["agent"] for p in points_month(user=agent, month=dt.date(2026, 11, 1))] == ["agent1"]


def test_a_deal_revisited_after_the_first_week_earns_nothing(agent):
    rules_seed()
    done_followups(agent, 1, dt.date(2026, 11, 3), family="7DC", due=dt.date(2026, 10, 20))
    done_followups(agent, 1, dt.date(2026, 11, 9), family="7DC", due=dt.date(2026, 10, 21),
                   start=5)  # fmt: skip
    points_compute(dt.date(2026, 11, 1), today=dt.date(2026, 11, 30))
    assert not PointEntry.objects.filter(rule__kind="deals_revisited").exists()


def test_salesmens_visits_verified_the_day_after_earn_4_and_a_late_one_nothing(agent, other_agent):
    """Seed 004: the customers a salesman visited are called back the next day (the
    visit-check family); every such call of the month done in time earns +4."""
    rules_seed()
    due = dt.date(2026, 11, 10)
    done_followups(agent, 2, due, family="访客核查")
    done_followups(other_agent, 1, due, family="访客核查")
    done_followups(other_agent, 1, dt.date(2026, 11, 14), family="访客核查", due=due, start=9)
    points_compute(dt.date(2026, 11, 1), today=dt.date(2026, 11, 30))
    entries = PointEntry.objects.filter(rule__kind="visits_verified")
    assert [(e.agent, e.points, len(e.evidence["ids"])) for e in entries] == [(agent, 4, 2)]


def test_a_salesmans_visit_makes_the_next_days_check_call(agent):
    """The auto preset: a salesman_visit event makes a 访客核查 follow-up due the next
    working day, with its script."""
    from kefu.customers.tests.factories import make_customer
    from kefu.followups.events import event_record
    from kefu.setup.services import preset_load

    preset_load(code="auto")
    customer = make_customer(agent, "拜访客户")
    event_record(actor=agent, data={"type": "salesman_visit", "customer_id": customer.pk,
                                    "occurred_at": "2026-11-10T15:00:00+08:00"})  # fmt: skip
    check = FollowUp.objects.get(family="访客核查")
    assert check.due_on == dt.date(2026, 11, 11) and check.rule.script.code == "visit-check"


def test_adjustments_count_once_a_manager_approves(api_as, agent, lead, manager):
    asked = {"agent": "agent1", "month": "2026-11", "points": 4, "reason": "协助处理重大投诉"}
    r = api_as(lead).post("/points/adjustments", asked)
    assert r.status_code == 201
    assert Notice.objects.filter(user=manager, text__contains="积分调整待审批").exists()
    month = api_as(lead).get("/points", month="2026-11").json()
    assert month[0]["total"] == 0 and month[0]["adjustments"][0]["status"] == "pending"
    assert api_as(lead).post(f"/points/adjustments/{r.json()['id']}/decide",
                             {"approve": True}).status_code == 403  # fmt: skip
    api_as(manager).post(f"/points/adjustments/{r.json()['id']}/decide", {"approve": True})
    assert api_as(lead).get("/points", month="2026-11").json()[0]["total"] == 4
    bad = api_as(lead).post("/points/adjustments", {"agent": "agent1", "month": "2026-11",
                                                    "points": 4, "reason": ""})  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "reason"


def test_bonus_eligibility_and_shares(lead):
    rule = PointRule.objects.create(code="x", name="x", kind="qa_band", points=1)
    cases = {  # username: points, active, joined
        "steady": (150, True, dt.date(2020, 1, 1)),
        "also": (110, True, dt.date(2020, 1, 1)),  # exactly 110: eligible
        "short": (109, True, dt.date(2020, 1, 1)),
        "left": (200, False, dt.date(2020, 1, 1)),
        "newcomer": (120, True, dt.date(2026, 11, 1)),  # under three months by year end
    }
    for name, (pts, active, joined) in cases.items():
        u = UserFactory(username=name, role=Role.AGENT, is_active=active,
                        date_joined=dt.datetime.combine(joined, dt.time(9), tzinfo=TZ))  # fmt: skip
        PointEntry.objects.create(agent=u, month=dt.date(2026, 3, 1), rule=rule, points=pts)
    rows = {r["agent"]: r for r in bonus_year(user=lead, year=2026, pool=Decimal("26000"))}
    assert [n for n, r in rows.items() if r["eligible"]] == ["steady", "also"]
    assert rows["steady"]["share"] == Decimal("15000.00")
    assert rows["also"]["share"] == Decimal("11000.00")
    assert rows["short"]["why_not"].startswith("不足") and rows["left"]["why_not"] == "年内离职"
    assert rows["newcomer"]["why_not"].startswith("入职不满")


def test_the_points_page_for_the_manager_and_the_agent(agent, lead, manager):
    from django.test import Client

    rules_seed()
    done_followups(agent, 30, dt.date(2026, 11, 3))
    points_compute(dt.date(2026, 11, 1), today=dt.date(2026, 11, 30))
    c = Client()
    c.force_login(lead)
    r = c.post("/points/?month=2026-11", {"agent": "agent1", "points": "2", "reason": "表扬信"})
    assert r.status_code == 302
    c.force_login(manager)
    page = c.get("/points/?month=2026-11&pool=1000").content.decode()
    assert "每周回访≥30个" in page and "30 条记录" in page and "批准" in page
    c.force_login(agent)
    page = c.get("/points/?month=2026-11").content.decode()
    assert "每周回访≥30个" in page and "年度积分与奖金" not in page
