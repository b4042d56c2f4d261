"""Satisfaction by SMS reply (R-9.4): the survey SMS instead of the first call, the providers'
reply callbacks (Aliyun 短信上行, Tencent 短信回复回调) matched by number and time window,
the score as the follow-up's result (a low one raises its work order, R-5.4), no reply falling
back to the phone call, TD/退订 opting out (R-6.4)."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from kefu.accounts.models import Department
from kefu.care.models import InboundSms, Message, SmsSurvey, SurveyRule
from kefu.care.surveys import surveys_expire, surveys_send
from kefu.customers.tests.factories import make_customer
from kefu.followups.models import FollowUp
from kefu.followups.selectors import followups as followup_list
from kefu.setup.services import preset_load
from kefu.tickets.models import WorkOrder

pytestmark = pytest.mark.django_db
TOKEN = "s3cret-reply-token"
BEIJING = dt.timezone(dt.timedelta(hours=8))
KEFU = {"SMS_REPLY_TOKEN": TOKEN}


@pytest.fixture
def auto(db, settings):
    settings.KEFU = {**settings.KEFU, **KEFU}
    for code, name in (("cs", "客服部"), ("service", "售后服务部"), ("sales", "销售部")):
        Department.objects.create(code=code, name=name)
    preset_load(code="auto")
    SurveyRule.objects.filter(code="repair-3dc").update(active=True)


def three_dc(api, customer):
    body = api.post("/events", {"type": "repair_handed_back", "customer_id": customer.pk,
                                "occurred_at": timezone.now().isoformat()}).json()  # fmt: skip
    return FollowUp.objects.get(pk=next(f["id"] for f in body["followups"] if f["rule"] == "3dc"))


def on_day(task):
    """The morning the follow-up's window opens: when the hourly run sends its survey."""
    return dt.datetime.combine(task.due_on, dt.time(10), tzinfo=timezone.get_current_timezone())


def aliyun(rows, token=TOKEN):
    return Client().post(f"/api/v1/sms/replies/aliyun/{token}", json.dumps(rows),
                         content_type="application/json")  # fmt: skip


def tencent(row, token=TOKEN):
    return Client().post(f"/api/v1/sms/replies/tencent/{token}", json.dumps(row),
                         content_type="application/json")  # fmt: skip


def ali_row(phone, text, at, seq):
    return {"phone_number": phone, "content": text, "sign_name": "客服中心", "dest_code": "1234",
            "send_time": at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
            "sequence_id": seq}  # fmt: skip


def test_r_9_4_the_survey_goes_instead_of_the_call_and_the_reply_is_the_result(api, agent, auto):
    customer = make_customer(agent, name="王芳", phones=["13800000301"], gender="female")
    task = three_dc(api, customer)
    assert surveys_send(on_day(task) - dt.timedelta(days=1)) == 0  # not before its window
    sent = on_day(task)
    assert surveys_send(sent) == 1
    message = Message.objects.get(key=f"survey:{task.pk}")
    assert message.to == "13800000301" and "回复数字1–5" in message.body
    assert "王芳女士" in message.body
    survey = SmsSurvey.objects.get(followup=task)
    task.refresh_from_db()
    assert task.next_call_at == survey.expires_at == sent + dt.timedelta(days=2)
    # the call waits for the reply: not on the agent's list that day
    assert task not in followup_list(user=agent, status="pending", due_on=task.due_on)
    assert surveys_send(sent) == 0  # one survey per follow-up
    r = aliyun([ali_row("13800000301", "5 很满意", sent + dt.timedelta(hours=1), 77)])
    assert r.status_code == 200 and r.json() == {"code": 0, "msg": "接收成功"}
    task.refresh_from_db()
    assert (task.status, task.result, task.score, task.reached) == ("done", "satisfied", 5, True)
    assert task.answers["sms_reply"] == "5 很满意" and task.done_by is None
    attempt = task.attempt_log.get()
    assert attempt.outcome == "sms_reply" and attempt.by is None
    assert task.history.first().history_change_reason == "短信回复 SMS reply"
    survey.refresh_from_db()
    assert (survey.status, survey.score) == ("answered", 5)
    reply = InboundSms.objects.get()
    assert (reply.outcome, reply.customer, reply.survey) == ("survey", customer, survey)
    # the provider pushes the same batch again: recorded once, nothing changes
    aliyun([ali_row("13800000301", "5 很满意", sent + dt.timedelta(hours=1), 77)])
    assert InboundSms.objects.count() == 1 and task.attempt_log.count() == 1
    # the agent's page says how the customer answered
    page = api.get(f"/followups/{task.pk}").json()
    assert page["attempt_log"][0]["by_name"] == "顾客短信 customer by SMS"


