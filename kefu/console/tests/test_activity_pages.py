"""Activities in the console (R-9.2): a lead plans and opens one; the front desk registers
by phone (the waiting list when full), imports a sheet, and checks people in."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kefu.activities.models import Activity, Registration
from kefu.customers.tests.factories import make_customer
from kefu.setup.services import preset_load

pytestmark = pytest.mark.django_db


def signed_in(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    return c


def test_plan_register_and_check_in(lead, agent):
    preset_load(code="auto")
    make_customer(lead, name="王会员", phones=["13911112222"])
    make_customer(lead, name="李车主", phones=["13933334444"])
    boss = signed_in(lead)
    start = (timezone.localtime() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    r = boss.post("/activities/new/", {
        "name": "车主俱乐部聚会", "kind": "club_meeting", "place": "展厅", "capacity": "1",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "cost": "300", "reply_code": "JH", "conversion_days": "30"})  # fmt: skip
    a = Activity.objects.get(name="车主俱乐部聚会")
    assert r.url == f"/activities/{a.pk}/"
    boss.post(r.url, {"step": "open"})
    desk = signed_in(agent)
    assert "王会员 报名成功" in desk.post(r.url, {"step": "register", "phone": "13911112222"},
                                       follow=True).content.decode()  # fmt: skip
    assert "李车主 已进入候补名单" in desk.post(r.url, {"step": "register", "phone": "13933334444"},
                                          follow=True).content.decode()  # fmt: skip
    bad = desk.post(r.url, {"step": "register", "phone": "13900000000"})
    assert bad.status_code == 422 and "没有此号码的客户" in bad.content.decode()
    page = desk.post(r.url, {"step": "checkin", "query": "13911112222"}, follow=True)
    html = page.content.decode()
    assert "王会员 签到成功" in html and "已签到" in html and "候补 #1" in html  # 李车主 waits
    assert Registration.objects.get(customer__name="王会员").status == "attended"
    assert desk.get("/activities/").status_code == 200
    assert desk.get("/activities/new/").status_code == 200  # agents see, but no settings form
