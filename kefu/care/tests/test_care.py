"""Care and reminders (R-6.1 – R-6.4) with fixed dates: birthdays solar and lunar (29 Feb,
leap months, short months), lunar festivals per year, service reminders a week ahead,
lifecycle notices of the home preset, and sending that respects opt-outs and rest time."""

import datetime as dt

import pytest
from lunar_python import Lunar

from kefu.accounts.models import Department
from kefu.care.models import Message
from kefu.care.services import (
    birthday_customers,
    campaigns_expand,
    care_run,
    holiday_date,
    letters_print,
    messages_send,
)
from kefu.customers.tests.factories import make_customer, make_vehicle
from kefu.followups.events import event_record
from kefu.followups.models import FollowUp
from kefu.setup.services import preset_load

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def solar(lunar_year, month, day) -> dt.date:
    s = Lunar.fromYmd(lunar_year, month, day).getSolar()
    return dt.date(s.getYear(), s.getMonth(), s.getDay())


@pytest.fixture
def auto(db):
    Department.objects.create(code="service", name="售后服务部")
    preset_load(code="auto")


def test_r_6_1_lunar_festivals_are_computed_for_each_year():
    assert holiday_date("spring_festival", 2026) == dt.date(2026, 2, 17)
    assert holiday_date("spring_festival", 2027) == dt.date(2027, 2, 6)
    assert holiday_date("mid_autumn", 2026) == dt.date(2026, 9, 25)
    assert holiday_date("mid_autumn", 2027) == dt.date(2027, 9, 15)
    assert holiday_date("national_day", 2026) == dt.date(2026, 10, 1)


def test_r_6_1_a_birthday_greeting_goes_once_between_7_and_2_days_ahead(agent, auto):
    on_time = make_customer(agent, phones=["13800000201"], birthday="1990-03-15")
    sooner = make_customer(agent, phones=["13800000202"], birthday="1985-03-12")
    # the 15th is 7 days ahead; the 12th (4 days ahead) came into the window on the 5th
    assert care_run(dt.date(2026, 3, 8)) == 2
    msg = Message.objects.get(customer=on_time)
    assert msg.key == f"birthday:birthday:{on_time.pk}:2026" and "03月15日" in msg.body
    assert msg.scheduled_for == dt.datetime(2026, 3, 8, 9, 0, tzinfo=CST)
    for day in range(9, 14):
        care_run(dt.date(2026, 3, day))
    assert Message.objects.filter(customer=on_time).count() == 1  # never twice
    assert Message.objects.filter(customer=sooner).count() == 1
    assert Message.objects.get(customer=sooner).to == "13800000202"
    late_joiner = make_customer(agent, phones=["13800000217"], birthday="1992-03-15")
    assert care_run(dt.date(2026, 3, 13)) == 2  # the 15th is 2 days ahead: still in time
    assert Message.objects.filter(customer=late_joiner).count() == 1


def test_r_6_1_29_february_birthdays_are_kept_on_the_28th_in_common_years(agent):
    leapling = make_customer(agent, phones=["13800000203"], birthday="2000-02-29")
    assert leapling in birthday_customers(dt.date(2027, 2, 28))
    assert leapling not in birthday_customers(dt.date(2028, 2, 28))
    assert leapling in birthday_customers(dt.date(2028, 2, 29))


def test_r_6_1_lunar_birthdays_move_with_the_lunar_calendar(agent):
    mid_autumn_born = solar(1980, 8, 15)
    c = make_customer(
        agent,
        phones=["13800000204"],
        birthday=mid_autumn_born.isoformat(),
        birthday_calendar="lunar",
    )
    assert c in birthday_customers(dt.date(2026, 9, 25))
    assert c in birthday_customers(dt.date(2027, 9, 15))
    assert c not in birthday_customers(dt.date(2026, mid_autumn_born.month, mid_autumn_born.day))


