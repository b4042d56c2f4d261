"""/api/v1 segments, call campaigns and campaign calls (R-9.3), end to end."""

import datetime as dt
from unittest import mock

import pytest
from openpyxl import load_workbook

from kefu.customers.models import PiiAccessLog
from kefu.customers.tests.factories import make_customer
from kefu.outbound import services as svc

pytestmark = pytest.mark.django_db
MONDAY_10 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def test_a_lead_runs_a_campaign_and_an_agent_calls_it(api_as, lead, agent):
    make_customer(lead, name="王会员", level="member")
    make_customer(lead, name="李普通")
    svc.sales_scripts_seed()
    boss, caller = api_as(lead), api_as(agent)
    conditions = [{"field": "level", "op": "in", "value": ["member"]}]
    preview = boss.post("/segments/preview", {"filters": conditions}).json()
    assert preview["count"] == 1 and preview["sample"][0]["name"] == "王会员"
    seg = boss.post("/segments", {"name": "会员", "filters": conditions})
    assert seg.status_code == 201 and seg.json()["words"] == ["会员等级 是其中之一 会员"]
    made = boss.post("/call-campaigns", {
        "name": "会员续保", "kind": "renewal", "segment_id": seg.json()["id"],
        "script": "renewal", "starts_on": "2026-11-01", "ends_on": "2026-11-30",
        "hours": [["09:00", "12:00"]], "agents": ["agent1"]})  # fmt: skip
    assert made.status_code == 201, made.json()
    cid = made.json()["id"]
    assert caller.get(f"/call-campaigns/{cid}").status_code == 404  # a draft is the lead's
    assert boss.post(f"/call-campaigns/{cid}/build").json() == {"list_size": 1, "excluded": {}}
    assert boss.post(f"/call-campaigns/{cid}/distribute").json() == {"agent1": 1}
    assert boss.post(f"/call-campaigns/{cid}/status", {"status": "active"}).json()["status"] == (
        "active")  # fmt: skip
    with mock.patch("django.utils.timezone.now", return_value=MONDAY_10):
        nxt = caller.get("/campaign-calls/next").json()
        assert nxt["customer_name"] == "王会员" and "****" in nxt["phone"]
        assert "王会员" in nxt["script"]["opening"] and nxt["script"]["objections"]
        number = caller.post(f"/campaign-calls/{nxt['id']}/dial").json()["number"]
        assert "*" not in number
        done = caller.post(f"/campaign-calls/{nxt['id']}/outcome",
                           {"outcome": "sold", "note": "续保成交"})  # fmt: skip
    assert done.json()["status"] == "done"
    results = boss.get(f"/call-campaigns/{cid}/results").json()
    assert results["whole"]["outcomes"]["sold"] == 1 and results["whole"]["sold_rate"] == "100.0%"
    xlsx = boss.client.get(f"/api/v1/call-campaigns/{cid}/xlsx")
    book = load_workbook(__import__("io").BytesIO(xlsx.content))
    assert [c.value for c in book["名单 calls"][2]][:5] == [
        nxt["customer_number"], "王会员", "agent1", "已完成", "已成交"]  # fmt: skip
    assert PiiAccessLog.objects.filter(user=lead, action="export", channel="xlsx").exists()


def test_bad_input_is_refused_by_field(api_as, lead, agent):
    boss = api_as(lead)
    bad = boss.post("/segments", {"name": "x", "filters": [{"field": "level", "op": "in",
                                                            "value": ["gold"]}]})  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "filters[0].value"
    assert api_as(agent).post("/segments/preview", {"filters": []}).status_code == 403
    fields = boss.get("/segments/fields").json()
    assert {"level", "tags", "last_contact", "insurance_due"} <= {f["key"] for f in fields}
