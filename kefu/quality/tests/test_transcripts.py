"""Automatic QA of call transcripts 智能质检 (R-7.5): the phone system posts a call's
transcript, every call is scored by the rules (greeting, closing, forbidden phrases,
silence, talking over, anger words), the points come off the evaluation form's items, and a
flagged call goes first in the inspector's queue with a notice to the team leads."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.interactions.models import Interaction, Notice
from kefu.quality.inspections import form_seed
from kefu.quality.models import EvaluationItem, Inspection, Transcript, TranscriptRule
from kefu.quality.phrases import phrases_seed
from kefu.quality.transcripts import rules_seed, transcript_parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(db):
    phrases_seed()
    form_seed()
    rules_seed()
    return {i.name: i for i in EvaluationItem.objects.all()}


@pytest.fixture
def phone(db):
    return UserFactory(username="pbx", role=Role.ADMIN)


@pytest.fixture
def call(agent):
    return Interaction.objects.create(
        channel="inbound_call", category="consultation", agent=agent, call_id="C-1",
        content="咨询保养", caller_number="13800000001",
        occurred_at=timezone.make_aware(dt.datetime(2026, 11, 3, 10, 0)),
    )  # fmt: skip


def good_call():
    """A call that keeps every rule."""
    return [
        {"speaker": "agent", "start": 0, "end": 4, "text": "您好，很高兴为您服务。"},
        {"speaker": "customer", "start": 5, "end": 9, "text": "我想预约下周的保养。"},
        {"speaker": "agent", "start": 10, "end": 14, "text": "好的，我帮您登记周二上午。"},
        {"speaker": "customer", "start": 15, "end": 17, "text": "好的。"},
        {"speaker": "agent", "start": 18, "end": 21, "text": "感谢您的来电，再见。"},
    ]  # fmt: skip


def post(api_as, phone, sentences, call_id="C-1", **extra):
    return api_as(phone).post(
        "/cti/transcripts", {"call_id": call_id, "sentences": sentences, **extra}
    )


def by_rule(body):
    return {f["rule"]: f for f in body["findings"]}


def test_a_call_that_keeps_every_rule_scores_full_marks(api_as, phone, call, rules):
    sentences = good_call()
    del sentences[3]["end"]  # a sentence without its end is a moment long
    r = post(api_as, phone, sentences, recording_url="http://pbx.local/rec/C-1.mp3")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["findings"] == [] or set(by_rule(body)) == {"thanks"}
    assert body["score"] == 100 and body["flagged"] is False
    assert body["recording_url"] == "http://pbx.local/rec/C-1.mp3"
    assert Transcript.objects.get(interaction=call).seconds == 21


def test_missing_greeting_and_closing_and_a_forbidden_phrase_cost_points(
    api_as, phone, call, rules
):
    sentences = good_call()
    sentences[0]["text"] = "喂，说吧。"
    sentences[2]["text"] = "这个我不知道，你自己看说明书。"
    sentences[4]["text"] = "就这样。"
    body = post(api_as, phone, sentences).json()
    found = by_rule(body)
    assert {"greeting", "closing", "forbidden"} <= set(found)
    assert found["forbidden"]["hits"][0]["word"] in ("不知道", "你自己看")
    assert found["forbidden"]["hits"][0]["clock"] == "00:10"
    # the greeting (−5), closing (−5) and forbidden phrase (−10) all come off 服务用语 (20)
    item = rules["服务用语"]
    assert body["item_points"][str(item.pk)] == 0  # never below zero
    assert body["score"] == 80
    assert body["flagged"] is False


def test_a_phrase_matches_whole_words_only(api_as, phone, call, rules):
    """不行 must not match 不行驶 (jieba's words, not substrings)."""
    sentences = good_call()
    sentences[2]["text"] = "车辆不行驶的时候也要检查电瓶。"
    assert "forbidden" not in by_rule(post(api_as, phone, sentences).json())
    sentences[2]["text"] = "这个真不行了。"
    assert "forbidden" in by_rule(post(api_as, phone, sentences).json())


def test_silence_and_talking_over_are_found_with_their_seconds(api_as, phone, call, rules):
    sentences = good_call()
    sentences[2]["start"], sentences[2]["end"] = 40, 44  # 31 s of silence after the customer
    sentences[3]["start"], sentences[3]["end"] = 45, 52
    sentences.insert(4, {"speaker": "agent", "start": 48, "end": 50, "text": "好的好的"})
    sentences[5]["start"], sentences[5]["end"] = 53, 56
    found = by_rule(post(api_as, phone, sentences).json())
    assert found["silence"]["hits"][0]["seconds"] == 31
    assert found["overtalk"]["hits"][0]["seconds"] == 4  # the customer spoke until 52


def test_anger_words_flag_the_call_first_in_the_queue_and_tell_the_leads(
    api_as, phone, call, rules, qa, agent
):
    lead = UserFactory(username="lead1", role=Role.TEAM_LEAD)
    sentences = good_call()
    sentences[3]["text"] = "你们再这样我就打12315投诉！"
    body = post(api_as, phone, sentences).json()
    assert body["flagged"] is True
    assert by_rule(body)["anger"]["hits"][0]["word"] in ("12315", "投诉")
    inspection = Inspection.objects.get(interaction=call)
    assert inspection.flagged and inspection.agent == agent
    assert f"{inspection.month:%Y-%m}" == "2026-11"
    notice = Notice.objects.get(user=lead)
    assert "智能质检标记" in notice.text and notice.link == f"/quality/inspections/{inspection.pk}/"
    # the inspector's queue has it first, apart from the month's sample
    page = api_as(qa).get("/quality/inspections", status="due").json()
    assert page[0]["flagged"] is True
    # the same transcript again: scored again, not told twice
    post(api_as, phone, sentences)
    assert Notice.objects.filter(user=lead).count() == 1
    assert Inspection.objects.filter(interaction=call).count() == 1


def test_a_flagged_call_does_not_count_in_the_months_random_sample(api_as, phone, call, rules, qa):
    sentences = good_call()
    sentences[3]["text"] = "我要去媒体曝光你们！"
    post(api_as, phone, sentences)
    for k in range(3):
        Interaction.objects.create(
            channel="inbound_call", category="consultation", agent=call.agent,
            content=f"咨询{k}", occurred_at=call.occurred_at + dt.timedelta(hours=k + 1),
        )  # fmt: skip
    r = api_as(qa).post("/quality/inspections/draw", {"month": "2026-11", "per_agent": 2})
    assert r.json() == {"added": 2}
    assert Inspection.objects.filter(agent=call.agent, flagged=False).count() == 2


def test_the_inspection_page_shows_the_transcript_and_suggests_the_points(
    api_as, phone, call, rules, qa
):
    sentences = good_call()
    sentences[0]["text"] = "喂。"
    sentences[3]["text"] = "我要投诉你们！"
    post(api_as, phone, sentences, recording_url="http://pbx.local/rec/C-1.mp3")
    inspection = Inspection.objects.get(interaction=call)
    body = api_as(qa).get(f"/quality/inspections/{inspection.pk}").json()
    assert body["transcript"]["sentences"][3]["marked"] is True
    item = rules["服务用语"]
    suggested = {i["id"]: i["suggested"] for i in body["items"]}
    assert suggested[item.pk] == 15
    from django.test import Client

    c = Client()
    c.force_login(qa)
    page = c.get(f"/quality/inspections/{inspection.pk}/").content.decode()
    assert "我要投诉你们！" in page and "http://pbx.local/rec/C-1.mp3" in page
    assert "智能质检建议 15" in page


def test_bad_transcripts_are_refused_naming_the_sentence(api_as, phone, call, rules):
    sentences = good_call()
    sentences[1]["speaker"] = "机器人"
    r = post(api_as, phone, sentences)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "sentences[1].speaker"
    sentences = good_call()
    sentences[2]["end"] = 3  # ends before it starts
    r = post(api_as, phone, sentences)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "sentences[2].start"
    r = post(api_as, phone, good_call(), recording_url="javascript:alert(1)")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "recording_url"
    r = post(api_as, phone, good_call(), call_id="NO-SUCH-CALL")
    assert r.status_code == 404
    assert not Transcript.objects.exists()


def test_only_the_phone_system_posts_and_only_inspectors_upload(api_as, agent, call, rules, qa):
    assert post(api_as, agent, good_call()).status_code == 403
    text = (
        "[00:00-00:04] 坐席：您好，很高兴为您服务\n[00:05] 客户：我想预约保养\n"
        "00:09 坐席：感谢您的来电，再见"
    )
    r = api_as(agent).post("/quality/transcripts", {"interaction_id": call.pk, "text": text})
    assert r.status_code == 403
    r = api_as(qa).post("/quality/transcripts", {"interaction_id": call.pk, "text": text})
    assert r.status_code == 200, r.content
    assert r.json()["source"] == "upload" and r.json()["score"] == 100


def test_the_text_format_is_read_and_a_bad_line_is_named():
    rows = transcript_parse(
        "[00:00-00:04] 坐席：您好\n\n[00:05] 客户：我想预约\n1:02:03 客服: 好的"
    )
    assert [r["speaker"] for r in rows] == ["坐席", "客户", "客服"]
    assert rows[1]["end"] == 6 and rows[2]["start"] == 3723
    from kefu.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as e:
        transcript_parse("[00:00] 坐席：您好\n这一行不对")
    assert e.value.errors[0].field == "line 2"
    with pytest.raises(ValidationFailed) as e:  # an empty upload is refused, not a 500
        transcript_parse("\n  \n")
    assert e.value.errors[0].field == "text"


def test_rules_are_data(api_as, phone, call, rules, lead):
    TranscriptRule.objects.filter(code="greeting").update(words="欢迎致电某某汽车", seconds=5)
    found = by_rule(post(api_as, phone, good_call()).json())
    assert "greeting" in found  # 您好 no longer counts as the greeting
    listed = api_as(lead).get("/quality/transcript-rules").json()
    assert {r["code"] for r in listed} >= {"greeting", "closing", "anger", "silence"}
    assert api_as(lead).get("/quality/transcripts", flagged="false").json()[0]["score"] < 100
