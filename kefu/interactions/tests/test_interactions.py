"""Calls, visits and letters (R-2.1, R-2.3, R-2.4, R-2.5) and their tie-ins (R-1.6, R-1.7)."""

import datetime as dt

import pytest

from kefu.accounts.choices import Role
from kefu.accounts.models import Department
from kefu.accounts.tests.factories import UserFactory
from kefu.core.services import center_settings
from kefu.customers.tests.factories import make_customer
from kefu.interactions.models import CallbackTask, Interaction, Notice, PraiseRecord

pytestmark = pytest.mark.django_db

CALL = {"channel": "inbound_call", "category": "consultation", "content": "咨询保养价格"}


def test_a_call_from_a_known_number_is_linked_to_its_customer(api, agent):
    customer = make_customer(agent, phones=["13812345678"])
    r = api.post("/interactions", {**CALL, "caller_number": "+86 138 1234 5678"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["customer_number"] == customer.number
    assert body["caller_number"] == "138****5678"
    assert body["agent"] == "agent1" and body["routing"] == "none"


def test_an_unknown_caller_is_kept_and_linked_later(api, agent):
    r = api.post("/interactions", {**CALL, "caller_number": "13900000000"})
    assert r.json()["customer_id"] is None
    customer = make_customer(agent, name="新客户")
    r = api.patch(f"/interactions/{r.json()['id']}", {"customer_id": customer.pk})
    assert r.json()["customer_number"] == customer.number
    assert api.get("/interactions", customer=customer.pk).json()[0]["content"] == "咨询保养价格"


def test_bad_input_names_each_field(api):
    r = api.post("/interactions", {"channel": "fax", "category": "gossip", "content": ""})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"channel", "category", "content", "customer_id"} <= fields
    assert not Interaction.objects.exists()


def test_only_certified_agents_take_calls(api_as):
    rookie = UserFactory(username="rookie", role=Role.AGENT, is_certified=False)
    r = api_as(rookie).post("/interactions", {**CALL, "caller_number": "13900000000"})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "not_certified"
    outbound = {**CALL, "channel": "outbound_call", "caller_number": "13900000000"}
    assert api_as(rookie).post("/interactions", outbound).status_code == 201


def test_praise_is_recorded_for_the_employee_and_their_department_is_told(api):
    service = Department.objects.create(code="service", name="售后服务部")
    tech = UserFactory(username="tech", role=Role.HANDLER, department=service)
    r = api.post(
        "/interactions",
        {
            "channel": "letter",
            "category": "praise",
            "contact_name": "王先生",
            "content": "师傅修车认真",
            "praised_employee": "tech",
        },
    )
    assert r.json()["routing"] == "done"
    praise = PraiseRecord.objects.get()
    assert (praise.employee, praise.department) == (tech, service)
    # the employee hears of it, and so does the department (it has no head)
    assert Notice.objects.get(kind="praise", user=tech).department is None
    assert Notice.objects.get(kind="praise", user=None).department == service
    r = api.post(
        "/interactions",
        {"channel": "letter", "category": "praise", "contact_name": "李女士", "content": "很好"},
    )
    assert r.json()["errors"][0]["field"] == "praised_employee"


def test_other_correspondence_goes_to_the_configured_department(api):
    r = api.post(
        "/interactions",
        {"channel": "letter", "category": "other", "contact_name": "某公司", "content": "合作函"},
    )
    assert r.json()["routing"] == "none"
    assert r.json()["warnings"][0]["code"] == "no_correspondence_department"
    setting = center_settings()
    setting.correspondence_department = Department.objects.create(code="office", name="行政部")
    setting.save()
    r = api.post(
        "/interactions",
        {"channel": "letter", "category": "other", "contact_name": "某公司", "content": "合作函"},
    )
    assert r.json()["routing"] == "done"
    assert Notice.objects.get().department.code == "office"


def test_a_report_waits_for_its_work_order_without_a_repair_department(api):
    r = api.post("/interactions", {**CALL, "category": "repair", "caller_number": "13900000000"})
    assert r.json()["routing"] == "pending"


def test_callback_promise_becomes_a_task_that_surfaces_when_overdue(api, api_as, lead, agent):
    r = api.post(
        "/interactions",
        {**CALL, "caller_number": "13900000000", "callback_due_at": "2026-11-20T10:00:00+08:00"},
    )
    task = CallbackTask.objects.get()
    assert (task.kind, task.assignee, task.interaction_id) == ("callback", agent, r.json()["id"])
    overdue = api.get("/callbacks", overdue=True).json()
    assert [t["id"] for t in overdue] == [task.id] and overdue[0]["overdue"]
    assert overdue[0]["caller_number"] == "139****0000"
    assert api.get("/callbacks", everyone=True).status_code == 403
    assert len(api_as(lead).get("/callbacks", everyone=True, overdue=True).json()) == 1


def test_a_message_for_an_absent_colleague_is_their_task(api, other_agent):
    api.post(
        "/interactions",
        {
            **CALL,
            "caller_number": "13900000000",
            "message_for": "agent2",
            "callback_due_at": "2026-11-23T10:00:00+08:00",
            "callback_note": "请回电告知提车时间",
        },
    )
    task = CallbackTask.objects.get()
    assert (task.kind, task.assignee, task.note) == ("message", other_agent, "请回电告知提车时间")


def test_tasks_are_closed_by_their_assignee_once(api, api_as, agent, other_agent):
    api.post(
        "/interactions",
        {**CALL, "caller_number": "13900000000", "callback_due_at": "2026-11-23T10:00:00+08:00"},
    )
    task = CallbackTask.objects.get()
    assert (
        api_as(other_agent).post(f"/callbacks/{task.id}/done", {"result": "已回电"}).status_code
        == 403
    )
    assert api.post(f"/callbacks/{task.id}/done", {"result": ""}).status_code == 422
    assert api.post(f"/callbacks/{task.id}/done", {"result": "已回电"}).json()["status"] == "done"
    assert api.post(f"/callbacks/{task.id}/done", {"result": "又回电"}).status_code == 409
    assert task.history.count() == 2


def test_the_owners_first_logged_contact_counts_as_first_contact(api, agent):
    customer = make_customer(agent, phones=["13812345678"])
    assert customer.first_contacted_at is None
    api.post("/interactions", {**CALL, "channel": "outbound_call", "customer_id": customer.pk})
    customer.refresh_from_db()
    assert customer.first_contacted_at is not None


def test_screen_pop_shows_recent_contacts_and_open_callbacks(api, agent):
    make_customer(agent, phones=["13812345678"])
    api.post(
        "/interactions",
        {
            **CALL,
            "caller_number": "13812345678",
            "subject": "保养预约",
            "callback_due_at": "2026-11-23T10:00:00+08:00",
        },
    )
    pop = api.get("/customers/lookup", phone="13812345678").json()
    assert pop["recent_interactions"][0]["subject"] == "保养预约"
    callback = next(item for item in pop["open_items"] if item["kind"] == "callback")
    due = dt.datetime.fromisoformat(callback["due_at"].replace("Z", "+00:00"))
    assert due == dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
    assert pop["recent_interactions"][0]["agent"] == "agent1"
