"""The wall board and the role dashboards (R-8.4): the board's live figures for the team's
room, and each role's first figures against the period before."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.followups.models import FollowUp
from kefu.interactions.models import Interaction
from kefu.reports.aggregate import days_rebuild
from kefu.reports.board import role_dashboard, wall
from kefu.tickets.models import WorkOrder

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


def at(day, hour, minute=0, second=0):
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=TZ)


def test_the_wall_board_counts_calls_now_and_today(lead, agent, other_agent):
    from kefu.accounts.models import Department

    today = dt.date(2026, 11, 24)
    now = at(today, 10, 30)
    call = dict(channel="inbound_call", agent=agent, category="consult")
    # answered in 5 s and over; answered in 40 s; ringing now; in a call now
    Interaction.objects.create(
        **call,
        occurred_at=at(today, 9),
        ring_at=at(today, 9),
        answered_at=at(today, 9, 0, 5),
        ended_at=at(today, 9, 5),
    )
    Interaction.objects.create(
        **call,
        occurred_at=at(today, 9),
        ring_at=at(today, 9, 10),
        answered_at=at(today, 9, 10, 40),
        ended_at=at(today, 9, 15),
    )
    Interaction.objects.create(**call, occurred_at=now, ring_at=now - dt.timedelta(seconds=20))
    # ringing 5 s: inside the answer time, neither in time nor late yet
    Interaction.objects.create(**call, occurred_at=now, ring_at=now - dt.timedelta(seconds=5))
    Interaction.objects.create(**call, occurred_at=now, ring_at=at(today, 10, 20),
                               answered_at=at(today, 10, 20, 3))  # fmt: skip
    # yesterday's call is not today's
    Interaction.objects.create(
        **call, occurred_at=at(today, 9), ring_at=at(today, 9) - dt.timedelta(days=1)
    )
    for n, status in enumerate(("done", "pending", "pending")):
        FollowUp.objects.create(kind="rule", family="7DC", owner=agent, due_on=today,
                                due_by=today, source_key=f"w{n}", status=status,
                                done_at=at(today, 9) if status == "done" else None)  # fmt: skip
    service = Department.objects.create(code="svc", name="售后")
    WorkOrder.objects.create(
        number="WO1",
        category="fault",
        title="漏水",
        department=service,
        status="in_progress",
        due_at=now - dt.timedelta(hours=1),
    )
    WorkOrder.objects.create(
        number="WO2",
        category="fault",
        title="异响",
        department=service,
        status="in_progress",
        due_at=now + dt.timedelta(hours=1),
    )
    type(agent).objects.filter(pk=other_agent.pk).update(status="available")
    type(agent).objects.filter(pk=agent.pk).update(status="in_call")
    w = wall(user=lead, now=now)
    assert (w["ringing"], w["talking"]) == (2, 1)
    assert (w["calls"], w["answered"], w["within"], w["decided"]) == (5, 3, 2, 4)
    assert w["within_pct"] == 50.0
    assert (w["fu_done"], w["fu_due"]) == (1, 3)
    assert w["overdue_orders"] == 1
    assert (w["available"], w["in_call"]) == (1, 1)
    hourly = {row[0]: row[1:] for row in w["hourly"]["rows"]}
    assert hourly["09"] == [2, 1] and hourly["10"] == [3, 1]


def test_the_wall_board_page_and_its_figures_for_a_lead_not_an_agent(lead, agent):
    c = Client()
    c.force_login(lead)
    page = c.get("/wall/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "实时监控大屏" in html and 'data-push="/ws/console/?wall=1"' in html
    assert 'hx-trigger="every 30s, wall from:body"' in html  # refreshed, and on a push
    assert c.get("/wall/figures/").status_code == 200
    c.force_login(agent)
    assert c.get("/wall/").status_code == 403


def test_each_role_sees_its_own_figures_against_the_period_before(lead, manager, agent):
    """The lead: today against yesterday; the manager: this month against last month; the
    GM: with the twelve-month trend; the arrow's colour says whether the change is good."""
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    for day, n in ((today, 3), (yesterday, 1)):
        for i in range(n):
            Interaction.objects.create(channel="inbound_call", agent=agent, category="consult",
                                       occurred_at=at(day, 8, i), ring_at=at(day, 8, i),
                                       answered_at=at(day, 8, i, 2))  # fmt: skip
    days_rebuild(yesterday, today + dt.timedelta(days=1))
    mine = role_dashboard(user=lead, today=today)
    tiles = {t["code"]: t for t in mine["tiles"]}
    assert tiles["calls_in"]["value"] == 3 and tiles["calls_in"]["previous"] == 1
    assert tiles["calls_in"]["change"] == 2 and tiles["calls_in"]["good"] is True
    assert tiles["answer_rate"]["value"] == 100.0
    assert mine["trend"] is None
    managers = {t["code"] for t in role_dashboard(user=manager, today=today)["tiles"]}
    assert {"wo_on_time", "cp_reopen_rate", "cp_compensation"} <= managers
    gm = UserFactory(username="gm", role=Role.GM)
    trend = role_dashboard(user=gm, today=today)["trend"]
    assert len(trend["rows"]) == 12 and trend["rows"][-1][0] == f"{today:%Y-%m}"
    c = Client()
    c.force_login(lead)
    html = c.get("/reports/").content.decode()
    assert 'data-figure="calls_in"' in html and "昨日" in html
