"""SMS surveys in the console (R-9.4): the agent's follow-up page says the call waits for
the customer's reply, and then what they replied; the lead's 短信回复 page lists replies
with what each became, in the page's language, numbers masked (R-0.5)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kefu.accounts.models import Department
from kefu.care.inbound import Reply
from kefu.care.models import SurveyRule
from kefu.care.surveys import replies_receive, surveys_send
from kefu.customers.tests.factories import make_customer
from kefu.followups.events import event_record
from kefu.followups.models import FollowUp
from kefu.setup.services import preset_load

pytestmark = pytest.mark.django_db


def signed_in(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def test_the_follow_up_page_and_the_reply_log(lead, agent):
    Department.objects.create(code="service", name="售后服务部")
    preset_load(code="auto")
    SurveyRule.objects.filter(code="repair-3dc").update(active=True)
    customer = make_customer(agent, name="周先生", phones=["13800000501"])
    event_record(actor=agent, data={"type": "repair_handed_back", "customer_id": customer.pk,
                                    "occurred_at": timezone.now().isoformat()})  # fmt: skip
    task = FollowUp.objects.get(customer=customer, family="3DC")
    sent = dt.datetime.combine(task.due_on, dt.time(10), tzinfo=timezone.get_current_timezone())
    surveys_send(sent)
    page = signed_in(agent).get(f"/followups/{task.pk}/").content.decode()
    assert "发送短信满意度调查，等待顾客回复至" in page
    replies_receive([
        Reply("aliyun", "1", "13800000501", "4 不错", sent + dt.timedelta(hours=1)),
        Reply("aliyun", "2", "13800000501", "周末营业吗", sent + dt.timedelta(hours=2)),
    ])  # fmt: skip
    page = signed_in(agent).get(f"/followups/{task.pk}/").content.decode()
    assert "短信回复评分 4" in page and "顾客短信" in page
    assert signed_in(agent).get("/followups/replies/").status_code == 403
    zh = signed_in(lead).get("/followups/replies/").content.decode()
    assert "138****0501" in zh and "13800000501" not in zh
    assert "满意度评价" in zh and "评分4，已记为回访结果" in zh and "未匹配" in zh
    assert f"/followups/{task.pk}/" in zh
    en = signed_in(lead, "en").get("/followups/replies/?outcome=unmatched").content.decode()
    assert "周末营业吗" in en and "not matched" in en and "4 不错" not in en
