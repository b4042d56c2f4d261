"""Training and certification (R-7.4, R-2.5): a course's exam is built from knowledge-base
articles, the agent hands it in, a trainer grades the open questions, and passing a
certifying course lets a new agent take calls — on the CTI path too; sessions invite and
take the roll call; training plans come from the QA analysis and are fulfilled by sessions."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.interactions.models import Notice
from kefu.knowledge.models import Question
from kefu.knowledge.services import article_approve, article_create
from kefu.knowledge.training import months_after

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(lead, agent):
    made = []
    for q, a in (("保养周期是多久？", "首保 5000 公里或 6 个月。"),
                 ("发票怎么补开？", "携带身份证到前台办理。"),
                 ("空调不制冷怎么办？", "预约到店检测。"),
                 ("怎么预约保养？", "告诉我方便的时间，我为您登记。")):  # fmt: skip
        article = article_create(actor=agent, data={"question": q, "answer": a})
        made.append(article_approve(actor=lead, article_id=article.pk).pk)
    return made


@pytest.fixture
def newcomer(db):
    return UserFactory(username="new1", role=Role.AGENT, is_certified=False)


def course_with_exam(api_as, lead, articles, **extra):
    data = {"title": "上岗培训", "article_ids": articles[:2], "certifies": True,
            "cert_months": 12, **extra}  # fmt: skip
    r = api_as(lead).post("/training/courses", data)
    assert r.status_code == 201, r.content
    course_id = r.json()["id"]
    r = api_as(lead).post(f"/training/courses/{course_id}/questions/from-articles")
    assert r.json() == {"added": 4}  # a choice and an open question per article
    return course_id


def right_answers(course_id):
    return {str(q.pk): q.answer for q in Question.objects.filter(course_id=course_id)}


def test_the_exam_is_built_from_articles_and_agents_do_not_see_the_answers(
    api_as, lead, newcomer, articles
):
    course_id = course_with_exam(api_as, lead, articles)
    shown = api_as(newcomer).get(f"/training/courses/{course_id}/exam").json()
    assert [q["kind"] for q in shown] == ["choice", "open", "choice", "open"]
    assert all(q["answer"] is None for q in shown)
    choice = shown[0]
    assert "首保 5000 公里或 6 个月。" in choice["options"] and len(choice["options"]) == 4
    assert api_as(lead).get(f"/training/courses/{course_id}/exam").json()[0]["answer"] is not None
    # asked again: nothing twice
    r = api_as(lead).post(f"/training/courses/{course_id}/questions/from-articles")
    assert r.json() == {"added": 0}


def test_passing_a_certifying_exam_lets_a_new_agent_take_calls_on_the_cti_path(
    api_as, lead, newcomer, articles
):
    pbx = UserFactory(username="pbx", role=Role.ADMIN)
    ring = {"event": "answered", "call_id": "T-1", "at": timezone.now().isoformat(),
            "caller": "13800000001", "agent": "new1"}  # fmt: skip
    r = api_as(pbx).post("/cti/events", ring)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "not_certified"
    course_id = course_with_exam(api_as, lead, articles)
    r = api_as(newcomer).post(f"/training/courses/{course_id}/attempts",
                              {"answers": right_answers(course_id)})  # fmt: skip
    assert r.status_code == 201 and r.json()["status"] == "submitted"
    attempt = r.json()
    assert attempt["points"] and all(v == 10 for v in attempt["points"].values())  # choices
    assert Notice.objects.filter(user=lead, text__contains="待评阅").exists()
    open_ids = [q.pk for q in Question.objects.filter(course_id=course_id, kind="open")]
    r = api_as(lead).post(f"/training/attempts/{attempt['id']}/grade",
                          {"points": {str(open_ids[0]): 10, str(open_ids[1]): 6}})  # fmt: skip
    assert r.status_code == 200, r.content
    assert (r.json()["score"], r.json()["total"], r.json()["passed"]) == (36, 40, True)
    newcomer.refresh_from_db()
    assert newcomer.is_certified
    assert newcomer.certified_until == months_after(timezone.localdate(), 12)
    assert Notice.objects.filter(user=newcomer, text__contains="上岗认证有效至").exists()
    assert api_as(pbx).post("/cti/events", ring).status_code == 200


def test_failing_does_not_certify(api_as, lead, newcomer, articles):
    course_id = course_with_exam(api_as, lead, articles)
    answers = {
        str(q.pk): str((int(q.answer) + 1) % len(q.options)) if q.kind == "choice" else "不清楚"
        for q in Question.objects.filter(course_id=course_id)
    }  # every choice wrong
    r = api_as(newcomer).post(f"/training/courses/{course_id}/attempts", {"answers": answers})
    open_ids = [q.pk for q in Question.objects.filter(course_id=course_id, kind="open")]
    r = api_as(lead).post(f"/training/attempts/{r.json()['id']}/grade",
                          {"points": {str(i): 2 for i in open_ids}})  # fmt: skip
    assert r.json()["passed"] is False
    newcomer.refresh_from_db()
    assert not newcomer.is_certified


def test_an_unanswered_question_and_bad_grades_are_named(api_as, lead, newcomer, articles):
    course_id = course_with_exam(api_as, lead, articles)
    answers = right_answers(course_id)
    missing = next(iter(answers))
    answers[missing] = ""
    r = api_as(newcomer).post(f"/training/courses/{course_id}/attempts", {"answers": answers})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == f"answers.{missing}"
    r = api_as(newcomer).post(f"/training/courses/{course_id}/attempts",
                              {"answers": right_answers(course_id)})  # fmt: skip
    open_id = Question.objects.filter(course_id=course_id, kind="open").first().pk
    r2 = api_as(lead).post(f"/training/attempts/{r.json()['id']}/grade",
                           {"points": {str(open_id): 99}})  # fmt: skip
    assert r2.status_code == 422 and r2.json()["errors"][0]["field"] == str(open_id)
    # an agent cannot grade
    assert api_as(newcomer).post(f"/training/attempts/{r.json()['id']}/grade",
                                 {"points": {}}).status_code == 403  # fmt: skip


def test_a_plan_from_qa_is_fulfilled_by_a_session_with_a_roll_call(
    api_as, lead, agent, newcomer, articles
):
    course_id = course_with_exam(api_as, lead, articles)
    r = api_as(lead).post("/training/plans", {
        "title": "服务用语强化", "reason": "本周服务用语失分最多（禁忌用语“不知道”）",
        "agents": ["agent1"], "course_id": course_id, "week": "2026-11-18"})  # fmt: skip
    assert r.status_code == 201, r.content
    plan = r.json()
    assert plan["week"] == "2026-11-16"  # the Monday
    assert Notice.objects.filter(user=agent, text__contains="服务用语强化").exists()
    r = api_as(lead).post(f"/training/plans/{plan['id']}/done")
    assert r.status_code == 409  # no session yet
    starts = (timezone.now() + dt.timedelta(days=2)).isoformat()
    data = {"starts_at": starts, "place": "培训室", "plan_id": plan["id"]}
    r = api_as(lead).post(f"/training/courses/{course_id}/sessions", data)
    assert r.status_code == 201, r.content
    session = r.json()
    assert [p["username"] for p in session["attendance"]] == ["agent1"]  # the plan's agents
    assert Notice.objects.filter(user=agent, text__contains="培训通知").exists()
    r = api_as(lead).post(f"/training/sessions/{session['id']}/attendance",
                          {"marks": {"agent1": "late"}})  # fmt: skip
    assert r.json()["attendance"][0]["status_label"] == "迟到"
    r = api_as(lead).post(f"/training/sessions/{session['id']}/attendance",
                          {"marks": {"new1": "present"}})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "marks.new1"
    r = api_as(lead).post(f"/training/plans/{plan['id']}/done")
    assert r.json()["status"] == "done" and r.json()["sessions"][0]["id"] == session["id"]
    # the agent sees the plan naming them; another agent does not
    assert [p["id"] for p in api_as(agent).get("/training/plans").json()] == [plan["id"]]
    assert api_as(newcomer).get("/training/plans").json() == []


def test_the_lead_sees_who_is_certified_and_until_when(api_as, lead, agent, newcomer):
    agent.certified_until = timezone.localdate() + dt.timedelta(days=10)
    agent.save()
    rows = {r["username"]: r for r in api_as(lead).get("/training/certifications").json()}
    assert rows["agent1"]["state"] == "expiring" and rows["agent1"]["state_label"] == "即将到期"
    assert rows["new1"]["state"] == "none"
    assert api_as(agent).get("/training/certifications").status_code == 403


def test_months_after_keeps_to_the_months_end():
    assert months_after(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert months_after(dt.date(2026, 11, 24), 12) == dt.date(2027, 11, 24)
    assert months_after(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)
