"""Work orders (R-3.1, R-3.2, R-3.3) and routing reports to them (R-2.3)."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.accounts.choices import Role
from kefu.accounts.models import Department
from kefu.accounts.tests.factories import UserFactory
from kefu.core.errors import Conflict, ValidationFailed
from kefu.core.services import center_settings
from kefu.interactions.models import Notice
from kefu.setup.services import preset_load
from kefu.tickets.choices import Status
from kefu.tickets.models import SlaRule, WorkOrder
from kefu.tickets.services import escalate_overdue, work_order_create, work_order_transition

pytestmark = pytest.mark.django_db

CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def engineering(db):
    preset_load(code="property")
    return Department.objects.create(code="engineering", name="工程部")


@pytest.fixture
def handler(engineering):
    return UserFactory(username="fixer", role=Role.HANDLER, department=engineering)


def order(actor, **data):
    return work_order_create(
        actor=actor,
        data={"title": "电梯故障", "category": "fault", "department": "engineering", **data},
    )


def test_fault_report_must_be_dispatched_within_30_minutes(agent, engineering):
    o = order(agent)
    assert o.number.startswith("GD") and o.status == "new"
    assert o.dispatch_due_at - o.created_at < dt.timedelta(minutes=30, seconds=1)
    assert o.due_at - o.created_at >= dt.timedelta(hours=24) - dt.timedelta(seconds=1)


def test_working_hour_rules_skip_nights_weekends_and_holidays(agent, engineering, monkeypatch):
    """R-3.1 with R-0.6 and R-0.1: working hours in the center's time zone, holidays off."""
    rule = SlaRule.objects.get(category="other")  # 2 hours to dispatch, 18 working hours
    # Wednesday 2026-09-30 17:00 in Shanghai: 1 h left that day, then the National Day week.
    fixed = dt.datetime(2026, 9, 30, 17, 0, tzinfo=CST)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    o = order(agent, category="other")
    assert o.sla_rule == rule
    assert timezone.localtime(o.dispatch_due_at) == dt.datetime(2026, 10, 8, 10, 0, tzinfo=CST)
    assert timezone.localtime(o.due_at) == dt.datetime(2026, 10, 9, 17, 0, tzinfo=CST)


def test_the_most_specific_sla_rule_wins(agent, engineering):
    SlaRule.objects.create(
        name="工程部紧急故障",
        category="fault",
        department=engineering,
        priority="urgent",
        dispatch_minutes=10,
        resolve_hours=4,
    )
    o = order(agent, priority="urgent")
    assert o.sla_rule.name == "工程部紧急故障"
    assert order(agent, priority="normal").sla_rule.dispatch_minutes == 30


def test_the_full_flow_and_its_timeline(api, api_as, agent, handler, lead):
    r = api.post(
        "/tickets", {"title": "楼道灯不亮", "category": "fault", "department": "engineering"}
    )
    assert r.status_code == 201, r.content
    oid = r.json()["id"]
    assert r.json()["allowed"] == ["dispatched", "cancelled"]
    steps = [
        (api_as(lead), {"to": "dispatched", "assignee": "fixer"}),
        (api_as(handler), {"to": "in_progress"}),
        (api_as(handler), {"to": "done", "result": "已更换灯管"}),
        (api, {"to": "verified"}),
    ]
    for client, body in steps:
        r = client.post(f"/tickets/{oid}/transition", body)
        assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "verified" and body["result"] == "已更换灯管"
    assert [e["to"] for e in body["events"]] == [
        "new",
        "dispatched",
        "in_progress",
        "done",
        "verified",
    ]
    assert WorkOrder.objects.get(pk=oid).history.count() == 5


def test_a_forbidden_step_is_409_naming_the_allowed_ones(api, engineering):
    oid = api.post("/tickets", {"title": "漏水", "department": "engineering"}).json()["id"]
    r = api.post(f"/tickets/{oid}/transition", {"to": "done", "result": "x"})
    assert r.status_code == 409
    assert "dispatched" in r.json()["errors"][0]["message_en"]


