"""The complaint loop (R-4.1 – R-4.4) and routing complaints from contacts (R-2.3)."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.models import Department
from kefu.accounts.tests.factories import UserFactory
from kefu.complaints.models import Complaint, ComplaintStageRecord
from kefu.complaints.services import complaint_create, complaints_escalate
from kefu.customers.models import PiiAccessLog
from kefu.followups.models import FollowUp
from kefu.interactions.models import Interaction, Notice
from kefu.setup.services import preset_load

pytestmark = pytest.mark.django_db

INTAKE = {
    "complainant_name": "王先生",
    "complainant_phone": "13812345678",
    "channel": "inbound_call",
    "content": "保养后发动机异响，服务顾问态度差",
    "demand": "免费检修并道歉",
}
VALID = {"department": "service", "promised_days": 3, "demand_reasonable": True}
FOUND = {
    "root_cause": "保养时未紧固护板",
    "responsible_person": "李师傅",
    "complaint_class": "repair_quality",
}
ACCEPTED = {"customer_accepted": True, "acceptance": "11月25日电话确认接受"}
REVIEWED = {"evaluation": "处理及时，顾客满意", "improvement": "保养交车前增加护板检查项"}


@pytest.fixture
def center(db):
    preset_load(code="auto")
    return Department.objects.create(code="service", name="售后服务部")


@pytest.fixture
def gm(db):
    return UserFactory(username="gm", role=Role.GM)


@pytest.fixture
def fixer(center):
    return UserFactory(username="fixer", role=Role.HANDLER, department=center)


def open_complaint(api, **extra):
    r = api.post("/complaints", {**INTAKE, **extra})
    assert r.status_code == 201, r.json()
    return r.json()


def advance(api, c, to, **fields):
    return api.post(f"/complaints/{c['id']}/advance", {"to": to, **fields})


def to_solution(api, c):
    assert advance(api, c, "investigation", **VALID).status_code == 200
    r = advance(api, c, "solution", **FOUND)
    assert r.status_code == 200, r.json()
    return r.json()


def approved(api, lead_api, c, amount="200"):
    body = api.post(
        f"/complaints/{c['id']}/proposals",
        {"text": "免费检修并赠送保养一次", "compensation_amount": amount},
    ).json()
    pid = body["proposals"][-1]["id"]
    r = lead_api.post(f"/complaints/{c['id']}/proposals/{pid}/approve", {})
    assert r.status_code == 200, r.json()
    return r.json()


def test_r_4_1_the_whole_loop_records_who_when_and_what_of_every_stage(
    api, api_as, agent, lead, center
):
    c = open_complaint(api)
    assert c["number"].startswith("TS") and c["stage"] == "judgment"
    assert c["complainant_phone"] == "138****5678"
    assert c["stage_due_at"] is not None  # 判断 has a time limit
    c = to_solution(api, c)
    assert (c["department"], c["promised_days"], c["complaint_class"]) == (
        "service",
        3,
        "repair_quality",
    )
    c = approved(api, api_as(lead), c)
    c = advance(api, c, "implementation").json()
    c = advance(
        api,
        c,
        "review",
        **ACCEPTED,
        penalties=[{"person": "李师傅", "measure": "通报批评", "amount": "100"}],
        compensations=[{"form": "free_service", "amount": "200", "note": "赠送保养"}],
    ).json()
    c = advance(api, c, "closed", **REVIEWED).json()
    assert (c["stage"], c["outcome"]) == ("closed", "resolved")
    stages = [(s["stage"], s["completed_by"], s["to"]) for s in c["stages"]]
    assert stages == [
        ("intake", "agent1", "judgment"),
        ("judgment", "agent1", "investigation"),
        ("investigation", "agent1", "solution"),
        ("solution", "agent1", "implementation"),
        ("implementation", "agent1", "review"),
        ("review", "agent1", "closed"),
    ]
    records = {s["stage"]: s["record"] for s in c["stages"]}
    assert records["intake"]["demand"] == "免费检修并道歉"
    assert records["judgment"]["department"] == "service"
    assert records["investigation"]["responsible_person"] == "李师傅"
    assert records["implementation"]["acceptance"] == "11月25日电话确认接受"
    assert records["review"]["improvement"] == "保养交车前增加护板检查项"
    assert c["penalties"][0]["measure"] == "通报批评"
    assert c["compensations"][0]["amount"] == "200.00"
    assert all(s["completed_at"] for s in c["stages"])
    # the responsible department was told when the investigation started
    assert Notice.objects.filter(department=center, kind="complaint").exists()


def test_r_4_2_closing_schedules_a_follow_up_two_to_three_days_later(api, api_as, lead, center):
    c = to_solution(api, open_complaint(api))
    approved(api, api_as(lead), c)
    advance(api, c, "implementation")
    advance(api, c, "review", **ACCEPTED)
    c = advance(api, c, "closed", **REVIEWED).json()
    f = FollowUp.objects.get(complaint_id=c["id"])
    closed_at = Complaint.objects.get(pk=c["id"]).closed_at
    assert f.due_on - timezone.localdate(closed_at) == dt.timedelta(days=2)
    assert f.due_by - timezone.localdate(closed_at) == dt.timedelta(days=3)
    assert f.owner.username == "agent1" and f.kind == "complaint"
    assert [x["id"] for x in api.get("/followups").json()] == [f.id]
    assert c["followups"][0]["status"] == "pending"


def test_r_4_2_a_dissatisfied_follow_up_reopens_and_the_next_close_schedules_another(
    api, api_as, lead, center
):
    c = to_solution(api, open_complaint(api))
    approved(api, api_as(lead), c)
    advance(api, c, "implementation")
    advance(api, c, "review", **ACCEPTED)
    advance(api, c, "closed", **REVIEWED)
    f = FollowUp.objects.get(complaint_id=c["id"])
    r = api.post(f"/followups/{f.id}/result", {"result": "unsatisfied"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "note"
    r = api.post(f"/followups/{f.id}/result", {"result": "unsatisfied", "note": "异响复发"})
    assert r.json()["status"] == "done"
    c = api.get(f"/complaints/{c['id']}").json()
    assert (c["stage"], c["reopen_count"], c["outcome"]) == ("investigation", 1, "")
    assert any(e["kind"] == "reopened" and "异响复发" in e["note"] for e in c["events"])
    # round 2: a new proposal must be approved; the old approval belongs to round 0
    c = advance(api, c, "solution", **FOUND).json()
    r = advance(api, c, "implementation")
    assert r.json()["errors"][0]["code"] == "not_approved"
    approved(api, api_as(lead), c)
    advance(api, c, "implementation")
    advance(api, c, "review", **ACCEPTED)
    advance(api, c, "closed", **REVIEWED)
    assert FollowUp.objects.filter(complaint_id=c["id"]).count() == 2
    assert api.post(f"/followups/{f.id}/result", {"result": "satisfied"}).status_code == 409


def test_r_4_1_an_invalid_complaint_closes_at_judgment_only_with_its_explanation(api):
    c = open_complaint(api)
    r = advance(api, c, "closed")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "explanation"
    c = advance(api, c, "closed", explanation="车辆已过质保期，已向顾客耐心说明").json()
    assert (c["stage"], c["outcome"], c["valid"]) == ("closed", "invalid", False)
    assert c["stages"][1]["record"]["explanation"].startswith("车辆已过质保期")
    assert FollowUp.objects.filter(complaint_id=c["id"]).count() == 1
    # an invalid complaint reopens to 判断, never straight into 调查
    assert c["allowed"] == ["judgment"]
    assert advance(api, c, "investigation", reason="x").status_code == 409


def test_r_4_1_stages_cannot_be_skipped_and_each_needs_its_fields(api, center):
    c = open_complaint(api)
    r = advance(api, c, "solution")
    assert r.status_code == 409
    err = r.json()["errors"][0]
    assert err["code"] == "transition_not_allowed" and "investigation" in err["message_en"]
    # no 调查 (and so no 方案) without a responsible department
    r = advance(api, c, "investigation", promised_days=3, demand_reasonable=True)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "department"
    r = advance(api, c, "investigation", **{**VALID, "department": "nowhere"})
    assert r.json()["errors"][0]["code"] == "unknown_department"
    r = advance(api, c, "investigation", **{**VALID, "promised_days": 0})
    assert r.json()["errors"][0]["field"] == "promised_days"
    assert api.get(f"/complaints/{c['id']}").json()["stage"] == "judgment"
    assert advance(api, c, "investigation", **VALID).status_code == 200
    r = advance(api, c, "solution", **{**FOUND, "complaint_class": "weather"})
    assert r.json()["errors"][0]["field"] == "complaint_class"


def test_r_4_1_implementation_ends_only_with_the_customers_recorded_acceptance(
    api, api_as, lead, center
):
    c = approved(api, api_as(lead), to_solution(api, open_complaint(api)))
    advance(api, c, "implementation")
    r = advance(api, c, "review", acceptance="已通知")
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "not_accepted"
    r = advance(api, c, "review", customer_accepted=False, acceptance="顾客不接受")
    assert r.json()["errors"][0]["field"] == "customer_accepted"
    # the customer refuses: back to 方案, the approval is withdrawn
    c = advance(api, c, "solution", reason="顾客要求更换零件").json()
    assert [p["status"] for p in c["proposals"]] == ["withdrawn"]
    assert advance(api, c, "implementation").json()["errors"][0]["code"] == "not_approved"


def test_r_4_1_compensation_stays_within_the_approved_proposal(api, api_as, lead, center):
    c = approved(api, api_as(lead), to_solution(api, open_complaint(api)), amount="300")
    advance(api, c, "implementation")
    r = advance(api, c, "review", **ACCEPTED, compensations=[{"form": "cash", "amount": "300.01"}])
    assert r.json()["errors"][0]["code"] == "above_approved"
    r = advance(
        api,
        c,
        "review",
        **ACCEPTED,
        penalties=[{"person": "李师傅", "amount": "-5"}],
        compensations=[{"form": "gold", "amount": "10"}],
    )
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"penalties[0].amount", "penalties[0].person", "compensations[0].form"} <= fields
    c = api.get(f"/complaints/{c['id']}").json()
    assert (c["stage"], c["penalties"], c["compensations"]) == ("implementation", [], [])


def test_r_4_3_a_supervisor_approves_one_proposal_within_their_authority(
    api, api_as, agent, lead, manager, center
):
    c = to_solution(api, open_complaint(api))
    base = f"/complaints/{c['id']}/proposals"
    api.post(base, {"text": "道歉并免费检修", "compensation_amount": "0"})
    c = api.post(base, {"text": "退还保养费 1800 元", "compensation_amount": "1800"}).json()
    small, big = (p["id"] for p in c["proposals"])
    # a compensation above the team lead's limit escalates to the CS manager
    assert c["escalation_level"] == 1
    assert Notice.objects.filter(user=manager, kind="complaint").exists()
    assert c["proposals"][1]["approver_role"] == "manager"
    assert api.post(f"{base}/{small}/approve", {}).status_code == 403  # agents don't approve
    r = api_as(lead).post(f"{base}/{big}/approve", {})
    assert r.status_code == 403 and "manager" in r.json()["errors"][0]["message_en"]
    r = api_as(manager).post(f"{base}/{big}/approve", {"note": "同意"})
    assert [p["status"] for p in r.json()["proposals"]] == ["rejected", "approved"]
    assert api_as(lead).post(f"{base}/{small}/approve", {}).status_code == 409
    r = api_as(lead).post(f"{base}/{small}/reject", {})
    assert r.status_code == 409


def test_r_4_3_a_proposal_above_the_managers_limit_goes_to_the_general_manager(
    api, api_as, manager, gm, center
):
    c = to_solution(api, open_complaint(api))
    c = api.post(
        f"/complaints/{c['id']}/proposals", {"text": "换车", "compensation_amount": "80000"}
    ).json()
    assert c["escalation_level"] == 2 and Notice.objects.filter(user=gm).exists()
    pid = c["proposals"][0]["id"]
    assert (
        api_as(manager).post(f"/complaints/{c['id']}/proposals/{pid}/approve", {}).status_code
        == 403
    )
    r = api_as(gm).post(f"/complaints/{c['id']}/proposals/{pid}/approve", {})
    assert r.json()["proposals"][0]["status"] == "approved"


def test_r_4_3_stages_past_their_limit_escalate_handler_to_manager_to_gm_once(
    api, agent, manager, gm, center
):
    c = open_complaint(api)
    due = Complaint.objects.get(pk=c["id"]).stage_due_at
    assert complaints_escalate(now=due - dt.timedelta(minutes=1)) == 0
    assert complaints_escalate(now=due + dt.timedelta(minutes=1)) == 1
    assert complaints_escalate(now=due + dt.timedelta(minutes=2)) == 0  # idempotent
    c = api.get(f"/complaints/{c['id']}").json()
    assert c["escalation_level"] == 1
    assert Notice.objects.filter(user=manager, kind="complaint").count() == 1
    assert not Notice.objects.filter(user=gm).exists()
    assert complaints_escalate(now=due + dt.timedelta(days=1, minutes=1)) == 1
    assert Notice.objects.filter(user=gm, kind="complaint").count() == 1
    assert [e["kind"] for e in api.get(f"/complaints/{c['id']}").json()["events"]].count(
        "escalated"
    ) == 2
    # the next stage has its own clock: the investigation is due by the days promised
    c = advance(api, c, "investigation", **VALID).json()
    entered = Complaint.objects.get(pk=c["id"]).stage_entered_at
    assert Complaint.objects.get(pk=c["id"]).stage_due_at == entered + dt.timedelta(days=3)


def test_r_4_3_escalation_runs_as_a_scheduled_job(api, manager, center):
    from django.core.management import call_command

    c = open_complaint(api)
    Complaint.objects.filter(pk=c["id"]).update(
        stage_due_at=timezone.now() - dt.timedelta(minutes=5)
    )
    out = io.StringIO()
    call_command("run_jobs", "kefu.complaints.escalate", stdout=out)
    assert out.getvalue().splitlines() == ["kefu.complaints.escalate: 1"]  # that job only


def test_a_stale_version_is_a_409_and_changes_nothing(api, api_as, lead, center):
    c = open_complaint(api)
    version = c["version"]
    assert (
        api_as(lead)
        .post(
            f"/complaints/{c['id']}/advance", {"to": "investigation", "version": version, **VALID}
        )
        .json()["version"]
        > version
    )
    r = advance(api, c, "closed", explanation="无效", version=version)
    assert r.status_code == 409 and r.json()["errors"][0]["code"] == "stale"
    assert api.get(f"/complaints/{c['id']}").json()["stage"] == "investigation"


def test_only_the_handler_team_leads_or_the_responsible_department_work_a_complaint(
    api, api_as, other_agent, fixer, center
):
    c = open_complaint(api)
    assert advance(api_as(other_agent), c, "investigation", **VALID).status_code == 403
    assert api_as(fixer).get(f"/complaints/{c['id']}").status_code == 404  # not theirs yet
    advance(api, c, "investigation", **VALID)
    assert api_as(fixer).get(f"/complaints/{c['id']}").status_code == 200
    r = advance(api_as(fixer), c, "solution", **FOUND)
    assert r.status_code == 200 and r.json()["stages"][2]["completed_by"] == "fixer"


def test_r_2_3_a_complaint_call_becomes_a_complaint_with_its_intake(api, agent):
    r = api.post(
        "/interactions",
        {
            "channel": "inbound_call",
            "category": "complaint",
            "caller_number": "13912345678",
            "contact_name": "赵女士",
            "content": "安装师傅迟到三小时",
            "demand": "要求道歉",
        },
    )
    assert r.json()["routing"] == "done"
    c = Complaint.objects.get(interaction_id=r.json()["id"])
    assert (c.complainant_name, c.complainant_phone, c.demand) == (
        "赵女士",
        "13912345678",
        "要求道歉",
    )
    assert c.stage == "judgment" and c.handler == agent
    routed = api.get(f"/interactions/{r.json()['id']}").json()["routed_to"]
    assert routed == [{"kind": "complaint", "id": c.id, "number": c.number, "status": "judgment"}]


def test_r_2_3_a_complaint_letter_waits_for_the_cs_assistant(api):
    r = api.post(
        "/interactions",
        {
            "channel": "letter",
            "category": "complaint",
            "contact_name": "孙先生",
            "content": "来函反映物业费计算有误",
        },
    )
    assert r.json()["routing"] == "pending" and not Complaint.objects.exists()
    c = api.post("/complaints", {"interaction_id": r.json()["id"]})
    assert c.status_code == 201 and c.json()["channel"] == "letter"
    assert Interaction.objects.get(pk=r.json()["id"]).routing == "done"
    again = api.post("/complaints", {"interaction_id": r.json()["id"]})
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "interaction_id"


def test_intake_names_every_missing_or_bad_field(api):
    r = api.post("/complaints", {"complainant_phone": "12", "channel": "fax"})
    fields = {e["field"] for e in r.json()["errors"]}
    assert r.status_code == 422
    assert {"content", "complainant_name", "channel", "complainant_phone"} <= fields
    assert all(e["message"] and e["message_en"] for e in r.json()["errors"])
    assert not Complaint.objects.exists()


def test_r_4_4_the_archive_is_searchable_and_exportable_with_every_stage(
    api, api_as, manager, center
):
    a = open_complaint(api)
    open_complaint(
        api, complainant_name="钱女士", complainant_phone="13700001111", content="送货延误"
    )
    advance(api, a, "closed", explanation="不属于本店责任")

    def numbers(**params):
        return [c["number"] for c in api.get("/complaints", **params).json()]

    assert numbers(q=a["number"]) == [a["number"]]
    assert numbers(q="5678") == [a["number"]]
    assert numbers(q="138 1234 5678") == [a["number"]]
    assert len(numbers(q="送货")) == 1
    assert numbers(stage="closed") == [a["number"]]
    assert len(numbers(stage="open")) == 1
    assert api.get("/complaints/export").status_code == 403
    r = api_as(manager).get("/complaints/export")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0] == "投诉编号" and len(rows) == 3
    exported = next(row for row in rows if row[0] == a["number"])
    assert exported[3] == "138****5678" and "不属于本店责任" in exported[-1]
    # every time in the center's time zone, the stage times too (issue 13 found them in UTC)
    closed = Complaint.objects.get(number=a["number"]).closed_at
    local = f"{timezone.localtime(closed):%Y-%m-%d %H:%M}"
    assert exported[17] == local and f"@{local}" in exported[-1]
    assert PiiAccessLog.objects.get(action="export").count == 2


def test_r_4_1_classification_statistics_by_class_department_and_stage_time(
    api, api_as, lead, center
):
    first = to_solution(api, open_complaint(api))
    approved(api, api_as(lead), first)
    advance(api, first, "implementation")
    advance(api, first, "review", **ACCEPTED, compensations=[{"form": "cash", "amount": "150"}])
    advance(api, first, "closed", **REVIEWED)
    second = to_solution(api, open_complaint(api, content="销售承诺的赠品未兑现"))
    third = open_complaint(api, content="嫌贵")
    advance(api, third, "closed", explanation="价格按公示执行")
    assert second["complaint_class"] == "repair_quality"
    stats = api.get("/complaints/reports/classification").json()
    assert stats["totals"]["total"] == 3
    assert (stats["totals"]["valid"], stats["totals"]["invalid"]) == (2, 1)
    repair = next(r for r in stats["by_class"] if r["complaint_class"] == "repair_quality")
    assert (repair["total"], repair["closed"], repair["open"]) == (2, 1, 1)
    assert repair["compensation"] == "150.00"
    assert repair["avg_days_to_close"] is not None
    service = next(r for r in stats["by_department"] if r["department"] == "service")
    assert service["total"] == 2
    judged = next(s for s in stats["stage_time"] if s["stage"] == "judgment")
    assert judged["completed"] == 3 and judged["late"] == 0
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert api.get("/complaints/reports/classification", since=later).json()["totals"]["total"] == 0


def test_every_change_is_audited(api, center, agent):
    c = open_complaint(api)
    advance(api, c, "investigation", **VALID)
    complaint = Complaint.objects.get(pk=c["id"])
    history = list(complaint.history.order_by("history_id"))
    assert [h.stage for h in history] == ["judgment", "investigation"]
    assert {h.history_user for h in history} == {agent}
    assert ComplaintStageRecord.objects.filter(complaint=complaint).count() == 3


def test_a_complaint_made_in_code_refuses_a_future_time(agent, center):
    from kefu.core.errors import ValidationFailed

    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed) as exc:
        complaint_create(actor=agent, data={**INTAKE, "received_at": future})
    assert exc.value.errors[0].field == "received_at"


def test_the_admin_shows_complaints_with_masked_phones_and_edits_policy(client, api, center):
    c = open_complaint(api)
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    page = client.get(f"/admin/complaints/complaint/{c['id']}/change/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert client.get("/admin/complaints/complaint/").status_code == 200
    assert client.get("/admin/complaints/stagelimit/").status_code == 200
    assert client.get("/admin/followups/followup/").status_code == 200


def test_a_long_reopen_reason_is_kept_whole_and_a_too_long_one_is_refused(api, center):
    """Input is refused, never cut (docs/architecture.md): the reason goes whole into the
    complaint's timeline; past the 5,000-character limit it is a 422 naming `reason`."""
    c = advance(api, open_complaint(api), "closed", explanation="已说明").json()
    r = api.post(f"/complaints/{c['id']}/reopen", {"reason": "理" * 5001})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    assert api.get(f"/complaints/{c['id']}").json()["stage"] == "closed"
    reason = "顾客再次来电，" + "说明" * 1500
    c = api.post(f"/complaints/{c['id']}/reopen", {"reason": reason}).json()
    assert [e["note"] for e in c["events"] if e["kind"] == "reopened"] == [reason]