def test_r_9_4_a_low_score_raises_a_work_order_like_a_call(api, agent, auto):
    customer = make_customer(agent, phones=["13800000302"])
    task = three_dc(api, customer)
    surveys_send(on_day(task))
    at = int((on_day(task) + dt.timedelta(minutes=30)).timestamp())
    r = tencent({"extend": "", "mobile": "13800000302", "nationcode": "86", "sign": "客服中心",
                 "text": "1", "time": at})  # fmt: skip
    assert r.status_code == 200 and r.json() == {"result": 0, "errmsg": "OK"}
    task.refresh_from_db()
    assert (task.status, task.result, task.done_by) == ("done", "unsatisfied", agent)
    order = WorkOrder.objects.get()
    assert order.source_followup_id == task.pk and order.department.code == "service"
    assert "短信评价" in order.description and "1/5" in order.description
    assert order.customer == customer


def test_r_9_4_no_reply_in_the_window_leaves_the_phone_follow_up(api, agent, auto):
    customer = make_customer(agent, phones=["13800000303"])
    task = three_dc(api, customer)
    surveys_send(on_day(task))
    survey = SmsSurvey.objects.get(followup=task)
    later = survey.expires_at + dt.timedelta(hours=1)
    assert surveys_expire(later) == 1
    survey.refresh_from_db()
    assert survey.status == "expired"
    day = timezone.localdate(later)
    assert task in followup_list(user=agent, status="pending", due_on=day)
    # a late reply is kept but is no longer the result: the agent calls
    aliyun([ali_row("13800000303", "4", later, 91)])
    task.refresh_from_db()
    assert task.status == "pending"
    assert InboundSms.objects.get().outcome == "unmatched"


def test_r_9_4_replies_match_by_number_and_window_only(api, agent, auto):
    one = make_customer(agent, phones=["13800000304"])
    two = make_customer(agent, phones=["13800000305"])
    first, second = three_dc(api, one), three_dc(api, two)
    now = on_day(first)
    surveys_send(now)
    aliyun([
        ali_row("13800000305", "3", now + dt.timedelta(hours=2), 1),
        ali_row("13911112222", "5", now + dt.timedelta(hours=2), 2),  # nobody's number
        ali_row("13800000304", "5", now - dt.timedelta(hours=1), 3),  # before the survey
    ])  # fmt: skip
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "pending" and (second.status, second.result) == ("done", "neutral")
    outcomes = dict(InboundSms.objects.values_list("key", "outcome"))
    assert outcomes == {"aliyun:1": "survey", "aliyun:2": "unmatched", "aliyun:3": "unmatched"}
    assert InboundSms.objects.get(key="aliyun:2").detail.startswith("号码不是客户")


def test_r_9_4_a_follow_up_already_called_keeps_its_call_result(api, agent, auto):
    customer = make_customer(agent, phones=["13800000306"])
    task = three_dc(api, customer)
    surveys_send(on_day(task))
    answers = {"quality": 5, "on_time": "yes", "advisor": 4, "price": "yes"}
    assert api.post(f"/followups/{task.pk}/result", {"answers": answers}).status_code == 200
    aliyun([ali_row("13800000306", "1", on_day(task) + dt.timedelta(hours=1), 5)])
    task.refresh_from_db()
    assert task.result == "satisfied" and not WorkOrder.objects.exists()
    assert "回访已结束" in InboundSms.objects.get().detail


def test_r_9_4_td_opts_the_customer_out_and_no_survey_goes_to_them(api, agent, auto):
    customer = make_customer(agent, phones=["13800000307"])
    aliyun([ali_row("+86 138 0000 0307", "退订", timezone.now(), 8)])
    customer.refresh_from_db()
    assert customer.sms_opt_out is True
    assert customer.history.first().history_change_reason == "短信回复退订 SMS reply TD"
    assert InboundSms.objects.get().outcome == "opt_out"
    assert surveys_send(on_day(three_dc(api, customer))) == 0  # opted out: the call it is


