"""The CTI webhook (R-2.2): call events in any order or twice give one and the same record."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.customers.tests.factories import make_customer
from kefu.interactions.models import Interaction
from kefu.interactions.services import cti_event

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 20, 9, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def phone_system(db):
    return UserFactory(username="cti", role=Role.ADMIN)


def event(kind, seconds, **extra):
    return {
        "event": kind,
        "call_id": "C-1",
        "caller": "13812345678",
        "at": (T0 + dt.timedelta(seconds=seconds)).isoformat(),
        **extra,
    }


def test_ringing_answers_with_the_screen_pop(api_as, phone_system, agent):
    customer = make_customer(agent, phones=["13812345678"])
    r = api_as(phone_system).post("/cti/events", event("ringing", 0))
    assert r.status_code == 200, r.content
    assert r.json()["screen_pop"]["customer"]["number"] == customer.number
    interaction = Interaction.objects.get(call_id="C-1")
    assert interaction.customer == customer and interaction.ring_at == T0


def test_unknown_caller_rings_with_no_screen_pop(api_as, phone_system):
    r = api_as(phone_system).post("/cti/events", event("ringing", 0))
    assert r.json()["screen_pop"] is None
    assert Interaction.objects.get().caller_number == "13812345678"


def test_a_full_call_measures_the_rings(api_as, phone_system, agent):
    api = api_as(phone_system)
    api.post("/cti/events", event("ringing", 0))
    api.post("/cti/events", event("answered", 12, agent="agent1"))
    api.post("/cti/events", event("hangup", 200))
    call = Interaction.objects.get()
    assert call.ring_seconds == 12 and call.agent == agent and call.ended_at > call.answered_at
    # a second call answered after 20 s misses the 15-second (3-ring) norm
    api.post("/cti/events", {**event("ringing", 300), "call_id": "C-2"})
    api.post("/cti/events", {**event("answered", 320), "call_id": "C-2"})
    api.post("/cti/events", {**event("ringing", 400), "call_id": "C-3"})  # never answered
    report = (
        api_as(agent)
        .get(
            "/interactions/reports/answer-speed",
            since="2026-11-20T00:00:00Z",
            until="2026-11-21T00:00:00Z",
        )
        .json()
    )
    assert report == {
        "calls": 3,
        "answered": 2,
        "within": 1,
        "answer_seconds": 15,
        "rate": pytest.approx(1 / 3),
    }


EVENTS = [event("ringing", 0), event("answered", 9, agent="agent1"), event("hangup", 95)]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(EVENTS + EVENTS[:2]))
def test_duplicates_and_any_order_give_the_same_call(phone_system, agent, order):
    Interaction.objects.filter(call_id="C-1").delete()
    for e in order:
        cti_event(actor=phone_system, **e)
    call = Interaction.objects.get(call_id="C-1")
    assert (call.ring_at, call.answered_at, call.ended_at, call.occurred_at) == (
        T0,
        T0 + dt.timedelta(seconds=9),
        T0 + dt.timedelta(seconds=95),
        T0,
    )
    assert call.agent == agent and call.caller_number == "13812345678"


def test_only_the_phone_system_account_may_post_events(api):
    r = api.post("/cti/events", event("ringing", 0))
    assert r.status_code == 403


def test_bad_events_are_422(api_as, phone_system):
    api = api_as(phone_system)
    assert api.post("/cti/events", {**event("ringing", 0), "event": "dial"}).status_code == 422
    r = api.post("/cti/events", {**event("ringing", 0), "at": "yesterday"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "at"


def test_an_impossible_caller_number_is_refused(api_as, phone_system):
    r = api_as(phone_system).post("/cti/events", {**event("ringing", 0), "caller": "1" * 25})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "caller"


def test_an_uncertified_agent_cannot_take_a_call_through_the_phone_system(
    api_as, phone_system, agent
):
    """R-2.5 / R-7.4 on the CTI path: ringing or answered for an agent not yet certified is
    refused naming the agent; the hang-up of a call is still recorded."""
    novice = UserFactory(username="novice", role=Role.AGENT, is_certified=False, extension="8009")
    for kind, who in (("ringing", {"agent": "novice"}), ("answered", {"extension": "8009"})):
        r = api_as(phone_system).post("/cti/events", event(kind, 5, **who))
        assert r.status_code == 422, r.content
        assert r.json()["errors"][0]["code"] == "not_certified"
    assert not Interaction.objects.filter(call_id="C-1").exists()
    novice.is_certified = True
    novice.save()
    r = api_as(phone_system).post("/cti/events", event("answered", 5, agent="novice"))
    assert r.status_code == 200, r.content


def test_an_expired_certification_stops_calls_and_pops(api_as, phone_system, agent):
    """R-7.4: a certification with an expiry date no longer counts the day after it; the
    phone system's events for that agent are refused and no call pops for them."""
    from django.utils import timezone

    from kefu.accounts.choices import AgentStatus
    from kefu.interactions.services import agent_to_pop

    agent.is_certified, agent.status = True, AgentStatus.AVAILABLE
    agent.certified_until = timezone.localdate() - dt.timedelta(days=1)
    agent.save()
    r = api_as(phone_system).post("/cti/events", event("answered", 5, agent=agent.username))
    assert r.status_code == 422
    assert "expired" in r.json()["errors"][0]["message_en"]
    assert agent_to_pop(None) is None
    agent.certified_until = timezone.localdate()
    agent.save()
    assert agent_to_pop(None) == agent
    r = api_as(phone_system).post("/cti/events", event("answered", 5, agent=agent.username))
    assert r.status_code == 200
