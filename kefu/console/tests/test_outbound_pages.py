"""Outbound work in the console (R-9.3): a lead builds a segment (choices typed as their
labels), previews it, sets up a campaign, builds, shares and starts its list; the agent calls
from the runner and the lead sees the result."""

import datetime as dt
from unittest import mock

import pytest
from django.test import Client

from kefu.customers.tests.factories import make_customer
from kefu.outbound.models import CallCampaign, CampaignCall, Segment
from kefu.outbound.services import sales_scripts_seed

pytestmark = pytest.mark.django_db
MONDAY_10 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def signed_in(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    return c


def test_a_lead_sets_up_a_campaign_and_an_agent_calls_it(lead, agent):
    make_customer(lead, name="王会员", level="member")
    make_customer(lead, name="李普通")
    sales_scripts_seed()
    boss = signed_in(lead)
    form = {"name": "会员", "field_0": "level", "op_0": "in", "value_0": "会员"}
    preview = boss.post("/outbound/segments/new/", {**form, "action": "preview"})
    html = preview.content.decode()
    assert "符合条件：1 位有效客户" in html and "王会员" in html and "李普通" not in html
    saved = boss.post("/outbound/segments/new/", {**form, "action": "save"})
    segment = Segment.objects.get(name="会员")
    assert saved.url == f"/outbound/segments/{segment.pk}/"
    assert segment.filters == [{"field": "level", "op": "in", "value": ["member"]}]
    assert "会员等级 是其中之一 会员" in boss.get(saved.url).content.decode()
    made = boss.post("/outbound/campaigns/new/", {
        "name": "会员续保", "kind": "renewal", "segment_id": segment.pk, "script": "renewal",
        "starts_on": "2026-11-01", "ends_on": "2026-11-30", "hours": "09:00-12:00",
        "agents": ["agent1"], "cool_off_days": "7", "max_attempts": "3", "retry_hours": "4",
        "conversion_days": "30"})  # fmt: skip
    campaign = CallCampaign.objects.get(name="会员续保")
    assert made.url == f"/outbound/campaigns/{campaign.pk}/"
    for action in ("build", "distribute", "active"):
        assert boss.post(made.url, {"action": action}).status_code == 302
    page = boss.get(made.url).content.decode()
    assert "名单 1 位客户" in page and "进行中" in page
    caller = signed_in(agent)
    assert "会员续保" in caller.get("/outbound/").content.decode()
    with mock.patch("django.utils.timezone.now", return_value=MONDAY_10):
        nxt = caller.get("/outbound/next/")
        call = CampaignCall.objects.get(campaign=campaign)
        assert nxt.url == f"/outbound/calls/{call.pk}/"
        runner = caller.get(nxt.url).content.decode()
        assert "王会员" in runner and "异议处理" in runner and "外面更便宜" in runner
        refused = caller.post(nxt.url, {"outcome": "call_back"})
        assert refused.status_code == 422 and "请填写时间" in refused.content.decode()
        done = caller.post(nxt.url, {"outcome": "sold", "note": "续保成交"})
        assert done.url == "/outbound/next/"
        assert caller.get("/outbound/next/").url == "/outbound/"  # the list is done
    call.refresh_from_db()
    assert call.outcome == "sold" and call.agent == agent
    results = boss.get(made.url).content.decode()
    assert "100.0%" in results
    xlsx = boss.get(made.url + "?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_bad_condition_is_shown_by_its_row(lead):
    r = signed_in(lead).post("/outbound/segments/new/", {
        "name": "坏", "field_0": "level", "op_0": "in", "value_0": "金卡",
        "field_1": "last_contact", "op_1": "within", "value_1": "十天",
        "action": "save"})  # fmt: skip
    html = r.content.decode()
    assert r.status_code == 422
    assert "第 1 个条件：无效的值：金卡" in html and "第 2 个条件：天数须为" in html
    assert not Segment.objects.exists()


def test_agents_cannot_open_segments_or_campaign_setup(agent):
    caller = signed_in(agent)
    assert caller.get("/outbound/segments/new/").status_code == 403
    assert caller.get("/outbound/campaigns/new/").status_code == 403
    assert caller.get("/outbound/").status_code == 200
