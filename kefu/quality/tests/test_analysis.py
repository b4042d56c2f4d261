"""The weekly QA analysis (R-7.1): the week's scores, the items lost most, the phrases used,
the rules that fired, and the issues found — each turned into a training plan by the lead."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kefu.interactions.models import Interaction
from kefu.knowledge.models import TrainingPlan
from kefu.quality.analysis import qa_week_report, week_of
from kefu.quality.inspections import form_seed, inspection_score, month_of
from kefu.quality.models import EvaluationForm, Inspection, PhraseHit

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(agent, other_agent, qa):
    """This week: agent1 scored 70 (lost 服务用语 and 服务态度), agent2 95; agent1 wrote
    不知道 twice."""
    form_seed()
    form = EvaluationForm.objects.get()
    items = {i.name: i for i in form.items.all()}
    for person, lost in ((agent, {"服务用语": 20, "服务态度": 10}), (other_agent, {"服务用语": 5})):
        contact = Interaction.objects.create(channel="inbound_call", category="consultation",
                                             agent=person, content="咨询",
                                             occurred_at=timezone.now())  # fmt: skip
        inspection = Inspection.objects.create(agent=person, interaction=contact, form=form,
                                               month=month_of(None))  # fmt: skip
        scores = {str(i.pk): i.points - lost.get(name, 0) for name, i in items.items()}
        inspection_score(actor=qa, inspection_id=inspection.pk, data={"scores": scores})
        for n in range(2 if person == agent else 0):
            PhraseHit.objects.create(agent=person, written_in="interaction",
                                     record_id=contact.pk, field=f"outcome{n}",
                                     phrase_text="不知道", excerpt="")  # fmt: skip
    return week_of(timezone.localdate())


def test_the_week_report_names_the_issues(lead, week):
    r = qa_week_report(user=lead, week=week)
    assert r["inspected"] == 2 and r["average"] == 82.5
    assert [a["username"] for a in r["agents"]] == ["agent1", "agent2"]  # lowest first
    assert r["items"][0]["item__name"] == "服务用语" and r["items"][0]["lost"] == 25
    reasons = [i["reason"] for i in r["issues"]]
    assert any("服务用语" in x and "25 分" in x for x in reasons)
    low = next(i for i in r["issues"] if i["title"] == "质检低分辅导")
    assert low["agents"] == ["agent1"]  # 70 < 80 % of 100
    phrase = next(i for i in r["issues"] if "不知道" in i["reason"])
    assert phrase["agents"] == ["agent1"]


def test_an_agent_does_not_read_the_week_report(agent, week):
    from kefu.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        qa_week_report(user=agent, week=week)


def test_the_lead_turns_an_issue_into_a_plan_on_the_report_page(lead, agent, week):
    c = Client()
    c.force_login(lead)
    page = c.get("/quality/week/").content.decode()
    assert "质检低分辅导" in page and "生成培训计划" in page
    r = c.post(f"/quality/week/?week={week}", {"title": "质检低分辅导",
                                               "reason": "本周质检平均分低于 80%：agent1 70.0",
                                               "agents": "agent1"})  # fmt: skip
    assert r.status_code == 302
    plan = TrainingPlan.objects.get()
    assert plan.week == week and [u.username for u in plan.agents.all()] == ["agent1"]
    assert "质检低分辅导" in c.get(f"/quality/week/?week={week}").content.decode()
    c.force_login(agent)
    assert "质检低分辅导" in c.get("/training/").content.decode()  # the agent sees their plan


def test_week_of_is_the_monday():
    assert week_of(dt.date(2026, 11, 24)) == dt.date(2026, 11, 23)
    assert week_of(dt.date(2026, 11, 29)) == dt.date(2026, 11, 23)
