"""The follow-up engine (R-5.1, R-5.2): events in, tasks out by the preset's rules, with
fixed dates across Spring Festival, 调休 weekends and the year end."""

import datetime as dt

import pytest
import time_machine

from kefu.accounts.choices import Role
from kefu.accounts.models import Department
from kefu.accounts.tests.factories import UserFactory
from kefu.core.models import HolidayDay
from kefu.customers.tests.factories import make_customer, make_vehicle, valid_vin
from kefu.followups.events import event_record
from kefu.followups.models import FollowUp, FollowUpRule, LifecycleEvent
from kefu.followups.services import schedule_day
from kefu.setup.services import preset_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def auto(db):
    for code, name in (("cs", "客服部"), ("service", "售后服务部"), ("sales", "销售部")):
        Department.objects.create(code=code, name=name)
    preset_load(code="auto")


@pytest.fixture
def gm(db):
    return UserFactory(username="gm", role=Role.GM)


def at(day: str, time="10:00") -> str:
    return f"{day}T{time}:00+08:00"


def local(stamp: str) -> str:
    when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return f"{when.astimezone(dt.timezone(dt.timedelta(hours=8))):%Y-%m-%d %H:%M}"


def event(api, customer, kind, day, **extra):
    r = api.post(
        "/events",
        {"type": kind, "customer_id": customer.pk, "occurred_at": at(day), **extra},
    )
    assert r.status_code in (200, 201), r.json()
    return r.json()


def due(body, rule):
    found = [f for f in body["followups"] if f["rule"] == rule]
    return (found[0]["due_on"], found[0]["due_by"]) if found else None


def test_r_5_1_7dc_is_day_7_after_delivery_and_day_10_after_invoicing_at_secondary_outlets(
    api, agent, auto
):
    direct = make_customer(agent, phones=["13800000001"])
    car = make_vehicle(agent, direct)
    body = event(api, direct, "delivery", "2026-03-02", asset_id=car.pk)
    assert due(body, "7dc") == ("2026-03-09", "2026-03-09")
    assert due(body, "1m") == ("2026-04-01", "2026-04-07")
    assert due(body, "1y") == ("2027-03-02", "2027-03-15")
    assert body["followups"][0]["owner"] == "agent1"  # the customer's own agent
    outlet = make_customer(agent, phones=["13800000002"])
    car2 = make_vehicle(
        agent, outlet, vin=valid_vin("LSVAU2180N2123458"), plate="京A12346", secondary_outlet=True
    )
    assert due(event(api, outlet, "delivery", "2026-03-02", asset_id=car2.pk), "7dc") is None
    body = event(api, outlet, "invoice", "2026-03-02", asset_id=car2.pk)
    assert due(body, "7dc-secondary") == ("2026-03-12", "2026-03-12")


def test_r_5_1_3dc_is_due_on_days_3_to_5_after_the_repair_is_handed_back(api, agent, auto):
    customer = make_customer(agent, phones=["13800000003"])
    body = event(api, customer, "repair_handed_back", "2026-06-01")
    assert due(body, "3dc") == ("2026-06-04", "2026-06-06")
    assert body["followups"][0]["family"] == "3DC"
    assert body["followups"][0]["kind"] == "rule"


def test_r_5_2_public_holidays_move_a_call_they_never_drop_it(api, agent, auto):
    customer = make_customer(agent, phones=["13800000004"])
    # day 7 after 10 Feb 2026 is the 17th, 春节; the holiday runs to the 23rd
    assert due(event(api, customer, "delivery", "2026-02-10"), "7dc") == (
        "2026-02-24",
        "2026-02-24",
    )
    # 14 Feb 2026 is a 调休 Saturday: a working day, so calls go ahead
    assert due(event(api, customer, "repair_handed_back", "2026-02-11"), "3dc") == (
        "2026-02-14",
        "2026-02-24",
    )


