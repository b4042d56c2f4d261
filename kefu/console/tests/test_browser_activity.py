"""Issue 14 in Debian's Chromium: check-in at the door of an activity — the phone number
typed into the big box, the person marked attended; a member card checks in too and earns
the level's points (R-9.2, R-9.1)."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kefu.activities import services as svc
from kefu.console.tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    browser,
    center,
    chromium,
    page_as,
    shot,
)
from kefu.customers.tests.factories import make_customer
from kefu.members.services import member_join, points_balance

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


def test_check_in_at_the_door(browser, live_server, center):
    lead, agent = center["lead"], center["agent1"]
    guest = make_customer(lead, name="王会员", phones=["13911112222"])
    card = member_join(actor=agent, customer=guest, data={"level": "silver"}).card_no
    other = make_customer(lead, name="李车主", phones=["13933334444"])
    start = timezone.now() + dt.timedelta(hours=1)
    a = svc.activity_save(actor=lead, data={
        "name": "冬季用车讲座", "kind": "lecture", "place": "展厅二楼", "capacity": 20,
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=2)).isoformat()})  # fmt: skip
    svc.activity_open(actor=lead, activity=a)
    for c in (guest, other):
        svc.registration_add(actor=agent, activity=a, customer=c, source="console")
    page = page_as(browser, live_server, "agent1")
    page.click("header nav >> text=活动")
    page.click("text=冬季用车讲座")
    page.fill("input[name=query]", "139 3333 4444")
    page.click("section.checkin button")
    expect(page.locator(".messages, main")).to_contain_text("李车主 签到成功")
    page.fill("input[name=query]", card)
    page.click("section.checkin button")
    expect(page.locator(".messages, main")).to_contain_text("王会员 签到成功")
    expect(page.locator("table.figures").first).to_contain_text("2")
    shot(page, "activity-checkin")
    assert points_balance(guest) == 20
