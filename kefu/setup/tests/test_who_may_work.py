"""Complaints, work orders and follow-ups, for every role, on work of their own and on
somebody else's: each change is allowed exactly as the rules say (R-0.4 table; R-4.1 who
steers a complaint; R-3.2 urging is for team leads and above; R-5.2 a follow-up is its
owner's), or refused (403, or 404 where the record is not theirs to see) with nothing
changed. Expected answers are written from those rules, not read from the code."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import Department
from kefu.accounts.tests.factories import UserFactory
from kefu.complaints.models import Complaint
from kefu.complaints.services import complaint_create
from kefu.customers.tests.factories import make_customer
from kefu.followups.choices import Kind
from kefu.followups.models import FollowUp
from kefu.followups.services import followup_open
from kefu.setup.services import preset_load
from kefu.tickets.models import WorkOrder, WorkOrderEvent
from kefu.tickets.services import work_order_create

pytestmark = pytest.mark.django_db
ROLES = [Role.AGENT, Role.TEAM_LEAD, Role.QA, Role.MANAGER, Role.GM, Role.HANDLER, Role.ADMIN]


@pytest.fixture
def setup(db):
    Department.objects.create(code="service", name="售后服务部")
    preset_load(code="auto")


def _people(role, owned):
    user = UserFactory(username=f"u-{role}", role=role)
    other = UserFactory(username="colleague", role=Role.AGENT)
    return user, (user if owned else other)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("owned", [True, False])
def test_who_may_judge_a_complaint(role, owned, setup, api_as):
    user, owner = _people(role, owned)
    if not P.has_perm(owner, P.HANDLE_COMPLAINTS):
        owner = UserFactory(username="handler-agent", role=Role.AGENT)
        owned = False
    complaint = complaint_create(
        actor=owner, data={"complainant_name": "周", "content": "异响", "handler": owner.username}
    )
    r = api_as(user).post(
        f"/complaints/{complaint.pk}/advance",
        {
            "to": "investigation",
            "department": "service",
            "promised_days": 3,
            "demand_reasonable": True,
        },
    )
    allowed = P.has_perm(user, P.HANDLE_COMPLAINTS) and (owned or P.has_perm(user, P.MANAGE_TASKS))
    if allowed:
        assert r.status_code == 200, (role, owned, r.json())
    else:
        assert r.status_code in (403, 404), (role, owned, r.status_code)
        assert Complaint.objects.get(pk=complaint.pk).stage == "judgment"


@pytest.mark.parametrize("role", ROLES)
def test_who_may_urge_a_work_order(role, setup, api_as):
    user = UserFactory(username=f"u-{role}", role=role)
    agent = UserFactory(username="raiser", role=Role.AGENT)
    order = work_order_create(
        actor=agent, data={"title": "漏水", "department": "service", "category": "fault"}
    )
    r = api_as(user).post(f"/tickets/{order.pk}/urge", {"note": "客户催"})
    if P.has_perm(user, P.MANAGE_TASKS):
        assert r.status_code == 200
    else:
        assert r.status_code in (403, 404), (role, r.status_code)
        assert not WorkOrderEvent.objects.filter(work_order=order, kind="urge").exists()
    assert WorkOrder.objects.get(pk=order.pk).status == "new"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("owned", [True, False])
def test_who_may_record_a_follow_up_call(role, owned, setup, api_as):
    user, owner = _people(role, owned)
    customer = make_customer(owner if owner.role == Role.AGENT else UserFactory(role=Role.AGENT))
    followup, _ = followup_open(
        kind=Kind.CARE,
        source_key=f"t:{role}:{owned}",
        customer=customer,
        owner=owner,
        due_on=timezone.localdate(),
        due_by=timezone.localdate() + dt.timedelta(days=1),
    )
    r = api_as(user).post(f"/followups/{followup.pk}/attempt", {"outcome": "no_answer"})
    allowed = P.has_perm(user, P.LOG_INTERACTIONS) and (owned or P.has_perm(user, P.MANAGE_TASKS))
    if allowed:
        assert r.status_code == 200, (role, owned, r.json())
    else:
        assert r.status_code in (403, 404), (role, owned, r.status_code)
        assert not FollowUp.objects.get(pk=followup.pk).attempt_log.exists()