def test_missing_fields_are_422(api, engineering):
    oid = api.post("/tickets", {"title": "漏水", "department": "engineering"}).json()["id"]
    r = api.post(f"/tickets/{oid}/transition", {"to": "dispatched"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "assignee"


def test_unsatisfied_follow_up_reopens_until_the_customer_is_satisfied(agent, handler):
    o = order(agent, assignee="fixer")
    for to, fields in (("in_progress", {}), ("done", {"result": "修好了"})):
        o = work_order_transition(actor=handler, order=o, to=to, fields=fields)
    o = work_order_transition(
        actor=agent, order=o, to="reopened", fields={"reason": "客户回访不满意：仍然漏水"}
    )
    assert o.status == "reopened" and o.done_at is None
    o = work_order_transition(actor=handler, order=o, to="in_progress")
    assert o.status == "in_progress"


def test_other_departments_cannot_work_the_order(agent, engineering):
    stranger = UserFactory(
        username="cook",
        role=Role.HANDLER,
        department=Department.objects.create(code="canteen", name="食堂"),
    )
    o = order(agent)
    from kefu.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        work_order_transition(actor=stranger, order=o, to="dispatched", fields={"assignee": "cook"})


def test_urging_is_for_team_leads_and_is_logged(api, api_as, lead, handler):
    oid = api.post(
        "/tickets", {"title": "漏水", "department": "engineering", "assignee": "fixer"}
    ).json()["id"]
    assert api.post(f"/tickets/{oid}/urge", {"note": "客户再次来电"}).status_code == 403
    body = api_as(lead).post(f"/tickets/{oid}/urge", {"note": "客户再次来电"}).json()
    assert body["urge_count"] == 1 and body["events"][-1]["kind"] == "urge"
    assert Notice.objects.get(kind="urge").user == handler


def test_overdue_orders_escalate_once_per_level(agent, engineering):
    manager = UserFactory(username="boss", role=Role.MANAGER)
    UserFactory(username="lead1", role=Role.TEAM_LEAD)
    o = order(agent)
    five_hours_late = o.due_at + dt.timedelta(hours=5)
    assert escalate_overdue(now=five_hours_late) == 2  # team lead at once, manager after 4 h
    assert escalate_overdue(now=five_hours_late) == 0  # idempotent
    o.refresh_from_db()
    assert o.escalation_level == 2
    assert Notice.objects.filter(kind="escalation", user=manager).count() == 1
    assert escalate_overdue(now=o.due_at + dt.timedelta(days=2)) == 1  # the GM


def test_stalled_orders_are_visible_to_team_leads(api, api_as, lead, engineering):
    oid = api.post("/tickets", {"title": "漏水", "department": "engineering"}).json()["id"]
    WorkOrder.objects.filter(pk=oid).update(
        dispatch_due_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert [o["id"] for o in api_as(lead).get("/tickets", stalled=True).json()] == [oid]
    assert api.get("/tickets", stalled=True).status_code == 403


def test_a_repair_call_becomes_a_work_order_linked_both_ways(api, agent, engineering):
    setting = center_settings()
    setting.repair_department = engineering
    setting.save()
    r = api.post(
        "/interactions",
        {
            "channel": "inbound_call",
            "category": "repair",
            "caller_number": "13900000000",
            "subject": "卫生间漏水",
            "content": "3栋2单元502卫生间漏水",
        },
    )
    assert r.json()["routing"] == "done"
    o = WorkOrder.objects.get()
    assert (o.interaction_id, o.department, o.title) == (r.json()["id"], engineering, "卫生间漏水")
    assert o.dispatch_due_at is not None


def test_bad_work_order_input_names_the_fields(agent, engineering):
    with pytest.raises(ValidationFailed) as exc:
        work_order_create(
            actor=agent,
            data={"title": "", "department": "nowhere", "category": "magic", "priority": "asap"},
        )
    assert {e.field for e in exc.value.errors} == {"title", "department", "category", "priority"}


FIELDS = {"assignee": "fixer", "result": "处理完毕", "reason": "客户撤回"}


# written out here, not read from the table under test: from → where it may go.
ALLOWED = {
    "new": {"dispatched", "cancelled"},
    "dispatched": {"in_progress", "dispatched", "cancelled"},
    "in_progress": {"done", "dispatched"},
    "done": {"verified", "reopened"},
    "reopened": {"in_progress", "dispatched"},
    "verified": set(),
    "cancelled": set(),
}


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.lists(st.sampled_from(Status.values), min_size=1, max_size=8))
def test_only_workflow_transitions_ever_happen(agent, lead, handler, path):
    """Any sequence of requested steps: allowed ones succeed, the others are refused with
    409 and change nothing."""
    o = order(lead)
    for to in path:
        before = WorkOrder.objects.get(pk=o.pk).status
        if to not in ALLOWED[before]:
            with pytest.raises(Conflict):
                work_order_transition(actor=lead, order=o, to=to, fields=FIELDS)
            assert WorkOrder.objects.get(pk=o.pk).status == before
        else:
            o = work_order_transition(actor=lead, order=o, to=to, fields=FIELDS)
            assert o.status == to


def test_screen_pop_lists_the_customers_open_work_orders(api, agent, engineering):
    from kefu.customers.tests.factories import make_customer

    customer = make_customer(agent, phones=["13812345678"])
    order(agent, customer_id=customer.pk, title="空调不制冷")
    items = api.get("/customers/lookup", phone="13812345678").json()["open_items"]
    assert [i["title"] for i in items if i["kind"] == "work_order"] == ["空调不制冷"]


def test_escalation_runs_from_the_command_line(agent, engineering):
    import io

    from django.core.management import call_command

    o = order(agent)
    WorkOrder.objects.filter(pk=o.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    out = io.StringIO()
    call_command("run_jobs", "kefu.tickets.escalate_overdue", stdout=out)
    # only the job named runs, and it escalated the one late order
    assert out.getvalue().splitlines() == ["kefu.tickets.escalate_overdue: 1"]
    assert WorkOrder.objects.get(pk=o.pk).escalation_level == 1


def test_too_long_input_is_refused_not_cut(api, agent, engineering):
    r = api.post("/tickets", {"title": "漏" * 101, "department": "engineering"})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "too_long"
    from kefu.customers.tests.factories import make_customer

    c = make_customer(agent)
    r = api.post(f"/customers/{c.pk}/assets", {"kind": "order", "category": "瓷砖" * 20})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "category"


def test_list_limits_out_of_range_are_422(api, engineering):
    assert api.get("/tickets", limit=-1).status_code == 422
    assert api.get("/interactions", limit=0).status_code == 422


def test_r_3_3_the_result_returns_to_cs_and_the_follow_up_verifies_or_reopens(api, agent, handler):
    from kefu.followups.models import FollowUp

    o = order(agent, assignee="fixer")
    for to, fields in (("in_progress", {}), ("done", {"result": "已更换密封圈"})):
        o = work_order_transition(actor=handler, order=o, to=to, fields=fields)
    followup = FollowUp.objects.get(work_order=o)
    assert (followup.owner, followup.kind, followup.status) == (agent, "work_order", "pending")
    assert followup.due_by - followup.due_on == dt.timedelta(days=3)
    assert Notice.objects.filter(user=agent, kind="work_order_done").exists()
    r = api.post(f"/followups/{followup.id}/result", {"result": "unsatisfied", "note": "仍漏水"})
    assert r.status_code == 200
    o.refresh_from_db()
    assert o.status == "reopened"
    assert "仍漏水" in o.events.last().note
    # the second time the department finishes, a new follow-up verifies it
    for to, fields in (("in_progress", {}), ("done", {"result": "更换水管"})):
        o = work_order_transition(actor=handler, order=o, to=to, fields=fields)
    second = FollowUp.objects.filter(work_order=o).exclude(pk=followup.pk).get()
    api.post(f"/followups/{second.id}/result", {"result": "satisfied"})
    o.refresh_from_db()
    assert o.status == "verified" and o.verified_at is not None


def test_a_forbidden_phrase_in_a_result_is_kept_for_the_lead(api, api_as, agent, handler, lead):
    """R-7.2: the result a department writes back is checked like an agent's reply; the
    order is done all the same and the lead's count has it."""
    from kefu.quality.models import PhraseHit
    from kefu.quality.phrases import phrases_seed

    phrases_seed()
    oid = api.post(
        "/tickets", {"title": "楼道灯不亮", "category": "fault", "department": "engineering"}
    ).json()["id"]
    for client, body in (
        (api_as(lead), {"to": "dispatched", "assignee": "fixer"}),
        (api_as(handler), {"to": "in_progress"}),
        (api_as(handler), {"to": "done", "result": "灯管没货，没办法"}),
    ):
        assert client.post(f"/tickets/{oid}/transition", body).status_code == 200
    hit = PhraseHit.objects.get()
    assert (hit.agent, hit.written_in, hit.phrase_text) == (handler, "work_order", "没办法")


def test_a_template_with_a_forbidden_phrase_is_saved_with_a_warning(admin_client):
    from kefu.care.models import MessageTemplate
    from kefu.quality.phrases import phrases_seed

    phrases_seed()
    r = admin_client.post(
        "/admin/care/messagetemplate/add/",
        {"code": "t1", "name": "提醒", "channel": "sms", "subject": "",
         "body": "保养预约已满，没办法安排", "provider_template": ""},
        follow=True,
    )  # fmt: skip
    assert MessageTemplate.objects.filter(code="t1").exists()
    assert "没办法" in r.content.decode() and "服务禁忌用语" in r.content.decode()
