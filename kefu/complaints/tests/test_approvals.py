"""待我审批 (issue 11, R-4.3): approvers are told, see what waits for them with who may
decide each row, and decide from the list."""

import pytest
from django.test import Client

from kefu.complaints.tests.test_complaints import center, open_complaint, to_solution  # noqa: F401
from kefu.interactions.models import Notice

pytestmark = pytest.mark.django_db


def propose(api, c, amount):
    r = api.post(
        f"/complaints/{c['id']}/proposals", {"text": "免费检修", "compensation_amount": amount}
    )
    assert r.status_code == 200, r.json()
    return r.json()["proposals"][-1]["id"]


def test_a_proposal_beyond_the_leads_limit_asks_the_manager_and_the_lead_sees_who_must(
    api,
    api_as,
    lead,
    manager,
    center,
):
    c = to_solution(api, open_complaint(api))
    pid = propose(api, c, "5000")
    asked = Notice.objects.get(kind="approval")
    assert asked.user == manager and asked.link == f"/approvals/#proposal-{pid}"
    assert not Notice.objects.filter(kind="approval", user=lead).exists()
    row = api_as(lead).get("/complaints/approvals").json()[0]
    assert row["may_decide"] is False and row["approver_role_label"].startswith("客服主管")
    lead_web = Client()
    lead_web.force_login(lead)
    page = lead_web.get("/approvals/").content.decode()
    assert "需客服主管/经理审批" in page and 'value="approve"' not in page
    assert api_as(manager).get("/complaints/approvals").json()[0]["may_decide"] is True


def test_a_manager_approves_and_rejects_from_the_list(api, manager, center):
    c = to_solution(api, open_complaint(api))
    first, second = propose(api, c, "100"), propose(api, c, "150")
    web = Client()
    web.force_login(manager)
    r = web.post(f"/approvals/{second}/", {"decision": "reject"}, follow=True)
    assert "驳回方案请说明理由" in r.content.decode()  # a rejection needs its reason
    r = web.post(f"/approvals/{first}/", {"decision": "approve", "note": "同意"}, follow=True)
    page = r.content.decode()
    assert f"已批准 {c['number']} 的方案" in page
    assert f"proposal-{first}" not in page  # no longer waiting
    assert api.get(f"/complaints/{c['id']}").json()["proposals"][0]["status"] == "approved"


def test_agents_have_no_approval_queue(api):
    assert api.get("/complaints/approvals").status_code == 403
