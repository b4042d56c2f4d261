"""Customer activities (R-9.2): registration with a waiting list that moves up, check-in by
phone or member card (points once), the invitation by SMS with its reply code, import by
row, closing (no-shows, satisfaction calls) and the report."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from kefu.activities import services as svc
from kefu.activities.models import Registration
from kefu.activities.selectors import activity_report, registrations
from kefu.care.models import InboundSms, Message
from kefu.core.errors import Conflict, ValidationFailed
from kefu.customers.tests.factories import make_customer
from kefu.followups.models import FollowUp, LifecycleEvent
from kefu.members.services import member_join, points_balance
from kefu.outbound.tests.factories import make_segment
from kefu.setup.services import preset_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def auto(db):
    preset_load(code="auto")


def lecture(lead, **data):
    start = timezone.now() + dt.timedelta(days=7)
    a = svc.activity_save(actor=lead, data={
        "name": "冬季用车讲座", "kind": "lecture", "place": "展厅二楼", "capacity": 3,
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
        "cost": "600", "reply_code": "8", **data})  # fmt: skip
    return svc.activity_open(actor=lead, activity=a)


def test_the_waiting_list_moves_up_when_a_place_frees(lead, agent, auto):
    a = lecture(lead)
    first = svc.registration_add(actor=agent, activity=a, customer=make_customer(lead, "甲"),
                                 source="console", guests=1)  # fmt: skip
    second = svc.registration_add(actor=agent, activity=a, customer=make_customer(lead, "乙"),
                                  source="console")  # fmt: skip
    third = svc.registration_add(actor=agent, activity=a, customer=make_customer(lead, "丙"),
                                 source="console")  # fmt: skip
    assert (first.status, second.status, third.status) == ("registered", "registered", "waiting")
    again = svc.registration_add(actor=agent, activity=a, customer=third.customer, source="reply")
    assert again.pk == third.pk and again.status == "waiting"  # registering twice: nothing new
    moved = svc.registration_cancel(actor=agent, registration=second)
    assert [r.customer.name for r in moved] == ["丙"]
    rows = registrations(a)
    assert [(r["name"], r["status"]) for r in rows] == [
        ("甲", "registered"), ("丙", "registered"), ("乙", "cancelled")]  # fmt: skip


def test_r_9_2_calling_off_cancels_places_and_waiting_list_and_tells_them(lead, agent, auto):
    a = lecture(lead, capacity=1)
    held = [svc.registration_add(actor=agent, activity=a, customer=make_customer(lead, name),
                                 source="console") for name in ("甲", "乙")]  # fmt: skip
    assert [r.status for r in held] == ["registered", "waiting"]
    out = svc.activity_cancel(actor=lead, activity=a)
    assert (out["cancelled"], out["queued"]) == (2, 2)
    assert set(Registration.objects.filter(activity=a).values_list("status", flat=True)) == {
        "cancelled"}  # fmt: skip
    told = Message.objects.filter(key__startswith=f"list:activity{a.pk}-cancel")
    assert {m.customer.name for m in told} == {"甲", "乙"}
    assert all("冬季用车讲座" in m.body and "取消" in m.body for m in told)
    assert held[0].history.first().history_change_reason == "活动取消 called off"
    with pytest.raises(Conflict):
        svc.activity_cancel(actor=lead, activity=a)


def test_check_in_by_phone_or_card_earns_points_once(lead, agent, auto):
    a = lecture(lead)
    member = make_customer(lead, "王会员", phones=["13911112222"])
    card = member_join(actor=agent, customer=member, data={"level": "silver"}).card_no
    walkin = make_customer(lead, "李路过", phones=["13933334444"])
    svc.registration_add(actor=agent, activity=a, customer=member, source="console")
    assert svc.checkin(actor=agent, activity=a, query=card.lower()).status == "attended"
    svc.checkin(actor=agent, activity=a, query=card)  # twice at the door: once
    assert points_balance(member) == 20  # the silver level's activity points
    walked = svc.checkin(actor=agent, activity=a, query="139 3333 4444")
    assert walked.customer == walkin and walked.source == "walk_in"
    with pytest.raises(ValidationFailed) as exc:
        svc.checkin(actor=agent, activity=a, query="13900000000")
    assert "没有找到" in exc.value.errors[0].message


def test_a_full_activity_refuses_a_walk_in(lead, agent, auto):
    a = lecture(lead, capacity=1)
    svc.registration_add(actor=agent, activity=a, customer=make_customer(lead, "甲"),
                         source="console")  # fmt: skip
    make_customer(lead, "乙", phones=["13955556666"])
    with pytest.raises(Conflict) as exc:
        svc.checkin(actor=agent, activity=a, query="13955556666")
    assert exc.value.errors[0].code == "full"


def test_the_invitation_carries_the_reply_code_and_a_reply_registers(lead, auto):
    vip = make_customer(lead, "赵贵宾", level="vip")
    make_customer(lead, "钱普通")
    segment = make_segment(lead, [{"field": "level", "op": "in", "value": ["vip"]}], "贵宾")
    a = lecture(lead, segment_id=segment.pk)
    assert svc.activity_invite(actor=lead, activity=a)["queued"] == 1
    assert svc.activity_invite(actor=lead, activity=a)["already"] == 1  # once per customer
    body = Message.objects.get(customer=vip).body
    assert "冬季用车讲座" in body and "展厅二楼" in body and "回复8即可报名" in body
    r = svc.reply_register(customer=vip, code="8")
    assert r.status == "registered" and r.source == "reply"
    assert svc.reply_register(customer=vip, code="9") is None


def test_r_9_2_a_reply_with_the_code_registers_through_the_callback(lead, auto, settings):
    settings.KEFU = {**settings.KEFU, "SMS_REPLY_TOKEN": "tok"}
    guest = make_customer(lead, "孙来宾", phones=["13800000401"])
    a = lecture(lead)
    reply = {"mobile": "13800000401", "nationcode": "86", "text": " 8 ", "sign": "x",
             "time": int(timezone.now().timestamp())}  # fmt: skip
    r = Client().post("/api/v1/sms/replies/tencent/tok", json.dumps(reply),
                      content_type="application/json")  # fmt: skip
    assert r.json() == {"result": 0, "errmsg": "OK"}
    (row,) = Registration.objects.filter(activity=a)
    assert (row.customer, row.source, row.status) == (guest, "reply", "registered")
    logged = InboundSms.objects.get()
    assert (logged.outcome, logged.detail) == ("handled", "已报名活动8 registered for activity 8")


def test_reply_codes_are_checked(lead, auto):
    for code in ("3", "5A", "TD"):  # satisfaction scores, opt-outs
        with pytest.raises(ValidationFailed) as exc:
            lecture(lead, reply_code=code)
        assert exc.value.errors[0].code == "reserved"
    lecture(lead)
    with pytest.raises(ValidationFailed) as exc:
        lecture(lead, name="第二场")
    assert exc.value.errors[0].code == "taken"


def test_import_tells_each_bad_row(lead, agent, auto):
    a = lecture(lead)
    make_customer(lead, "甲", phones=["13911110000"])
    out = svc.registration_import(actor=agent, activity=a, rows=[
        ["手机", "同行"], ["13911110000", "1"], ["12345"], ["13800009999"]])  # fmt: skip
    assert out["registered"] == 1
    assert [p["message"] for p in out["problems"]] == [
        "第 3 行：电话号码无效 12345", "第 4 行：没有此号码的客户"]  # fmt: skip


def test_closing_marks_no_shows_and_the_report_counts(lead, agent, auto):
    a = lecture(lead, conversion_events=["delivery"])
    came = make_customer(lead, "甲", phones=["13911110001"])
    make_customer(lead, "乙")
    for c in type(came).objects.all():
        svc.registration_add(actor=agent, activity=a, customer=c, source="console")
    svc.checkin(actor=agent, activity=a, query="13911110001")
    LifecycleEvent.objects.create(type="delivery", customer=came, key="d1",
                                  occurred_at=a.ends_at + dt.timedelta(days=3))  # fmt: skip
    assert svc.activity_close(actor=lead, activity=a) == {"no_show": 1, "followups": 1}
    call = FollowUp.objects.get(customer=came)
    assert call.family == "活动回访" and call.rule.script.code == "activity"
    report = activity_report(a)
    assert (report["registered"], report["attended"], report["no_show"], report["sales"]) == (
        2, 1, 1, 1)  # fmt: skip
    assert report["attendance_rate"] == "50.0%" and report["cost_per_attendee"] == Decimal("600")