def test_r_6_1_leap_month_birthdays_fall_back_to_the_ordinary_month(agent):
    # born on the 6th of the leap 6th month of 2025 (30 July 2025)
    c = make_customer(
        agent, phones=["13800000205"], birthday="2025-07-30", birthday_calendar="lunar"
    )
    assert c.birthday_key == "L06-06"
    assert c in birthday_customers(solar(2026, 6, 6))  # 2026 has no leap 6th month
    assert c not in birthday_customers(solar(2025, 6, 6))  # 2025 has it: kept in the leap one
    assert c in birthday_customers(dt.date(2025, 7, 30))


def test_r_6_1_a_lunar_30th_is_kept_on_the_29th_when_the_month_is_short(agent):
    # the 30th of the 6th lunar month 2026 exists; in 2027 the 6th month has 29 days
    c = make_customer(
        agent,
        phones=["13800000206"],
        birthday=solar(2026, 6, 30).isoformat(),
        birthday_calendar="lunar",
    )
    from lunar_python import LunarMonth

    short = next(y for y in range(2027, 2040) if LunarMonth.fromYm(y, 6).getDayCount() == 29)
    assert c in birthday_customers(solar(short, 6, 29))


def test_r_6_1_holiday_greetings_reach_every_active_customer_once_opt_outs_logged(agent, auto):
    a = make_customer(agent, phones=["13800000207"])
    b = make_customer(agent, phones=["13800000208"], sms_opt_out=True)
    assert care_run(dt.date(2026, 2, 15)) == 0
    assert care_run(dt.date(2026, 2, 16)) == 1  # the eve of 春节 2026: one campaign
    assert campaigns_expand(now=dt.datetime(2026, 2, 16, 9, 0, tzinfo=CST)) == 2
    assert care_run(dt.date(2026, 2, 16)) == 0
    assert campaigns_expand(now=dt.datetime(2026, 2, 16, 9, 1, tzinfo=CST)) == 0
    greeting = Message.objects.get(
        customer=a, key__startswith="holiday:holiday-spring-festival:2026"
    )
    assert "春节将至" in greeting.body and greeting.status == "queued"
    skipped = Message.objects.get(customer=b)
    assert (skipped.status, skipped.skip_reason) == ("skipped", "opt_out")
    assert care_run(dt.date(2026, 9, 24)) == 1  # 中秋 2026 is 25 September


def test_r_6_2_service_reminders_go_one_week_ahead(agent, auto):
    customer = make_customer(agent, phones=["13800000209"])
    make_vehicle(
        agent,
        customer,
        plate="粤B12345",
        next_maintenance_on="2026-12-01",
        insurance_expires_on="2026-12-03",
    )
    assert care_run(dt.date(2026, 11, 24)) == 1
    msg = Message.objects.get()
    assert "粤B12345" in msg.body and "保养" in msg.body and "2026年12月01日" in msg.body
    assert care_run(dt.date(2026, 11, 26)) == 1
    assert Message.objects.filter(body__contains="保险").count() == 1


def test_r_6_3_home_lifecycle_notices_by_category_and_the_day_before_delivery(agent):
    preset_load(code="home")
    customer = make_customer(agent, phones=["13800000210"])

    def record(kind, **attributes):
        event, _ = event_record(
            actor=agent,
            data={
                "type": kind,
                "customer_id": customer.pk,
                "occurred_at": "2026-11-20T10:00:00+08:00",
                "external_id": f"{kind}-{len(attributes)}-{attributes.get('category')}",
                "attributes": attributes,
            },
        )
        return list(Message.objects.filter(key__startswith=f"event:{event.pk}:"))

    tiles = record("contract", category="瓷砖")
    assert len(tiles) == 1 and "色号" in tiles[0].body
    sofa = record("contract", category="家具")
    assert len(sofa) == 1 and "家具合同已签订" in sofa[0].body
    eve = record("delivery_scheduled", category="洁具", delivery_date="2026-12-05")
    assert len(eve) == 1 and "开箱检查" in eve[0].body and "12月05日" in eve[0].body
    assert eve[0].scheduled_for == dt.datetime(2026, 12, 4, 9, 0, tzinfo=CST)
    assert len(record("lead_captured")) == 1


