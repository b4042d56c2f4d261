"""Forbidden phrases (服务用语禁忌, R-7.2): what agents write is checked as whole words
(jieba), saving still succeeds with a warning naming the phrase and what to say instead, and
the team lead sees who used which phrase how often."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.quality.models import ForbiddenPhrase, PhraseHit
from kefu.quality.phrases import phrases_found, phrases_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def phrases(db):
    phrases_seed()


def found(text):
    return [p[0] for p in phrases_found(text)]


def test_phrases_match_whole_words_not_substrings(phrases):
    assert found("车辆不行驶时仪表会熄灭") == []  # 不行 is no word of 不行驶
    assert found("这个真不行了") == ["不行"]
    assert found("我不知道啊，明天再说") == ["不知道"]
    assert found("客户说保养后车门异响") == []
    assert found("ＮＯ 不知道") == ["不知道"]  # full-width input is cleaned first
    assert sorted(found("不知道，没办法")) == ["不知道", "没办法"]


def test_a_switched_off_phrase_is_no_longer_found(phrases, api_as, lead):
    phrase = ForbiddenPhrase.objects.get(phrase="随便")
    assert found("随便你") == ["随便"]
    r = api_as(lead).patch(f"/quality/phrases/{phrase.pk}", {"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    assert found("随便你") == []
    assert phrase.history.first().history_user == lead  # audited


def test_saving_a_contact_with_a_forbidden_phrase_warns_and_keeps_it(phrases, api, agent):
    r = api.post(
        "/interactions",
        {"channel": "inbound_call", "caller_number": "13800000001", "category": "consultation",
         "content": "问首保时间", "outcome": "我也不知道，您自己看说明书吧"},
    )  # fmt: skip
    assert r.status_code == 201, r.json()  # saved all the same
    warning = [w for w in r.json()["warnings"] if w["code"] == "forbidden_phrase"]
    assert {w["field"] for w in warning} == {"outcome"}
    assert any("不知道" in w["message"] and "我帮您确认一下" in w["message"] for w in warning)
    assert any("say instead" in w["message_en"] for w in warning)
    hit = PhraseHit.objects.get(phrase_text="不知道")
    assert (hit.agent, hit.written_in, hit.record_id) == (agent, "interaction", r.json()["id"])
    assert "不知道" in hit.excerpt
    # the customer's own words (content) are theirs: not checked
    r = api.post(
        "/interactions",
        {"channel": "inbound_call", "caller_number": "13800000002", "category": "consultation",
         "content": "客户说你们这个不行"},
    )  # fmt: skip
    assert not [w for w in r.json()["warnings"] if w["code"] == "forbidden_phrase"]


def test_the_lead_sees_the_count_per_agent_and_an_agent_only_their_own(
    phrases, api, api_as, agent, lead
):
    other = UserFactory(username="agent2", role=Role.AGENT, display_name="钱二")
    for who, outcome in ((agent, "不知道"), (agent, "没办法"), (other, "这个不行")):
        api_as(who).post(
            "/interactions",
            {
                "channel": "visit",
                "category": "consultation",
                "contact_name": "周",
                "content": "来访",
                "outcome": outcome,
            },
        )
    counts = api_as(lead).get("/quality/phrase-hits/by-agent").json()
    assert [(c["agent"], c["count"]) for c in counts] == [(agent.display_name, 2), ("钱二", 1)]
    assert {h["agent"] for h in api_as(lead).get("/quality/phrase-hits").json()} == {
        agent.username, "agent2"}  # fmt: skip
    own = api.get("/quality/phrase-hits").json()
    assert {h["agent"] for h in own} == {agent.username} and len(own) == 2
    mine = api.get("/quality/phrase-hits/by-agent").json()
    assert [(c["agent"], c["count"]) for c in mine] == [(agent.display_name, 2)]


def test_the_check_endpoint_and_the_list_are_bounded_and_refuse_clearly(phrases, api, api_as, lead):
    r = api.post("/quality/phrases/check", {"text": "这不可能"})
    assert [w["code"] for w in r.json()["warnings"]] == ["forbidden_phrase"]
    assert api.post("/quality/phrases/check", {"text": "x" * 20001}).status_code == 422
    assert api.post("/quality/phrases", {"phrase": "你找别人"}).status_code == 403  # agents
    r = api_as(lead).post("/quality/phrases", {"phrase": "你找别人", "instead": "我帮您转接"})
    assert r.status_code == 201
    assert api.post("/quality/phrases/check", {"text": "你找别人吧"}).json()["warnings"]
    r = api_as(lead).post("/quality/phrases", {"phrase": "你找别人"})
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "phrase"
    r = api_as(lead).post("/quality/phrases", {"phrase": "  "})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "phrase"


def test_callback_results_and_follow_up_notes_are_checked_too(phrases, api, agent):
    due = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    r = api.post(
        "/interactions",
        {"channel": "inbound_call", "caller_number": "13800000003", "category": "consultation",
         "content": "要求回电", "callback_due_at": due, "callback_note": "跟他说这是规定"},
    )  # fmt: skip
    assert any("这是规定" in w["message"] for w in r.json()["warnings"])
    task = api.get("/callbacks").json()[0]
    api.post(f"/callbacks/{task['id']}/done", {"result": "没办法，客户不接受"})
    assert set(PhraseHit.objects.values_list("written_in", "phrase_text")) == {
        ("callback", "这是规定"), ("callback", "没办法")}  # fmt: skip


def test_the_console_warns_as_the_agent_types_and_after_saving(phrases, client, agent):
    client.force_login(agent)
    r = client.post("/wording/", {"text": "这个我不清楚"})
    assert "不清楚" in r.content.decode() and "我马上为您查询" in r.content.decode()
    assert client.post("/wording/", {"text": "车辆不行驶"}).content.decode().strip() == ""
    page = client.get("/call/").content.decode()
    assert 'name="outcome"' in page and "data-wording" in page
    r = client.post(
        "/call/",
        {"channel": "inbound_call", "category": "consultation", "caller_number": "13800000009",
         "content": "咨询保养", "outcome": "不知道"},
        follow=True,
    )  # fmt: skip
    assert "服务禁忌用语" in r.content.decode()  # the warning after saving
    assert PhraseHit.objects.filter(agent=agent).count() == 1


def test_the_phrases_page_shows_the_list_counts_and_lets_the_lead_add(phrases, client, lead, agent):
    from kefu.interactions.services import interaction_log

    data = {"channel": "visit", "category": "consultation", "contact_name": "周",
            "content": "来访", "outcome": "没办法"}  # fmt: skip
    interaction_log(actor=agent, data=data)
    client.force_login(lead)
    page = client.get("/quality/phrases/").content.decode()
    assert "我帮您确认一下" in page and agent.display_name in page and "没办法" in page
    r = client.post("/quality/phrases/", {"phrase": "你找别人", "instead": "我帮您转接"})
    assert r.status_code == 302 and ForbiddenPhrase.objects.filter(phrase="你找别人").exists()
    r = client.post("/quality/phrases/", {"phrase": "你找别人"})
    assert r.status_code == 422 and "已在列表中" in r.content.decode()
    client.force_login(agent)
    page = client.get("/quality/phrases/").content.decode()
    assert "添加" not in page  # agents read the list; the lead edits it
