"""Notices reach people (issue 11): who receives each kind — praise (R-2.3), letters to the
admin department (R-2.3), messages (R-2.4), escalations (R-3.2, R-4.3) —, the inbox API and
reading."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.models import Department
from kefu.accounts.tests.factories import UserFactory
from kefu.interactions.models import Notice
from kefu.interactions.notices import notice_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(db):
    return Department.objects.create(code="service", name="售后服务部")


def inbox(api, **params):
    r = api.get("/notices", **params)
    assert r.status_code == 200, r.json()
    return r.json()


def test_r_2_3_praise_reaches_the_employee_and_their_department_head_only(api, api_as, service):
    head = UserFactory(username="boss", role=Role.HANDLER, department=service)
    service.head = head
    service.save()
    tech = UserFactory(username="tech", role=Role.HANDLER, department=service)
    colleague = UserFactory(username="mate", role=Role.HANDLER, department=service)
    r = api.post(
        "/interactions",
        {"channel": "letter", "category": "praise", "contact_name": "王先生",
         "content": "师傅修车认真", "praised_employee": "tech"},
    )  # fmt: skip
    assert r.status_code == 201
    for person in (tech, head):
        got = inbox(api_as(person))
        assert got["unread"] == 1 and got["items"][0]["kind_label"] == "表扬"
        assert "师傅修车认真" in got["items"][0]["text"]
    assert inbox(api_as(colleague))["total"] == 0


def test_a_department_notice_is_read_once_for_the_department_and_says_by_whom(api_as, service):
    a = UserFactory(username="a", role=Role.HANDLER, department=service)
    b = UserFactory(username="b", role=Role.HANDLER, department=service, display_name="小白")
    notice_send(kind="correspondence", department=service, text="其他来函：发票", link="/")
    assert inbox(api_as(a))["unread"] == 1
    r = api_as(b).post("/notices/read", {"all": True})
    assert r.json() == {"marked": 1, "unread": 0}
    item = inbox(api_as(a))["items"][0]
    assert item["read_by"] == "小白" and item["to_department"] is True
    assert inbox(api_as(a))["unread"] == 0


def test_reading_names_only_ones_own_notices_and_is_bounded(api, api_as, agent, other_agent):
    mine = notice_send(kind="message", user=agent, text="一")
    theirs = notice_send(kind="message", user=other_agent, text="二")
    r = api.post("/notices/read", {"ids": [mine.pk, theirs.pk]})
    assert r.json()["marked"] == 1  # another person's id is ignored
    assert Notice.objects.get(pk=theirs.pk).read_at is None
    r = api.post("/notices/read", {"ids": list(range(1, 502))})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "ids"
    assert api.get("/notices", limit=201).status_code == 422
    r = api.post("/notices/read", {"ids": [2**63]})  # beyond any id: refused, not a 500
    assert r.status_code == 422
    assert inbox(api, unread=True)["total"] == 0


def test_a_message_left_for_a_colleague_reaches_them(api, other_agent, api_as):
    due = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    r = api.post(
        "/callbacks",
        {"kind": "message", "assignee": other_agent.username, "due_at": due,
         "caller_number": "13812345678", "note": "王先生找您，请回电"},
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    item = inbox(api_as(other_agent))["items"][0]
    assert item["kind_label"] == "留言" and "王先生找您" in item["text"]


def test_the_inbox_page_shows_labels_and_the_top_bar_counts_unread(client, agent):
    notice_send(kind="escalation", user=agent, text="工单超时升级 L1：GD001", link="/work-orders/")
    client.force_login(agent)
    page = client.get("/notices/").content.decode()
    assert "升级" in page and "escalation" not in page
    assert 'id="unread-count" data-count="1"' in page
    r = client.post(f"/notices/{Notice.objects.get().pk}/open/")
    assert r.status_code == 302 and r["Location"] == "/work-orders/"
    assert 'data-count="0"' in client.get("/notices/").content.decode()


def test_r_3_2_an_l2_escalation_reaches_the_manager_by_e_mail_and_sms_when_configured(
    agent, manager, settings, mailoutbox, django_capture_on_commit_callbacks
):
    import datetime as dt

    from kefu.setup.services import preset_load
    from kefu.tickets.models import WorkOrder
    from kefu.tickets.services import escalate_overdue, work_order_create

    Department.objects.create(code="engineering", name="工程部")
    preset_load(code="property")
    settings.KEFU = {**settings.KEFU, "ESCALATION_EMAIL": True, "ESCALATION_SMS_TEMPLATE": "T1"}
    manager.email, manager.mobile = "boss@example.com", "13900000000"
    manager.save()
    order = work_order_create(
        actor=agent, data={"category": "fault", "department": "engineering", "title": "停水"}
    )
    WorkOrder.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        escalate_overdue()
    urgent = Notice.objects.filter(user=manager, kind="escalation").exclude(relayed="")
    assert urgent.count() == 1 and urgent.get().relayed == "email ok; sms ok"
    assert mailoutbox[0].to == ["boss@example.com"] and "停水" in mailoutbox[0].subject
    # the team lead's L1 stays in the console
    assert (
        not Notice.objects.filter(kind="escalation", user__role="team_lead")
        .exclude(relayed="")
        .exists()
    )