def test_an_event_answers_with_the_notices_it_scheduled(api, agent):
    preset_load(code="home")
    customer = make_customer(agent, phones=["13800000218"])
    body = api.post(
        "/events",
        {
            "type": "delivery_scheduled",
            "customer_id": customer.pk,
            "attributes": {"category": "瓷砖", "delivery_date": "2026-12-05"},
        },
    ).json()
    assert [m["channel"] for m in body["messages"]] == ["sms"]
    assert body["messages"][0]["scheduled_for"] == "2026-12-04T09:00:00+08:00"


def test_r_6_4_sending_respects_rest_time_opt_outs_and_never_sends_twice(agent, auto):
    a = make_customer(agent, phones=["13800000211"])
    b = make_customer(agent, phones=["13800000212"])
    care_run(dt.date(2026, 2, 16))
    night = dt.datetime(2026, 2, 16, 22, 30, tzinfo=CST)
    assert messages_send(now=night) == {"sent": 0, "quiet": True}
    b.sms_opt_out = True
    b.save()  # opted out after the greeting was made
    morning = dt.datetime(2026, 2, 17, 9, 5, tzinfo=CST)
    counts = messages_send(now=morning)
    assert (counts["sent"], counts["skipped"]) == (1, 1)
    sent = Message.objects.get(customer=a)
    assert (sent.status, sent.provider, sent.attempts) == ("sent", "logging", 1)
    assert sent.provider_id == f"log-{sent.key}"
    assert messages_send(now=morning)["sent"] == 0  # nothing twice


def test_r_6_4_a_failing_provider_is_retried_then_marked_failed(agent, auto, monkeypatch):
    from kefu.care import services
    from kefu.care.providers import SmsProvider, SmsResult

    class Down(SmsProvider):
        name = "down"

        def send(self, **kwargs):
            return SmsResult(ok=False, error="503 busy", retry=True)

    monkeypatch.setattr(services, "sms_provider", lambda: Down())
    make_customer(agent, phones=["13800000213"])
    care_run(dt.date(2026, 2, 16))
    now = dt.datetime(2026, 2, 16, 9, 0, tzinfo=CST)
    for attempt in range(1, 4):
        messages_send(now=now)
        msg = Message.objects.get()
        assert msg.attempts == attempt
        now = msg.scheduled_for if msg.status == "queued" else now
    assert (msg.status, msg.error) == ("failed", "503 busy")


def test_a_campaign_expands_in_chunks_and_resumes_where_it_stopped(agent, auto):
    from kefu.care.models import Campaign

    for i in range(7):
        make_customer(agent, phones=[f"1380000030{i}"])
    care_run(dt.date(2026, 9, 30))  # the eve of 国庆
    now = dt.datetime(2026, 9, 30, 9, 0, tzinfo=CST)
    assert campaigns_expand(now=now, chunk=3, budget=0) == 0  # no time left: nothing
    campaign = Campaign.objects.get()
    assert (campaign.cursor, campaign.done) == (0, False)
    assert campaigns_expand(now=now, chunk=3) == 7
    campaign.refresh_from_db()
    assert campaign.done is True
    assert Message.objects.filter(key__startswith=campaign.key).count() == 7


def test_r_6_4_a_sender_that_died_mid_send_is_picked_up_again(agent, auto):
    make_customer(agent, phones=["13800000214"])
    care_run(dt.date(2026, 2, 16))
    campaigns_expand(now=dt.datetime(2026, 2, 16, 9, 0, tzinfo=CST))
    Message.objects.update(status="sending", claimed_at=dt.datetime(2026, 2, 16, 9, 0, tzinfo=CST))
    assert messages_send(now=dt.datetime(2026, 2, 16, 9, 5, tzinfo=CST))["sent"] == 0
    assert messages_send(now=dt.datetime(2026, 2, 16, 9, 11, tzinfo=CST))["sent"] == 1


