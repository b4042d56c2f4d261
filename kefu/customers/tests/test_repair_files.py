"""一车两档, the repair half (R-1.4, issue 11): a repair hand-back opens the vehicle's repair
file with its checklist; documents are ticked with the day they reached CS (API and
console), late ones flagged; the extended profile (R-1.2) is shown and edited by group."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.customers.models import AssetFile
from kefu.customers.tests.factories import make_customer, make_vehicle
from kefu.followups.events import event_record
from kefu.setup.services import preset_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def car(agent):
    preset_load(code="auto")
    customer = make_customer(agent, name="张三", phones=["13812345678"])
    return make_vehicle(agent, customer, plate="京A12345")


def hand_back(agent, car, day, ro=""):
    at = dt.datetime.combine(day, dt.time(15), tzinfo=timezone.get_current_timezone())
    event_record(
        actor=agent,
        data={"type": "repair_handed_back", "customer_id": car.customer_id,
              "asset_id": car.pk, "occurred_at": at.isoformat(),
              "attributes": {"repair_order": ro} if ro else {}},
    )  # fmt: skip


def test_a_repair_hand_back_opens_the_repair_file_and_the_same_visit_extends_it(agent, car):
    day = timezone.localdate() - dt.timedelta(days=10)
    hand_back(agent, car, day, ro="RO-1")
    hand_back(agent, car, day + dt.timedelta(days=1), ro="RO-1")  # the same repair order
    hand_back(agent, car, day + dt.timedelta(days=5), ro="RO-2")
    files = AssetFile.objects.filter(asset=car, kind="repair").order_by("opened_on")
    assert [f.reference_no for f in files] == ["RO-1", "RO-2"]
    names = list(files[0].documents.values_list("doc_type__name", flat=True))
    assert names == ["接车单", "派工单", "结算单", "例行检查单"]
    car.refresh_from_db()
    assert car.last_repair_on == day + dt.timedelta(days=5)


def test_documents_are_ticked_with_the_day_they_came_and_late_ones_are_flagged(api, agent, car):
    day = timezone.localdate() - dt.timedelta(days=10)
    hand_back(agent, car, day, ro="RO-9")
    f = AssetFile.objects.get(asset=car, kind="repair")
    url = f"/customers/{car.customer_id}/files/{f.pk}/documents/{{}}/receive"
    late = (day + dt.timedelta(days=6)).isoformat()
    for code in ("reception_sheet", "dispatch_sheet", "settlement", "routine_check"):
        r = api.post(url.format(code), {"received_on": late})
        assert r.status_code == 200, r.json()
    files = [x for a in r.json()["assets"] for x in a["files"] if x["id"] == f.pk]
    assert files[0]["complete"] and files[0]["late"]  # in, but after the deadline
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    r = api.post(url.format("settlement"), {"received_on": tomorrow})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "received_on"


def test_the_console_ticks_with_a_date_and_edits_the_profile_by_group(client, agent, car):
    day = timezone.localdate() - dt.timedelta(days=3)
    hand_back(agent, car, day)
    f = AssetFile.objects.get(asset=car, kind="repair")
    client.force_login(agent)
    page = client.get(f"/customers/{car.customer_id}/").content.decode()
    assert "维修档案" in page and "例行检查单" in page and "家庭" in page
    client.post(f"/customers/{car.customer_id}/",
                {"action": "receive", "file": f.pk, "doc": "settlement",
                 "received_on": day.isoformat()})  # fmt: skip
    assert f.documents.get(doc_type__code="settlement").received_on == day
    answers = {"action": "profile", "pf_marital_status": "已婚", "pf_spouse_name": "李梅"}
    r = client.post(f"/customers/{car.customer_id}/", answers)
    assert r.status_code == 302
    car.customer.refresh_from_db()
    assert car.customer.extra["marital_status"] == "已婚"
    r = client.post(f"/customers/{car.customer_id}/",
                    {"action": "profile", "pf_marital_status": "保密"})  # fmt: skip
    assert r.status_code == 422 and "取值无效" in r.content.decode()
