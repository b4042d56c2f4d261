"""/api/v1/activities (R-9.2): plan, open, register with the waiting list, import a sheet,
check in by member card, close, and the report."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.customers.tests.factories import make_customer
from kefu.members.services import member_join
from kefu.setup.services import preset_load

pytestmark = pytest.mark.django_db


def test_an_activity_end_to_end(api_as, lead, agent):
    preset_load(code="auto")
    boss, desk = api_as(lead), api_as(agent)
    start = timezone.now() + dt.timedelta(days=2)
    plan = {"name": "自驾游·千岛湖", "kind": "road_trip", "place": "店门口集合", "capacity": 2,
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=8)).isoformat(), "cost": "1000"}  # fmt: skip
    assert desk.post("/activities", plan).status_code == 403  # planned by leads
    made = boss.post("/activities", plan)
    assert made.status_code == 201, made.json()
    aid = made.json()["id"]
    assert boss.post(f"/activities/{aid}/open").json()["status"] == "open"
    one = make_customer(lead, name="甲", phones=["13911110001"])
    two = make_customer(lead, name="乙", phones=["13911110002"])
    make_customer(lead, name="丙", phones=["13911110003"])
    card = member_join(actor=agent, customer=one, data={"level": "silver"}).card_no
    first = desk.post(f"/activities/{aid}/registrations", {"customer_id": one.pk, "guests": 1})
    assert first.json()["status"] == "registered"
    sheet = SimpleUploadedFile("报名.csv", "手机\n13911110002\n13911110003\n".encode())
    imported = desk.client.post(f"/api/v1/activities/{aid}/import", {"file": sheet}).json()
    assert (imported["registered"], imported["waiting"]) == (0, 2)
    rows = desk.get(f"/activities/{aid}/registrations").json()
    assert [(r["name"], r["position"]) for r in rows] == [("甲", None), ("乙", 1), ("丙", 2)]
    checked = desk.post(f"/activities/{aid}/checkin", {"query": card})
    assert checked.json()["status"] == "attended"
    assert boss.post(f"/activities/{aid}/close").json() == {"no_show": 0, "followups": 1}
    report = boss.get(f"/activities/{aid}").json()["report"]
    assert (report["attended"], report["waiting"], report["cost_per_attendee"]) == (
        1, 2, "1000.00")  # fmt: skip
    assert two.registrations.get().status == "waiting"