def test_letters_and_phone_tasks(agent, lead, auto):
    from kefu.care.models import CareRule, MessageTemplate

    card = MessageTemplate.objects.get(code="birthday-card")
    CareRule.objects.create(
        code="birthday-card", name="生日贺卡", kind="birthday", days_before=7, template=card
    )
    call = MessageTemplate.objects.create(
        code="vip-call", name="VIP 生日电话", channel="phone", body="致电{name}祝生日快乐"
    )
    CareRule.objects.create(
        code="vip-call", name="VIP 生日电话", kind="birthday", days_before=3, template=call
    )
    c = make_customer(
        agent, phones=["13800000215"], birthday="1990-03-15", address="北京市朝阳区建国路1号"
    )
    care_run(dt.date(2026, 3, 8))
    care_run(dt.date(2026, 3, 12))
    data, count = letters_print(actor=lead, day=dt.date(2026, 3, 8))
    text = data.decode("utf-8-sig")
    assert count == 1 and "北京市朝阳区建国路1号" in text and c.number in text
    from kefu.customers.models import PiiAccessLog

    assert PiiAccessLog.objects.get(fields="letters").count == 1
    assert letters_print(actor=lead, day=dt.date(2026, 3, 8))[1] == 0
    task = FollowUp.objects.get(kind="care")
    assert (task.owner, task.due_on, task.note) == (
        agent,
        dt.date(2026, 3, 12),
        "致电张三祝生日快乐",
    )


def test_the_message_log_masks_addresses(api, agent, auto):
    make_customer(agent, phones=["13800000216"])
    care_run(dt.date(2026, 2, 16))
    campaigns_expand(now=dt.datetime(2026, 2, 16, 9, 0, tzinfo=CST))
    rows = api.get("/care/messages").json()
    assert rows[0]["to"] == "138****0216" and rows[0]["status"] == "queued"
    assert api.post("/care/run", {"date": "2026-02-16"}).status_code == 403


def test_r_6_2_member_cards_are_reminded_a_week_before_they_expire(api, agent, auto):
    member = make_customer(agent, phones=["13800000219"], level="member")
    r = api.patch(f"/customers/{member.pk}", {"card_expires_on": "2026-12-10"})
    assert r.status_code == 200 and r.json()["card_expires_on"] == "2026-12-10"
    assert care_run(dt.date(2026, 12, 2)) == 0
    assert care_run(dt.date(2026, 12, 3)) == 1
    msg = Message.objects.get(customer=member)
    assert "会员卡将于2026年12月10日到期" in msg.body


def test_r_6_1_a_store_anniversary_is_a_campaign_for_its_segment_every_year(agent, auto):
    from kefu.care.models import Campaign, CareRule, MessageTemplate

    template = MessageTemplate.objects.create(
        code="anniversary",
        name="店庆",
        body="【{center}】{name}{title}，店庆十周年，会员专享八折！",
    )
    CareRule.objects.create(
        code="anniversary",
        name="店庆（会员）",
        kind="campaign",
        campaign_date="05-18",
        days_before=3,
        condition=[{"customer.level__in": ["member", "vip"]}],
        template=template,
    )
    vip = make_customer(agent, phones=["13800000220"], level="vip")
    make_customer(agent, phones=["13800000221"])  # not a member: not in the segment
    assert care_run(dt.date(2027, 5, 15)) == 1
    assert campaigns_expand(now=dt.datetime(2027, 5, 15, 9, 0, tzinfo=CST)) == 2
    assert [m.customer for m in Message.objects.all()] == [vip]
    assert care_run(dt.date(2028, 5, 15)) == 1  # and the next year again
    assert Campaign.objects.count() == 2


def test_r_6_3_an_event_without_the_date_its_notice_is_timed_by_is_refused(api, agent):
    """Nothing dropped silently: a delivery scheduled without `delivery_date` would make no
    "day before delivery" notice; it is refused naming the attribute, and nothing is kept."""
    from kefu.followups.models import LifecycleEvent

    preset_load(code="home")
    customer = make_customer(agent, phones=["13800000219"])
    r = api.post(
        "/events",
        {
            "type": "delivery_scheduled",
            "customer_id": customer.pk,
            "attributes": {"category": "瓷砖"},
        },
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "attributes.delivery_date"
    assert not LifecycleEvent.objects.exists()
