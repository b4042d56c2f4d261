"""The knowledge base (常见问题规范用语, R-7.2): an article is written, approved by a team
lead before agents see it, changed through a proposal (new version), found by Chinese words,
pinyin and tags, suggested for what an agent types, used, rated, and listed when stale."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.interactions.models import Notice
from kefu.knowledge.models import Article

pytestmark = pytest.mark.django_db

OIL = {
    "question": "保养周期是多久？",
    "answer": "您好，首保在 5000 公里或 6 个月，之后每 10000 公里或 12 个月保养一次。",
    "category": "consultation",
    "tags": "保养 首保",
    "applies_to": "auto",
}


def published(api_as, writer, lead, data=OIL):
    r = api_as(writer).post("/knowledge/articles", data)
    assert r.status_code == 201, r.content
    article_id = r.json()["id"]
    r = api_as(lead).post(f"/knowledge/articles/{article_id}/approve", {"note": "可以"})
    assert r.status_code == 200, r.content
    return article_id


def found(api_as, user, q, **params):
    r = api_as(user).get("/knowledge/articles", q=q, **params)
    assert r.status_code == 200, r.content
    return [a["question"] for a in r.json()]


def test_an_article_is_seen_by_agents_only_once_a_lead_approves_it(api_as, agent, lead):
    r = api_as(agent).post("/knowledge/articles", OIL)
    assert r.status_code == 201 and r.json()["status"] == "pending"
    article_id = r.json()["id"]
    assert Notice.objects.filter(user=lead, link=f"/knowledge/{article_id}/").exists()
    assert found(api_as, agent, "保养") == []  # not published yet
    assert api_as(agent).post(f"/knowledge/articles/{article_id}/approve").status_code == 403
    r = api_as(lead).post(f"/knowledge/articles/{article_id}/approve", {"note": "可以"})
    assert r.json()["status"] == "published" and r.json()["version"] == 1
    assert found(api_as, agent, "保养") == ["保养周期是多久？"]
    assert Notice.objects.filter(user=agent, text__contains="已发布").exists()


def test_a_change_to_a_published_article_waits_as_a_proposal_and_makes_a_version(
    api_as, agent, other_agent, lead
):
    article_id = published(api_as, agent, lead)
    r = api_as(other_agent).patch(
        f"/knowledge/articles/{article_id}", {"answer": "首保 3000 公里或 3 个月。"}
    )
    assert r.status_code == 200 and r.json()["proposal"]["fields"]["answer"].startswith("首保")
    # agents still read the approved answer
    shown = api_as(agent).get(f"/knowledge/articles/{article_id}").json()
    assert shown["answer"] == OIL["answer"] and shown["version"] == 1
    waiting = api_as(lead).get("/knowledge/articles/waiting").json()
    assert [a["id"] for a in waiting] == [article_id]
    api_as(lead).post(f"/knowledge/articles/{article_id}/approve")
    shown = api_as(agent).get(f"/knowledge/articles/{article_id}").json()
    assert shown["answer"] == "首保 3000 公里或 3 个月。" and shown["version"] == 2
    versions = api_as(agent).get(f"/knowledge/articles/{article_id}/versions").json()
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[1]["answer"] == OIL["answer"]


def test_a_lead_sends_an_article_back_with_a_reason(api_as, agent, lead):
    r = api_as(agent).post("/knowledge/articles", OIL)
    article_id = r.json()["id"]
    r = api_as(lead).post(f"/knowledge/articles/{article_id}/reject", {"note": ""})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "note"
    r = api_as(lead).post(f"/knowledge/articles/{article_id}/reject", {"note": "答复不准确"})
    assert r.json()["status"] == "rejected"
    assert Notice.objects.filter(user=agent, text__contains="答复不准确").exists()
    # the writer corrects it: sent for approval again
    r = api_as(agent).patch(f"/knowledge/articles/{article_id}", {"answer": "首保 5000 公里。"})
    assert r.json()["status"] == "pending"


def test_search_by_words_pinyin_initials_and_tags(api_as, agent, lead):
    published(api_as, agent, lead)
    published(api_as, agent, lead, {"question": "发票怎么补开？", "answer": "请携带身份证到前台。",
                                    "category": "other", "tags": "发票"})  # fmt: skip
    assert found(api_as, agent, "保养周期") == ["保养周期是多久？"]
    assert found(api_as, agent, "baoyang") == ["保养周期是多久？"]
    assert found(api_as, agent, "fp") == ["发票怎么补开？"]
    assert found(api_as, agent, "首保") == ["保养周期是多久？"]  # a tag
    assert [a["question"] for a in api_as(agent).get("/knowledge/articles", tag="发票").json()] == [
        "发票怎么补开？"
    ]
    r = api_as(agent).get("/knowledge/articles", category="nonsense")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "category"


def test_articles_out_of_their_dates_are_not_shown(api_as, agent, lead):
    today = timezone.localdate()
    published(api_as, agent, lead, {**OIL, "valid_until": str(today - dt.timedelta(days=1))})
    assert found(api_as, agent, "保养") == []
    r = api_as(agent).post("/knowledge/articles", {**OIL, "valid_from": "2027-01-01",
                                                   "valid_until": "2026-01-01"})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "valid_until"


def test_suggestions_follow_what_the_agent_types(api_as, agent, lead):
    published(api_as, agent, lead)
    published(api_as, agent, lead, {"question": "车门异响怎么办？", "answer": "请预约到店检查。",
                                    "category": "repair", "tags": "异响"})  # fmt: skip
    typed = {"category": "repair", "text": "客户说车门有异响，开关门时咯吱响"}
    r = api_as(agent).post("/knowledge/articles/suggest", typed)
    assert [a["question"] for a in r.json()][:1] == ["车门异响怎么办？"]
    r = api_as(agent).post("/knowledge/articles/suggest", {"category": "consultation"})
    assert [a["question"] for a in r.json()] == ["保养周期是多久？"]


def test_use_and_feedback_are_counted_once_per_person(api_as, agent, other_agent, lead):
    article_id = published(api_as, agent, lead)
    assert api_as(other_agent).post(f"/knowledge/articles/{article_id}/use").json() == {"uses": 1}
    r = api_as(other_agent).post(f"/knowledge/articles/{article_id}/feedback",
                                 {"helpful": False, "comment": "没说延保"})  # fmt: skip
    assert (r.json()["helpful"], r.json()["unhelpful"]) == (0, 1)
    assert Notice.objects.filter(user=agent, text__contains="没说延保").exists()
    r = api_as(other_agent).post(f"/knowledge/articles/{article_id}/feedback", {"helpful": True})
    assert (r.json()["helpful"], r.json()["unhelpful"]) == (1, 0)  # the last word counts


def test_stale_articles_are_listed_for_the_lead_until_reviewed(api_as, agent, lead):
    article_id = published(api_as, agent, lead)
    assert api_as(lead).get("/knowledge/articles/stale").json() == []
    Article.objects.filter(pk=article_id).update(
        reviewed_at=timezone.now() - dt.timedelta(days=200)
    )
    assert [a["id"] for a in api_as(lead).get("/knowledge/articles/stale").json()] == [article_id]
    assert api_as(agent).get("/knowledge/articles/stale").status_code == 403
    api_as(lead).post(f"/knowledge/articles/{article_id}/review")
    assert api_as(lead).get("/knowledge/articles/stale").json() == []


def test_a_retired_article_leaves_the_agents_screens(api_as, agent, other_agent, lead):
    article_id = published(api_as, agent, lead)
    api_as(lead).post(f"/knowledge/articles/{article_id}/retire", {"note": "政策变了"})
    assert found(api_as, other_agent, "保养") == []
    assert api_as(other_agent).get(f"/knowledge/articles/{article_id}").status_code == 404
    r = api_as(agent).patch(f"/knowledge/articles/{article_id}", {"answer": "x"})
    assert r.status_code in (404, 409)


def test_bad_input_names_the_field(api_as, agent):
    r = api_as(agent).post("/knowledge/articles", {**OIL, "question": ""})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "question"
    r = api_as(agent).post(
        "/knowledge/articles", {**OIL, "tags": " ".join(f"t{i}" for i in range(11))}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "tags"