def test_r_9_4_only_the_active_rules_kind_and_family_are_surveyed(api, agent, auto):
    SurveyRule.objects.update(active=False)
    day = on_day(three_dc(api, make_customer(agent, phones=["13800000308"])))
    assert surveys_send(day) == 0
    SurveyRule.objects.filter(code="repair-3dc").update(active=True, family="7DC")
    assert surveys_send(day) == 0  # a 3DC task is not the rule's family
    SurveyRule.objects.filter(code="repair-3dc").update(family="3DC")
    assert surveys_send(day) == 1


def test_the_callback_needs_the_token_and_refuses_bad_replies_by_place(api, agent, auto, settings):
    row = ali_row("13800000309", "5", timezone.now(), 9)
    assert aliyun([row], token="guess").status_code == 403
    bad = aliyun([row, {"phone_number": "13800000309", "send_time": "yesterday"}])
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert fields == {"replies[1].content", "replies[1].send_time"}
    assert "第2条回复" in bad.json()["errors"][0]["message"]
    assert not InboundSms.objects.exists()  # nothing of a refused call is taken
    too_many = aliyun([row] * 1001)
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["code"] == "too_many"
    assert Client().post("/api/v1/sms/replies/other/x", "[]",
                         content_type="application/json").status_code in (404, 422)  # fmt: skip
    settings.KEFU = {**settings.KEFU, "SMS_REPLY_TOKEN": ""}
    assert aliyun([row]).status_code == 403  # no token set: callbacks are off


def test_the_reply_log_is_for_leads_with_numbers_masked(api, api_as, agent, lead, auto):
    make_customer(agent, phones=["13800000310"])
    aliyun([ali_row("13800000310", "你好，请问保养多少钱", timezone.now(), 10)])
    assert api.get("/care/replies").status_code == 403
    rows = api_as(lead).get("/care/replies", outcome="unmatched").json()
    assert [(r["phone"], r["text"]) for r in rows] == [("138****0310", "你好，请问保养多少钱")]
    assert api_as(lead).get("/care/replies", outcome="nope").status_code == 422


def test_r_9_4_a_finished_work_orders_survey_verifies_or_reopens_it(api, agent, lead, auto):
    from kefu.accounts.choices import Role
    from kefu.accounts.tests.factories import UserFactory
    from kefu.tickets.services import work_order_create, work_order_transition

    SurveyRule.objects.filter(code="work-order").update(active=True)
    fixer = UserFactory(username="fixer", role=Role.HANDLER,
                        department=Department.objects.get(code="service"))  # fmt: skip
    cases = (("13800000311", "5", "verified"), ("13800000312", "2分", "reopened"))
    for phone, text, status in cases:
        customer = make_customer(agent, phones=[phone])
        order = work_order_create(actor=agent, data={"title": "空调不制冷", "department": "service",
                                                     "customer_id": customer.pk})  # fmt: skip
        work_order_transition(actor=lead, order=order, to="dispatched",
                              fields={"assignee": "fixer"})  # fmt: skip
        work_order_transition(actor=fixer, order=order, to="in_progress")
        work_order_transition(actor=fixer, order=order, to="done", fields={"result": "已加氟"})
        task = FollowUp.objects.get(work_order=order)
        assert surveys_send(on_day(task)) == 1
        tencent({"mobile": phone, "nationcode": "86", "text": text, "sign": "x",
                 "time": int((on_day(task) + dt.timedelta(hours=1)).timestamp())})  # fmt: skip
        order.refresh_from_db()
        task.refresh_from_db()
        assert (order.status, task.status, task.done_by) == (status, "done", agent)


def test_customers_without_a_mobile_never_block_the_queue(api, agent, auto):
    landline = make_customer(agent, phones=["010-66668888"])
    mobile = make_customer(agent, phones=["13800000313"])
    tasks = [three_dc(api, landline), three_dc(api, mobile)]
    assert surveys_send(on_day(tasks[0]), limit=1) == 1  # the landline's task is not taken
    assert SmsSurvey.objects.get().customer == mobile


def test_the_hourly_run_sends_nothing_in_the_rest_time(api, agent, auto):
    import time_machine

    from kefu.care.surveys import surveys_job

    task = three_dc(api, make_customer(agent, phones=["13800000314"]))
    night = on_day(task).replace(hour=22)  # 21:00–08:00 is the default rest time
    with time_machine.travel(night, tick=False):
        assert surveys_job() == {"expired": 0, "sent": 0, "quiet": True}
    with time_machine.travel(night.replace(hour=9), tick=False):
        assert surveys_job()["sent"] == 1
