"""QA inspection 质检 (R-7.1): each certified agent's contacts are sampled 1–5 a month,
reproducibly and never twice; the inspector scores every item of the form; the agent sees
the result and appeals once; a team lead decides; the monthly summary ranks the agents."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.interactions.models import Interaction, Notice
from kefu.quality.inspections import form_seed
from kefu.quality.models import EvaluationItem, Inspection

pytestmark = pytest.mark.django_db

MONTH = "2026-10"


@pytest.fixture
def form(db):
    form_seed()
    return {i.name: i.pk for i in EvaluationItem.objects.all()}


def contacts(agent, n, day=dt.date(2026, 10, 5)):
    tz = timezone.get_current_timezone()
    for k in range(n):
        Interaction.objects.create(
            channel="inbound_call", category="consultation", agent=agent,
            content=f"咨询{k}", caller_number="13800000001",
            occurred_at=dt.datetime.combine(day, dt.time(9, k % 60), tzinfo=tz),
        )  # fmt: skip


def draw(api, per_agent):
    return api.post("/quality/inspections/draw", {"month": MONTH, "per_agent": per_agent}).json()


def drawn(agent):
    return sorted(Inspection.objects.filter(agent=agent).values_list("interaction_id", flat=True))


def full_marks(form, **lost):
    return {str(pk): form_points(name) - lost.get(name, 0) for name, pk in form.items()}


def form_points(name):
    return EvaluationItem.objects.get(name=name).points


def test_the_draw_is_reproducible_bounded_never_repeats_and_tops_up(api_as, qa, agent, form):
    other = UserFactory(username="agent2", role=Role.AGENT)
    contacts(agent, 10)
    contacts(other, 2)
    r = api_as(qa).post("/quality/inspections/draw", {"month": MONTH, "per_agent": 3})
    assert r.json() == {"added": 5}  # 3 of agent1's ten, both of agent2's two
    first = drawn(agent)
    Inspection.objects.all().delete()
    api_as(qa).post("/quality/inspections/draw", {"month": MONTH, "per_agent": 3})
    assert drawn(agent) == first  # the same draw whoever runs it, whenever
    assert draw(api_as(qa), 3) == {"added": 0}
    contacts(other, 3, day=dt.date(2026, 10, 20))  # more contacts came in: topped up
    assert draw(api_as(qa), 3) == {"added": 1}
    r = api_as(qa).post("/quality/inspections/draw", {"month": MONTH, "per_agent": 5})
    assert r.json() == {"added": 4}  # two more each; none drawn twice
    ids = list(Inspection.objects.values_list("interaction_id", flat=True))
    assert len(ids) == len(set(ids)) == 10
    r = api_as(qa).post("/quality/inspections/draw", {"month": MONTH, "per_agent": 6})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "per_agent"
    assert api_as(agent).post("/quality/inspections/draw", {"month": MONTH}).status_code == 403


def test_scoring_needs_every_item_within_its_points_and_tells_the_agent(api_as, qa, agent, form):
    contacts(agent, 1)
    api_as(qa).post("/quality/inspections/draw", {"month": MONTH, "per_agent": 1})
    iid = Inspection.objects.get().pk
    bad = full_marks(form)
    bad[str(form["服务态度"])] = 21
    del bad[str(form["应变能力"])]
    r = api_as(qa).post(f"/quality/inspections/{iid}/score", {"scores": bad})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {f"scores.{form['服务态度']}", f"scores.{form['应变能力']}"}
    scores = full_marks(form, 服务用语=5)
    scores[str(form["服务用语"])] = {"points": 15, "comment": "说了“不知道”"}
    r = api_as(qa).post(f"/quality/inspections/{iid}/score", {"scores": scores, "comment": "良好"})
    assert r.status_code == 200, r.json()
    assert (r.json()["score"], r.json()["total"], r.json()["status"]) == (95, 100, "scored")
    notice = Notice.objects.get(user=agent, kind="qa")
    assert "95 分" in notice.text and notice.link == f"/quality/inspections/{iid}/"
    again = api_as(qa).post(f"/quality/inspections/{iid}/score", {"scores": scores})
    assert again.status_code == 409
    mine = api_as(agent).get(f"/quality/inspections/{iid}").json()
    assert [i["comment"] for i in mine["items"] if i["name"] == "服务用语"] == ["说了“不知道”"]


def test_an_agent_appeals_once_and_a_lead_decides(api_as, qa, agent, lead, form):
    contacts(agent, 1)
    api_as(qa).post("/quality/inspections/draw", {"month": MONTH, "per_agent": 1})
    iid = Inspection.objects.get().pk
    api_as(qa).post(f"/quality/inspections/{iid}/score",
                    {"scores": full_marks(form, 应变能力=12)})  # fmt: skip
    other = UserFactory(username="agent2", role=Role.AGENT)
    assert (
        api_as(other).post(f"/quality/inspections/{iid}/appeal", {"reason": "x"}).status_code == 404
    )
    r = api_as(agent).post(f"/quality/inspections/{iid}/appeal", {"reason": "  "})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = api_as(agent).post(
        f"/quality/inspections/{iid}/appeal", {"reason": "客户当时在开车，已按规定处理"}
    )
    assert r.json()["status"] == "appealed"
    assert Notice.objects.filter(user=lead, kind="qa", text__contains="申诉").exists()
    r = api_as(agent).post(f"/quality/inspections/{iid}/appeal", {"reason": "再申诉"})
    assert r.status_code == 409  # once
    decision = {"upheld": True, "note": "ok", "score": 95}
    assert api_as(qa).post(f"/quality/inspections/{iid}/decide", decision).status_code == 403
    r = api_as(lead).post(f"/quality/inspections/{iid}/decide", {"upheld": True, "note": "属实"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "score"
    r = api_as(lead).post(f"/quality/inspections/{iid}/decide",
                          {"upheld": True, "note": "属实，改为 96 分", "score": 96})  # fmt: skip
    assert (r.json()["status"], r.json()["score"], r.json()["decision"]) == ("final", 96, "upheld")
    history = Inspection.objects.get(pk=iid).history.order_by("history_date")
    assert [h.history_user.username for h in history] == ["qa", "qa", "agent1", "lead"]
    assert Notice.objects.filter(user=agent, kind="qa", text__contains="96").exists()


def test_agents_see_only_their_own_results_and_inspectors_the_queue(api_as, qa, agent, form):
    other = UserFactory(username="agent2", role=Role.AGENT)
    contacts(agent, 2)
    contacts(other, 2)
    api_as(qa).post("/quality/inspections/draw", {"month": MONTH, "per_agent": 2})
    assert {r["agent"] for r in api_as(agent).get("/quality/inspections").json()} == {"agent1"}
    assert len(api_as(qa).get("/quality/inspections", month=MONTH, status="due").json()) == 4
    r = api_as(qa).get("/quality/inspections", status="nonsense")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "status"
    assert api_as(qa).get("/quality/inspections", month="2026-13").status_code == 422


def test_the_monthly_summary_shows_average_trend_and_the_item_lost_most(api_as, qa, agent, form):
    other = UserFactory(username="agent2", role=Role.AGENT, display_name="钱二")
    contacts(agent, 2)
    contacts(other, 1)
    contacts(agent, 1, day=dt.date(2026, 9, 10))
    api_as(qa).post("/quality/inspections/draw", {"month": "2026-09", "per_agent": 1})
    api_as(qa).post("/quality/inspections/draw", {"month": MONTH, "per_agent": 2})
    losses = {agent.pk: ["服务用语", "语气语调"], other.pk: ["应变能力"]}
    for i in Inspection.objects.order_by("id"):
        lost = {name: 6 for name in losses[i.agent_id]} if i.month.month == 10 else {}
        api_as(qa).post(f"/quality/inspections/{i.pk}/score", {"scores": full_marks(form, **lost)})
    rows = api_as(qa).get("/quality/inspections/summary", month=MONTH).json()
    assert [(r["agent"], r["count"], r["average"]) for r in rows] == [
        (agent.display_name, 2, 88.0), ("钱二", 1, 94.0)]  # lowest first  # fmt: skip
    assert rows[0]["previous"] == 100.0 and rows[0]["lost_most"] in ("服务用语", "语气语调")
    assert rows[1]["lost_most"] == "应变能力"
    assert api_as(agent).get("/quality/inspections/summary").status_code == 403


def test_the_inspector_scores_from_the_console_and_the_agent_appeals_there(
    client, qa, agent, lead, form
):
    contacts(agent, 1)
    from kefu.quality.inspections import month_of, samples_draw

    samples_draw(actor=qa, month=month_of(MONTH), per_agent=1)
    iid = Inspection.objects.get().pk
    client.force_login(qa)
    home = client.get("/quality/", {"month": MONTH}).content.decode()
    assert "本月待质检" in home and f"/quality/inspections/{iid}/" in home and "待质检" in home
    page = client.get(f"/quality/inspections/{iid}/").content.decode()
    assert "归纳客户需求的能力" in page and "咨询0" in page
    posted = {"action": "score", **{f"item_{pk}": "20" for pk in form.values()}}
    posted[f"item_{form['服务态度']}"] = "25"
    r = client.post(f"/quality/inspections/{iid}/", posted)
    assert r.status_code == 422 and "0–20" in r.content.decode()
    assert 'value="25"' in r.content.decode()  # what was typed stays
    posted[f"item_{form['服务态度']}"] = "18"
    r = client.post(f"/quality/inspections/{iid}/", posted, follow=True)
    assert "评分已保存" in r.content.decode() and "98/100" in r.content.decode()
    client.force_login(agent)
    mine = client.get("/quality/").content.decode()
    assert "我的质检结果" in mine and "98/100" in mine and "本月待质检" not in mine
    r = client.post(f"/quality/inspections/{iid}/", {"action": "appeal", "reason": "当时线路差"},
                    follow=True)  # fmt: skip
    assert "申诉已提交" in r.content.decode()
    client.force_login(lead)
    assert "待处理申诉" in client.get("/quality/").content.decode()
    decision = {"action": "decide", "upheld": "0", "note": "录音清晰，维持"}
    r = client.post(f"/quality/inspections/{iid}/", decision, follow=True)
    assert "申诉驳回" in r.content.decode() and "98/100" in r.content.decode()


def test_a_draw_can_be_limited_to_channels_and_categories(api_as, qa, agent, form):
    contacts(agent, 3)  # calls
    tz = timezone.get_current_timezone()
    visit = Interaction.objects.create(
        channel="visit", category="suggestion", agent=agent, content="来访建议",
        occurred_at=dt.datetime(2026, 10, 8, 10, tzinfo=tz),
    )  # fmt: skip
    r = api_as(qa).post("/quality/inspections/draw",
                        {"month": MONTH, "per_agent": 2, "channels": ["visit"]})  # fmt: skip
    assert r.json() == {"added": 1} and drawn(agent) == [visit.pk]
    r = api_as(qa).post("/quality/inspections/draw",
                        {"month": MONTH, "channels": ["fax"], "categories": ["x"]})  # fmt: skip
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"channels", "categories"}
