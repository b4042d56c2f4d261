"""交接班 (R-7.3): the system drafts the outgoing agent's list (callbacks, follow-ups due,
open work orders and complaints), both agents confirm with their own sign-in, and only then
the callbacks and follow-ups move to the incoming agent; an unconfirmed handover alerts the
team leads."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.followups.models import FollowUp
from kefu.interactions.models import CallbackTask, Notice
from kefu.quality.handover import handovers_alert
from kefu.quality.models import Handover

pytestmark = pytest.mark.django_db


@pytest.fixture
def taker(db):
    return UserFactory(username="agent2", role=Role.AGENT, display_name="周晓东")


@pytest.fixture
def holding(api, agent):
    due = (timezone.now() + dt.timedelta(hours=3)).isoformat()
    api.post(
        "/interactions",
        {"channel": "inbound_call", "caller_number": "13800000001", "category": "consultation",
         "content": "要求回电", "callback_due_at": due, "callback_note": "报价"},
    )  # fmt: skip
    followup = FollowUp.objects.create(
        kind="rule", owner=agent, due_on=timezone.localdate() - dt.timedelta(days=1),
        due_by=timezone.localdate() + dt.timedelta(days=2), source_key="h1",
    )  # fmt: skip
    return followup


def test_the_handover_lists_what_the_agent_holds_and_moves_it_after_both_confirm(
    api, api_as, agent, taker, holding
):
    r = api.post("/quality/handovers", {"taker": "agent2", "notes": "王先生的报价明早要回"})
    assert r.status_code == 201, r.json()
    h = r.json()
    assert {i["kind"] for i in h["items"]} == {"callback", "followup"}
    assert Notice.objects.filter(user=taker, text__contains="交接班").exists()
    r = api.post(f"/quality/handovers/{h['id']}/confirm")
    assert r.json()["giver_confirmed_at"] and not r.json()["confirmed"]
    assert CallbackTask.objects.get().assignee == agent  # nothing moves on one signature
    assert api.post(f"/quality/handovers/{h['id']}/confirm").status_code == 409
    r = api_as(taker).post(f"/quality/handovers/{h['id']}/confirm")
    assert r.json()["confirmed"] and r.json()["moved"] == {"callbacks": 1, "followups": 1}
    assert CallbackTask.objects.get().assignee == taker
    assert FollowUp.objects.get(pk=holding.pk).owner == taker
    task = CallbackTask.objects.get()
    assert task.history.first().history_user == taker  # the move is audited


def test_only_the_two_agents_confirm_and_one_open_handover_at_a_time(
    api, api_as, agent, taker, lead
):
    h = api.post("/quality/handovers", {"taker": "agent2"}).json()
    stranger = UserFactory(username="agent3", role=Role.AGENT)
    assert api_as(stranger).post(f"/quality/handovers/{h['id']}/confirm").status_code == 404
    assert api_as(lead).post(f"/quality/handovers/{h['id']}/confirm").status_code == 403
    r = api.post("/quality/handovers", {"taker": "agent2"})
    assert r.status_code == 409 and r.json()["errors"][0]["code"] == "open_handover"
    r = api.post("/quality/handovers", {"taker": agent.username})
    assert r.status_code in (409, 422)
    Handover.objects.all().delete()
    r = api.post("/quality/handovers", {"taker": agent.username})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "taker"
    r = api.post("/quality/handovers", {"taker": "nobody"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "taker"


def test_an_unconfirmed_handover_alerts_the_team_leads_once(api, agent, taker, lead):
    h = api.post("/quality/handovers", {"taker": "agent2"}).json()
    assert handovers_alert() == 0  # not yet 30 minutes
    later = timezone.now() + dt.timedelta(minutes=31)
    assert handovers_alert(later) == 1
    notice = Notice.objects.get(user=lead)
    assert "周晓东" in notice.text and notice.link == f"/handover/{h['id']}/"
    assert handovers_alert(later) == 0  # once


def test_the_console_hands_over_and_each_agent_confirms_with_their_own_sign_in(
    client, agent, taker, holding
):
    client.force_login(agent)
    page = client.get("/handover/").content.decode()
    assert "我手上的待办" in page and "报价" in page and "周晓东" in page
    r = client.post("/handover/", {"taker": "agent2", "notes": "明早回电"})
    assert r.status_code == 302
    hid = Handover.objects.get().pk
    r = client.post(f"/handover/{hid}/confirm/", follow=True)
    assert "等待对方确认" in r.content.decode()
    client.force_login(taker)
    r = client.post(f"/handover/{hid}/confirm/", follow=True)
    assert "交接完成：1 条回电、1 条回访已转给 周晓东" in r.content.decode()


def test_the_system_drafts_the_handover_before_the_shift_ends(agent, taker, holding, lead):
    """R-7.3: 15 minutes before the early shift ends, agent1 (holding a callback and a
    follow-up) gets a draft to agent2 of the middle shift; once only; nobody is drafted for
    who holds nothing."""
    from kefu.quality.handover import handovers_draft_due
    from kefu.quality.roster import roster_set, shifts_seed

    shifts_seed()  # early 08–16, middle 12–20
    today = timezone.localdate()
    for who, shift in (("agent1", "early"), ("agent2", "middle"), ("lead", "early")):
        roster_set(actor=lead, data={"user": who, "shift": shift, "start": str(today),
                                     "end": str(today)})  # fmt: skip
    tz = timezone.get_current_timezone()
    before_end = dt.datetime.combine(today, dt.time(15, 50), tzinfo=tz)
    assert handovers_draft_due(now=before_end - dt.timedelta(hours=1)) == 0  # not yet
    assert handovers_draft_due(now=before_end) == 1  # agent1; the lead holds nothing
    h = Handover.objects.get()
    assert (h.giver, h.taker) == (agent, taker)
    assert {i["kind"] for i in h.items} == {"callback", "followup"}
    assert Notice.objects.filter(user=agent, text__contains="系统已起草").exists()
    assert Notice.objects.filter(user=taker, text__contains="交接班").exists()
    assert handovers_draft_due(now=before_end + dt.timedelta(minutes=5)) == 0  # once
