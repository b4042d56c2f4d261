"""Doing a follow-up: the script (R-5.3), answers and scores, unsatisfied items going to the
responsible department (R-5.4), the reports (R-5.5) and member coverage (R-5.2); importing
events from a DMS export (R-5.1)."""

import datetime as dt

import pytest

from kefu.accounts.models import Department
from kefu.complaints.models import Complaint
from kefu.core.services import center_settings
from kefu.customers.tests.factories import make_customer, make_vehicle
from kefu.followups.models import FollowUp, LifecycleEvent
from kefu.setup.services import preset_load
from kefu.tickets.models import WorkOrder

pytestmark = pytest.mark.django_db

HAPPY_3DC = {"quality": 5, "on_time": "yes", "advisor": 4, "price": "yes"}


@pytest.fixture
def auto(db):
    for code, name in (("cs", "客服部"), ("service", "售后服务部"), ("sales", "销售部")):
        Department.objects.create(code=code, name=name)
    preset_load(code="auto")


def three_dc(api, customer, day="2026-06-01", **extra):
    body = api.post(
        "/events",
        {
            "type": "repair_handed_back",
            "customer_id": customer.pk,
            "occurred_at": f"{day}T10:00:00+08:00",
            **extra,
        },
    ).json()
    return next(f for f in body["followups"] if f["rule"] == "3dc")


def test_r_5_3_the_agent_sees_the_script_filled_in_for_this_customer(api, agent, auto):
    customer = make_customer(agent, name="李雷", phones=["13800000101"], gender="male")
    car = make_vehicle(agent, customer, plate="沪B66666")
    task = three_dc(api, customer, asset_id=car.pk)
    script = api.get(f"/followups/{task['id']}").json()["script"]
    assert script["opening"].startswith("您好，请问是李雷先生吗？我是客服中心的客服")
    assert "沪B66666于2026年06月01日" in script["opening"]
    assert [q["key"] for q in script["questions"]] == [
        "quality",
        "on_time",
        "advisor",
        "price",
        "suggestion",
    ]


def test_r_5_3_answers_are_checked_scored_and_a_happy_customer_is_satisfied(api, agent, auto):
    task = three_dc(api, make_customer(agent, phones=["13800000102"]))
    r = api.post(f"/followups/{task['id']}/result", {"answers": {"quality": 9, "on_time": "maybe"}})
    fields = {e["field"] for e in r.json()["errors"]}
    assert r.status_code == 422
    assert {"answers.quality", "answers.on_time", "answers.advisor", "answers.price"} <= fields
    r = api.post(f"/followups/{task['id']}/result", {"answers": HAPPY_3DC, "note": "很好"})
    body = r.json()
    assert (body["status"], body["result"], body["score"], body["reached"]) == (
        "done",
        "satisfied",
        4.5,
        True,
    )
    assert body["raised"] == [] and not WorkOrder.objects.exists()


def test_r_5_4_each_unsatisfied_item_goes_to_its_department_linked_both_ways(api, agent, auto):
    customer = make_customer(agent, phones=["13800000103"])
    task = three_dc(api, customer)
    answers = {**HAPPY_3DC, "quality": 2, "price": "no", "advisor": 1}
    body = api.post(
        f"/followups/{task['id']}/result", {"answers": answers, "note": "多收了工时费"}
    ).json()
    assert body["result"] == "unsatisfied"
    kinds = sorted(x["kind"] for x in body["raised"])
    assert kinds == ["complaint", "work_order"]
    order = WorkOrder.objects.get()
    assert order.department.code == "service" and order.source_followup_id == task["id"]
    assert "维修质量" in order.description and "结算费用" in order.description
    assert order.customer == customer
    complaint = Complaint.objects.get()
    assert complaint.source_followup_id == task["id"] and complaint.stage == "judgment"
    # the department's result comes back to CS as a follow-up of its own
    assert FollowUp.objects.filter(work_order=order).count() == 0


def test_r_5_5_daily_weekly_monthly_report_per_rule_family(api, api_as, lead, agent, auto):
    a = three_dc(api, make_customer(agent, phones=["13800000104"]), day="2026-06-01")
    b = three_dc(api, make_customer(agent, phones=["13800000105"]), day="2026-06-01")
    three_dc(api, make_customer(agent, phones=["13800000106"]), day="2026-06-08")
    api.post(f"/followups/{a['id']}/result", {"answers": HAPPY_3DC})
    api.post(
        f"/followups/{b['id']}/result",
        {"answers": {**HAPPY_3DC, "quality": 2}, "note": "异响未解决"},
    )
    daily = (
        api_as(lead)
        .get("/followups/reports/summary", family="3DC", period="day", date="2026-06-04")
        .json()
    )
    assert (daily["due"], daily["done"], daily["reached"]) == (2, 2, 2)
    assert daily["results"] == {"satisfied": 1, "unsatisfied": 1}
    quality = next(q for q in daily["questions"] if q["key"] == "quality")
    assert quality["average"] == 3.5 and quality["n"] == 2
    on_time = next(q for q in daily["questions"] if q["key"] == "on_time")
    assert on_time["choices"] == {"yes": 2}
    assert [x["note"] for x in daily["reasons"]] == ["异响未解决"]
    monthly = (
        api_as(lead)
        .get("/followups/reports/summary", family="3DC", period="month", date="2026-06-15")
        .json()
    )
    assert (monthly["due"], monthly["done"], monthly["open"]) == (3, 2, 1)
    assert monthly["completion_rate"] == round(2 / 3, 4)
    weekly = (
        api_as(lead)
        .get("/followups/reports/summary", family="3DC", period="week", date="2026-06-11")
        .json()
    )
    assert weekly["start"] == "2026-06-08" and weekly["due"] == 1
    bad = api_as(lead).get("/followups/reports/summary", family="3DC", period="year")
    assert bad.status_code == 422