def test_r_4_1_the_stepper_offers_each_steps_fields_by_label(api, center):
    """The workflow table drives the API's advance description: each step and its fields."""
    from config.api import api as ninja_api

    doc = ninja_api.get_openapi_schema()["paths"]["/api/v1/complaints/{complaint_id}/advance"]
    text = doc["post"]["description"]
    assert "- judgment → investigation: `department`* (department)" in text
    assert "- review → closed: `evaluation`* (text), `improvement`* (text)" in text


def test_r_4_3_whoever_proposed_a_remedy_never_approves_it(api, api_as, lead, center):
    """Four eyes: a team lead handling a complaint proposes; another supervisor approves."""
    lead_api = api_as(lead)
    c = to_solution(lead_api, open_complaint(lead_api))
    body = lead_api.post(
        f"/complaints/{c['id']}/proposals", {"text": "更换门板", "compensation_amount": "100"}
    ).json()
    pid = body["proposals"][-1]["id"]
    r = lead_api.post(f"/complaints/{c['id']}/proposals/{pid}/approve", {})
    assert r.status_code == 403 and "another supervisor" in r.json()["errors"][0]["message_en"]
    other = UserFactory(username="lead2", role=Role.TEAM_LEAD)
    assert (
        api_as(other).post(f"/complaints/{c['id']}/proposals/{pid}/approve", {}).status_code == 200
    )


def test_forbidden_phrases_in_a_stage_record_are_saved_with_a_warning(api, center, agent):
    """R-7.2 on the complaint loop: the stage's texts are checked like every reply."""
    from kefu.quality.models import PhraseHit
    from kefu.quality.phrases import phrases_seed

    phrases_seed()
    c = open_complaint(api)
    advance(api, c, "investigation", **VALID)
    r = advance(api, c, "solution", **{**FOUND, "root_cause": "原因不清楚，没办法"})
    assert r.status_code == 200 and r.json()["stage"] == "solution"
    warned = r.json()["warnings"]
    assert {w["field"] for w in warned} == {"solution.root_cause"}
    assert any("没办法" in w["message"] for w in warned)
    hit = PhraseHit.objects.get(phrase_text="没办法")
    assert (hit.agent, hit.written_in, hit.record_id) == (agent, "complaint", c["id"])