def test_r_5_2_year_end_uses_the_holiday_calendar_an_admin_imported(api, agent, auto):
    customer = make_customer(agent, phones=["13800000005"])
    # chinesecalendar ends with 2026: 元旦 2027 is only known once imported
    assert due(event(api, customer, "delivery", "2026-12-24"), "7dc") == (
        "2026-12-31",
        "2026-12-31",
    )
    HolidayDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    body = event(api, customer, "delivery", "2026-12-25", external_id="SO-2026-9")
    assert due(body, "7dc") == ("2027-01-02", "2027-01-02")


def test_r_5_1_replaying_an_event_creates_nothing_twice(api, agent, auto):
    customer = make_customer(agent, phones=["13800000006"])
    first = event(api, customer, "delivery", "2026-03-02", external_id="DMS-1")
    again = api.post(
        "/events",
        {
            "type": "delivery",
            "customer_id": customer.pk,
            "occurred_at": at("2026-03-02"),
            "external_id": "DMS-1",
        },
    )
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert again.json()["created"] is False
    same = api.post(
        "/events",
        {"type": "repair_handed_back", "customer_id": customer.pk, "occurred_at": at("2026-03-03")},
    )
    twice = api.post(
        "/events",
        {"type": "repair_handed_back", "customer_id": customer.pk, "occurred_at": at("2026-03-03")},
    )
    assert same.status_code == 201 and twice.status_code == 200
    assert LifecycleEvent.objects.count() == 2
    assert FollowUp.objects.count() == len(first["followups"]) + 1


def test_bad_events_name_their_fields(api, auto):
    r = api.post("/events", {"type": "wedding", "customer_id": 999999, "occurred_at": "soon"})
    fields = {e["field"] for e in r.json()["errors"]}
    assert r.status_code == 422 and {"type", "customer_id", "occurred_at"} <= fields
    assert not LifecycleEvent.objects.exists()


def test_r_5_1_level_3_samples_big_and_accident_repairs_and_vips_for_the_gm_office(
    api, agent, auto, gm
):
    plain = make_customer(agent, phones=["13800000007"])
    vip = make_customer(agent, phones=["13800000008"], level="vip")
    assert due(event(api, plain, "repair_handed_back", "2026-05-06"), "level3-repair") is None
    big = event(api, plain, "repair_handed_back", "2026-05-07", attributes={"amount": "26800"})
    crash = event(api, plain, "repair_handed_back", "2026-05-08", attributes={"accident": True})
    vip_body = event(api, vip, "repair_handed_back", "2026-05-09")
    for body in (big, crash, vip_body):
        task = next(f for f in body["followups"] if f["rule"] == "level3-repair")
        assert task["owner"] == "gm"


def test_r_5_1_level_2_samples_last_months_deliveries_in_the_first_week_members_always(agent, auto):
    cs = Department.objects.get(code="cs")
    sampler = UserFactory(username="cs1", role=Role.AGENT, department=cs)
    customers = [make_customer(agent, phones=[f"1390000{i:04d}"]) for i in range(60)]
    members = [make_customer(agent, phones=[f"1370000{i:04d}"], level="member") for i in range(5)]
    for i, c in enumerate(customers + members):
        event_record(
            actor=agent,
            data={
                "type": "delivery",
                "customer_id": c.pk,
                "occurred_at": at(f"2026-11-{i % 28 + 1:02d}"),
            },
        )
    assert schedule_day(dt.date(2026, 12, 8)) == 0  # not the first week
    made = schedule_day(dt.date(2026, 12, 1))
    sample = FollowUp.objects.filter(rule__code="level2")
    assert made == sample.count() and 5 < made < 30  # about 10 % plus every member
    assert set(members) <= {f.customer for f in sample}
    assert {f.owner for f in sample} == {sampler}
    assert {(f.due_on, f.due_by) for f in sample} == {(dt.date(2026, 12, 1), dt.date(2026, 12, 7))}
    # a rerun (or a crashed run resumed) adds nothing; another day of that week neither
    assert schedule_day(dt.date(2026, 12, 1)) == made
    schedule_day(dt.date(2026, 12, 3))
    assert sample.count() == made