def test_r_5_2_every_member_gets_their_follow_up_coverage_lists_the_missing(
    api, api_as, lead, agent, auto
):
    member = make_customer(agent, phones=["13800000107"], level="member")
    other = make_customer(agent, phones=["13800000108"], level="member")
    done = three_dc(api, member, day="2026-06-01")
    missing = three_dc(api, other, day="2026-06-01")
    three_dc(api, make_customer(agent, phones=["13800000109"]), day="2026-06-01")
    api.post(f"/followups/{done['id']}/result", {"answers": HAPPY_3DC})
    report = (
        api_as(lead)
        .get("/followups/reports/coverage", since="2026-06-01", until="2026-07-01")
        .json()
    )
    assert (report["member_followups"], report["done"], report["coverage"]) == (2, 1, 0.5)
    assert [m["followup_id"] for m in report["missing"]] == [missing["id"]]
    assert (
        api.get("/followups/reports/coverage", since="2026-06-01", until="2026-07-01").status_code
        == 403
    )


def test_a_follow_up_is_its_owners_others_cannot_record_it(api, api_as, other_agent, agent, auto):
    task = three_dc(api, make_customer(agent, phones=["13800000110"]))
    r = api_as(other_agent).post(f"/followups/{task['id']}/result", {"answers": HAPPY_3DC})
    assert r.status_code == 404


def test_r_5_1_events_import_from_a_dms_export_all_or_nothing_and_replayable(
    api_as, lead, agent, auto
):
    a = make_customer(agent, phones=["13800000111"])
    b = make_customer(agent, phones=["13800000112"])
    good = (
        "事件,客户编号,手机,时间,单号,金额\n"
        f"repair_handed_back,{a.number},,2026-06-01 10:00,RO-1,26800\n"
        "delivery,,13800000112,2026-06-02T09:00:00+08:00,SO-7,\n"
    )
    bad = (
        good
        + "repair_handed_back,KH99999999,,2026-06-03 10:00,RO-2,\nwedding,,13800000112,,SO-8,\n"
    )
    client = api_as(lead)
    r = client.upload("/events/import", "dms.csv", bad.encode("utf-8-sig")).json()
    assert r["status"] == "rejected" and not LifecycleEvent.objects.exists()
    assert {(e["line"], e["field"]) for e in r["errors"]} >= {
        (4, "customer"),
        (5, "type"),
        (5, "occurred_at"),
    }
    r = client.upload("/events/import", "dms.csv", good.encode("gbk")).json()
    assert (r["status"], r["created"], r["existing"]) == ("imported", 2, 0)
    repair = LifecycleEvent.objects.get(type="repair_handed_back")
    assert repair.attributes["amount"] == "26800" and repair.customer == a
    assert FollowUp.objects.filter(event=repair, rule__code="level3-repair").exists()
    assert LifecycleEvent.objects.get(type="delivery").customer == b
    again = client.upload("/events/import", "dms.csv", good.encode("utf-8")).json()
    assert (again["created"], again["existing"]) == (0, 2)
    assert center_settings().preset.code == "auto"
    assert dt.date(2026, 6, 4) == FollowUp.objects.get(event=repair, rule__code="3dc").due_on


def test_opening_the_same_occasion_twice_gives_one_follow_up(agent):
    """R-5.1: one task per occasion, even when two callers ask at once (the unique key)."""
    import datetime as dt

    from kefu.followups.choices import Kind
    from kefu.followups.models import FollowUp
    from kefu.followups.services import followup_open

    day = dt.date(2026, 3, 9)
    first, made = followup_open(kind=Kind.CARE, source_key="care:x", due_on=day, due_by=day)
    FollowUp.objects.filter(pk=first.pk).update(note="seen")
    again, made_again = followup_open(kind=Kind.CARE, source_key="care:x", due_on=day, due_by=day)
    assert made and not made_again and again.pk == first.pk
    assert FollowUp.objects.filter(source_key="care:x").count() == 1
