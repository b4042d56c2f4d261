"""Issue 14 in Debian's Chromium: the agent works a renewal campaign from the runner — the
script in seed 000's order, an objection's answer opened, the call back refused without its
time, then the sale recorded; the list is done and the lead's campaign page counts it
(R-9.3)."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kefu.console.tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    browser,
    center,
    chromium,
    page_as,
    shot,
)
from kefu.customers.tests.factories import make_customer
from kefu.outbound import services as svc
from kefu.outbound.models import CampaignCall
from kefu.outbound.tests.factories import make_campaign, make_segment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


def test_the_campaign_runner(browser, live_server, center):
    lead, agent = center["lead"], center["agent1"]
    make_customer(lead, name="王会员", level="member", gender="male")
    segment = make_segment(lead, [{"field": "level", "op": "in", "value": ["member"]}], "会员")
    today = dt.date.today()
    campaign = make_campaign(lead, segment, [agent], starts_on=today - dt.timedelta(days=1),
                             ends_on=today + dt.timedelta(days=1), hours="00:00-23:59")  # fmt: skip
    svc.campaign_build(actor=lead, campaign=campaign)
    svc.campaign_distribute(actor=lead, campaign=campaign)
    svc.campaign_set_status(actor=lead, campaign=campaign, status="active")
    call = CampaignCall.objects.get(campaign=campaign)
    page = page_as(browser, live_server, "agent1")
    page.click("header nav >> text=外呼")
    expect(page.locator("section.card").first).to_contain_text("续保季")
    page.goto(f"{live_server.url}/outbound/calls/{call.pk}/")
    expect(page.locator("section.script")).to_contain_text("王会员先生")
    page.click("summary:has-text('外面更便宜')")
    expect(page.locator("section.script")).to_contain_text("店内续保理赔不用来回跑")
    shot(page, "campaign-runner")
    page.click("button[value=call_back]")
    expect(page.locator("p.error[role=alert]").first).to_contain_text("请填写时间")
    page.fill("textarea[name=note]", "客户同意续保，交强险+商业险")
    page.click("button[value=sold]")
    page.wait_for_url(f"{live_server.url}/outbound/")
    call.refresh_from_db()
    assert call.outcome == "sold" and call.status == "done"
    boss = page_as(browser, live_server, "lead")
    boss.goto(f"{live_server.url}/outbound/campaigns/{campaign.pk}/")
    expect(boss.locator("tr.total")).to_contain_text("100.0%")
    shot(boss, "campaign-results")