def test_r_5_1_weekly_and_monthly_rules_of_the_general_preset(api, agent):
    preset_load(code="general")
    customer = make_customer(agent, phones=["13800000009"])
    for day in ("2026-11-16", "2026-11-20", "2026-11-23"):
        event_record(
            actor=agent,
            data={"type": "consultation", "customer_id": customer.pk, "occurred_at": at(day)},
        )
    event_record(
        actor=agent,
        data={"type": "purchase", "customer_id": customer.pk, "occurred_at": at("2026-10-30")},
    )
    assert schedule_day(dt.date(2026, 11, 24)) == 0  # a Tuesday
    assert schedule_day(dt.date(2026, 11, 23)) == 2  # Monday: last week's two consultations
    assert schedule_day(dt.date(2026, 11, 2)) == 1  # first Monday… and first week: the deal
    assert FollowUp.objects.filter(family="DEAL").get().due_by == dt.date(2026, 11, 8)


def test_rules_are_data_an_edited_rule_applies_to_the_next_event(api, agent, auto):
    FollowUpRule.objects.filter(code="3dc").update(offset_days=2, window_days=1)
    customer = make_customer(agent, phones=["13800000010"])
    body = event(api, customer, "repair_handed_back", "2026-06-01")
    assert due(body, "3dc") == ("2026-06-03", "2026-06-03")
    assert api.get("/followups/rules").json()[0]["code"]


def test_opted_out_customers_get_no_calls(api, agent, auto):
    customer = make_customer(agent, phones=["13800000011"], phone_opt_out=True)
    assert event(api, customer, "delivery", "2026-03-02")["followups"] == []


@time_machine.travel(dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
def test_r_5_2_the_days_list_holds_what_is_due_and_moves_with_appointments(api, agent, auto):
    customer = make_customer(agent, phones=["13800000012"])
    body = event(api, customer, "delivery", "2026-03-02")
    task = next(f for f in body["followups"] if f["rule"] == "7dc")
    today = [f["id"] for f in api.get("/followups", due_on="2026-03-09").json()]
    assert today == [task["id"]]
    assert api.get("/followups", due_on="2026-03-08").json() == []
    assert len(api.get("/followups", rule="1m").json()) == 1
    r = api.post(
        f"/followups/{task['id']}/attempt",
        {"outcome": "appointment", "appointment_at": "2026-03-11T19:30:00+08:00"},
    )
    assert r.json()["due_on"] == "2026-03-11"
    assert api.get("/followups", due_on="2026-03-09").json() == []
    assert [f["id"] for f in api.get("/followups", due_on="2026-03-11").json()] == [task["id"]]


def test_r_5_2_unanswered_calls_retry_outside_rest_time_then_close_as_unreachable(api, agent, auto):
    customer = make_customer(agent, phones=["13800000013"])
    task = next(
        f for f in event(api, customer, "delivery", "2026-03-02")["followups"] if f["rule"] == "7dc"
    )
    cst = dt.timezone(dt.timedelta(hours=8))
    with time_machine.travel(dt.datetime(2026, 3, 9, 18, 0, tzinfo=cst)):
        r = api.post(f"/followups/{task['id']}/attempt", {"outcome": "no_answer"}).json()
    # 18:00 + 4 h is 22:00, inside the 21:00–08:00 rest time: moved to 08:00 next day
    assert local(r["next_call_at"]) == "2026-03-10 08:00"
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=cst)):
        r = api.post(f"/followups/{task['id']}/attempt", {"outcome": "busy"}).json()
    # 13:00 falls in the 12:00–14:00 lunch rest
    assert local(r["next_call_at"]) == "2026-03-10 14:00" and r["status"] == "pending"
    r = api.post(f"/followups/{task['id']}/attempt", {"outcome": "no_answer"}).json()
    assert (r["status"], r["attempts"]) == ("unreachable", 3)
    assert [a["outcome"] for a in r["attempt_log"]] == ["no_answer", "busy", "no_answer"]
    assert api.post(f"/followups/{task['id']}/attempt", {"outcome": "busy"}).status_code == 409
