"""Membership through the API and on the customer page (R-9.1)."""

import pytest
from django.test import Client

from kefu.customers.tests.factories import make_customer
from kefu.members.models import BenefitUse
from kefu.setup.services import preset_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def auto(db):
    preset_load(code="auto")


def test_the_api_joins_and_spends(api_as, agent, lead, auto):
    customer = make_customer(agent, name="王车主")
    api = api_as(agent)
    assert api.get(f"/members/{customer.pk}").json() is None
    assert [lv["code"] for lv in api.get("/members/levels").json()] == [
        "silver", "gold", "diamond"]  # fmt: skip
    joined = api.post(f"/members/{customer.pk}/join", {"level": "silver", "club": True}).json()
    assert joined["level"] == "银卡会员" and joined["club"] and joined["points"] == 0
    short = api.post(f"/members/{customer.pk}/redeem", {"benefit": "wash"})
    assert short.status_code == 409 and short.json()["errors"][0]["code"] == "not_enough_points"
    assert (
        api.post(f"/members/{customer.pk}/points", {"points": 100, "reason": "x"}).status_code
        == 403
    )
    adjusted = api_as(lead).post(f"/members/{customer.pk}/points",
                                 {"points": 120, "reason": "活动补录"})  # fmt: skip
    assert adjusted.json()["points"] == 120
    used = api.post(f"/members/{customer.pk}/redeem", {"benefit": "wash"}).json()
    assert used == {"benefit": "wash", "name": "精洗一次", "points": 100,
                    "used_on": used["used_on"]}  # fmt: skip
    assert api.get(f"/members/{customer.pk}").json()["points"] == 20
    bad = api.post(f"/members/{customer.pk}/upgrade", {"level": "gold"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "level"


def test_the_customer_page_shows_and_changes_membership(agent, auto):
    customer = make_customer(agent, name="李车主")
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page.force_login(agent)
    url = f"/customers/{customer.pk}/"
    assert "入会" in page.get(url).content.decode()
    r = page.post(url, {"action": "member", "member": "join", "level": "silver", "club": "1"})
    assert r.status_code == 302
    html = page.get(url).content.decode()
    assert "银卡会员" in html and "车主俱乐部成员" in html and "免费安全检测" in html
    page.post(url, {"action": "member", "member": "redeem", "benefit": "check", "note": "首检"})
    refused = page.post(url, {"action": "member", "member": "redeem", "benefit": "check"})
    assert refused.status_code == 409 and "今年已用 1 次" in refused.content.decode()
    assert BenefitUse.objects.filter(membership__customer=customer).count() == 1
