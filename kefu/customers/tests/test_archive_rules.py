"""R-1.4 vehicle files, R-1.7 assignment, R-1.9 merge, R-1.10 verification."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.customers import services as svc
from kefu.customers.models import Customer
from kefu.customers.selectors import file_state, first_contact_overdue, late_files
from kefu.customers.tests.factories import make_customer, make_vehicle, valid_vin
from kefu.setup.services import preset_load

pytestmark = pytest.mark.django_db


def test_new_customers_go_to_the_agent_with_least_load_per_skill(lead):
    senior = UserFactory(username="senior", role=Role.AGENT, skill_level=4)
    junior = UserFactory(username="junior", role=Role.AGENT, skill_level=1)
    owners = [make_customer(lead, name=f"客户{i}", assign=True).owner for i in range(10)]
    # Load per skill point stays balanced: 8 for the level-4 agent, 2 for the level-1 agent.
    assert owners.count(senior) == 8 and owners.count(junior) == 2


def test_first_contact_is_due_within_the_center_setting(lead, agent):
    preset_load(code="property")  # 24 hours in the property preset
    c = make_customer(lead, assign=True)
    assert c.owner == agent
    assert c.first_contact_due_at - c.assigned_at == dt.timedelta(hours=24)
    later = timezone.now() + dt.timedelta(hours=25)
    assert list(first_contact_overdue(now=later)) == [c]
    svc.customer_mark_contacted(customer=c, actor=agent)
    assert not first_contact_overdue(now=later).exists()


def test_delivery_opens_the_sales_file_due_two_working_days_later(agent):
    preset_load(code="auto")
    c = make_customer(agent)
    # Friday 2026-10-09 → working days: Sat 10-10 (调休 worked), Mon 10-12.
    asset = make_vehicle(agent, c, delivered_on="2026-10-09", salesperson="王销售")
    file = asset.files.get()
    assert file.kind == "sales" and file.responsible == "王销售"
    assert file.due_on == dt.date(2026, 10, 12)
    assert file.documents.count() == 11  # the seed's sales checklist


def test_a_file_whose_documents_arrive_late_is_flagged(agent):
    preset_load(code="auto")
    asset = make_vehicle(agent, make_customer(agent), delivered_on="2026-11-02")
    file = asset.files.get()
    assert file_state(file, today=dt.date(2026, 11, 3)) == {
        "required": 11,
        "received": 0,
        "complete": False,
        "late": False,
    }
    assert file_state(file, today=dt.date(2026, 11, 5))["late"]
    for doc in file.documents.all():
        svc.file_document_receive(actor=agent, document=doc, received_on=dt.date(2026, 11, 6))
    file.refresh_from_db()
    assert file.completed_on == dt.date(2026, 11, 6)
    assert file_state(file)["late"] and list(late_files()) == [file]


def test_repair_file_is_due_one_working_day_later(agent):
    preset_load(code="auto")
    asset = make_vehicle(agent, make_customer(agent))
    file = svc.asset_file_open(
        actor=agent,
        asset=asset,
        kind="repair",
        opened_on=dt.date(2026, 9, 30),
        reference_no="WX001",
    )
    # The National Day holiday (Oct 1–7) is skipped; Thursday Oct 8 is the next working day.
    assert file.due_on == dt.date(2026, 10, 8)
    assert file.documents.count() == 4


def test_merge_moves_phones_assets_and_keeps_history(lead, agent):
    target = make_customer(agent, name="张三", phones=["13800000001"])
    source = make_customer(
        agent,
        name="张三",
        phones=["13800000001", "13800000002"],
        id_number="11010519491231002X",
        tags=["VIP车主"],
    )
    make_vehicle(agent, source)
    svc.customer_merge(target=target, source=source, actor=lead)
    target.refresh_from_db()
    source.refresh_from_db()
    assert sorted(target.phones.values_list("number", flat=True)) == ["13800000001", "13800000002"]
    assert target.assets.count() == 1 and target.id_number == "11010519491231002X"
    assert [t.name for t in target.tags.all()] == ["VIP车主"]
    assert source.status == "obsolete" and source.merged_into == target
    assert source.history.filter(history_type="+").exists()
    assert source.history.first().history_user == lead


def test_merge_twice_is_a_conflict(lead, agent):
    a, b = make_customer(agent), make_customer(agent)
    svc.customer_merge(target=a, source=b, actor=lead)
    from kefu.core.errors import Conflict

    with pytest.raises(Conflict):
        svc.customer_merge(target=a, source=Customer.objects.get(pk=b.pk), actor=lead)


def test_merge_endpoint_needs_a_lead(api, api_as, lead, agent):
    a, b = make_customer(agent), make_customer(agent)
    assert api.post(f"/customers/{a.pk}/merge", {"source_id": b.pk}).status_code == 403
    assert api_as(lead).post(f"/customers/{a.pk}/merge", {"source_id": b.pk}).status_code == 200


def test_verification_marks_and_corrects(api, agent):
    c = make_customer(agent)
    body = api.post(
        f"/customers/{c.pk}/verify", {"result": "corrected", "data": {"address": "上海市浦东新区"}}
    ).json()
    assert body["verification"] == "corrected"
    c.refresh_from_db()
    assert c.address == "上海市浦东新区" and c.verified_by == agent
    r = api.post(f"/customers/{c.pk}/verify", {"result": "obsolete"})
    assert r.json()["status"] == "obsolete"
    assert api.post(f"/customers/{c.pk}/verify", {"result": "maybe"}).status_code == 422


def test_unassigned_agent_cannot_add_a_vehicle_to_someone_elses_customer(api, agent, other_agent):
    c = make_customer(other_agent)
    r = api.post(
        f"/customers/{c.pk}/assets", {"kind": "vehicle", "vin": valid_vin("LSVAU2180N2999999")}
    )
    assert r.status_code == 403


def test_first_contact_report_shows_agents_their_own_and_leads_all(
    api, api_as, agent, other_agent, lead
):
    mine = make_customer(lead, name="甲", owner="agent1")
    make_customer(lead, name="乙", owner="agent2")
    Customer.objects.update(first_contact_due_at=timezone.now() - dt.timedelta(hours=1))
    own = api.get("/customers/reports/first-contact-overdue").json()
    assert [row["number"] for row in own] == [mine.number]
    assert len(api_as(lead).get("/customers/reports/first-contact-overdue").json()) == 2


def test_late_files_report_names_the_responsible_person(api_as, lead, agent):
    preset_load(code="auto")
    make_vehicle(agent, make_customer(agent), delivered_on="2026-11-02", salesperson="王销售")
    rows = api_as(lead).get("/customers/reports/late-files").json()
    assert [(r["kind"], r["responsible"]) for r in rows] == [("sales", "王销售")]
