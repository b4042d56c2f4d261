"""Push to open console pages (issue 11): a notice reaches its reader's open page, a ringing
call pops on the right agent's page, and the agent's status follows the call (R-2.7)."""

import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application
from kefu.accounts.choices import AgentStatus, Role
from kefu.accounts.models import StatusChange, User
from kefu.accounts.tests.factories import UserFactory
from kefu.customers.tests.factories import make_customer
from kefu.interactions.models import Interaction
from kefu.interactions.notices import notice_send
from kefu.interactions.services import cti_event

# Committed rows: the socket's sign-in reads the session through channels'
# database_sync_to_async, which closes a connection held inside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)

T0 = dt.datetime(2026, 11, 20, 9, 0, 0, tzinfo=dt.UTC)


def cookie_of(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def on_open_pages(users, action, capture, paths=None):
    """Open a console socket for each of `users` (at `paths`, the console's by default), run
    `action` (committed), and return what each page received (a list per user)."""

    async def scenario():
        sockets = []
        for i, user in enumerate(users):
            headers = [(b"origin", b"http://testserver")]
            if user is not None:
                headers.append((b"cookie", await database_sync_to_async(cookie_of)(user)))
            path = paths[i] if paths else "/ws/console/"
            socket = WebsocketCommunicator(application, path, headers=headers)
            connected, _ = await socket.connect()
            sockets.append((socket, connected))

        def act():
            with capture(execute=True):
                action()

        await database_sync_to_async(act)()
        received = []
        for socket, connected in sockets:
            got = []
            if connected:
                while not await socket.receive_nothing(timeout=0.3):
                    got.append(await socket.receive_json_from())
                await socket.disconnect()
            received.append(got if connected else None)
        return received

    return async_to_sync(scenario)()


@pytest.fixture
def phone_system(db):
    return UserFactory(username="cti", role=Role.ADMIN)


def test_a_notice_reaches_the_open_page_of_its_reader_and_of_no_one_else(
    agent, other_agent, django_capture_on_commit_callbacks
):
    mine, theirs = on_open_pages(
        [agent, other_agent],
        lambda: notice_send(kind="message", user=agent, text="王先生请回电", link="/"),
        django_capture_on_commit_callbacks,
    )
    assert [m["text"] for m in mine] == ["王先生请回电"]
    assert mine[0]["kind"] == {"zh": "留言", "en": "message"}  # a label, not the code
    assert theirs == []


def test_a_page_without_a_signed_in_user_is_refused(django_capture_on_commit_callbacks):
    (anonymous,) = on_open_pages([None], lambda: None, django_capture_on_commit_callbacks)
    assert anonymous is None


def test_a_ringing_call_pops_on_the_page_of_the_agent_at_that_extension(
    agent, other_agent, phone_system, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=agent.pk).update(extension="8001")
    customer = make_customer(agent, name="张三丰", phones=["13812345678"])
    ring = dict(event="ringing", call_id="C-9", at=T0, caller="13812345678", extension="8001")
    mine, theirs = on_open_pages(
        [agent, other_agent],
        lambda: cti_event(actor=phone_system, **ring),
        django_capture_on_commit_callbacks,
    )
    call = Interaction.objects.get(call_id="C-9")
    pop = next(m for m in mine if m["type"] == "pop")
    assert pop["customer"] == customer.name and pop["phone"] == "138****5678"  # masked
    assert pop["url"] == f"/call/?call={call.pk}"
    assert call.agent == agent and theirs == []


def test_a_call_tells_the_open_wall_boards_to_read_their_figures_again(
    agent, lead, phone_system, django_capture_on_commit_callbacks
):
    """R-8.4: the wall board's socket (?wall=1) is told of every call event; a lead's
    ordinary page is not."""
    User.objects.filter(pk=agent.pk).update(extension="8001")
    ring = dict(event="ringing", call_id="C-5", at=T0, caller="13812345678", extension="8001")
    board, page = on_open_pages(
        [lead, lead],
        lambda: cti_event(actor=phone_system, **ring),
        django_capture_on_commit_callbacks,
        paths=["/ws/console/?wall=1", "/ws/console/"],
    )
    assert {"type": "wall"} in board
    assert page == []


def test_the_agents_status_follows_the_call_and_every_change_is_logged(
    agent, phone_system, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=agent.pk).update(extension="8001")
    base = dict(call_id="C-7", caller="13812345678", extension="8001")
    cti_event(actor=phone_system, event="ringing", at=T0, **base)
    (answered,) = on_open_pages(
        [agent],
        lambda: cti_event(actor=phone_system, event="answered", at=T0, **base),
        django_capture_on_commit_callbacks,
    )
    assert {
        "type": "call",
        "state": "answered",
        "interaction_id": answered[0]["interaction_id"],
    } in answered
    assert User.objects.get(pk=agent.pk).status == AgentStatus.IN_CALL
    cti_event(actor=phone_system, event="hangup", at=T0 + dt.timedelta(minutes=3), **base)
    assert User.objects.get(pk=agent.pk).status == AgentStatus.WRAP_UP
    changes = list(
        StatusChange.objects.filter(user=agent).order_by("id").values_list("status", "source")
    )
    assert changes == [("in_call", "cti"), ("wrap_up", "cti")]


def test_an_unknown_extension_is_named_in_the_refusal(api_as, phone_system):
    r = api_as(phone_system).post(
        "/cti/events",
        {"event": "ringing", "call_id": "C-1", "at": T0.isoformat(), "extension": "9999"},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "extension"
    assert not Interaction.objects.exists()  # nothing half-written


def test_a_call_given_to_nobody_pops_for_the_available_owner_else_the_longest_available(
    agent, other_agent, phone_system
):
    from kefu.accounts.services import agent_status_set

    customer = make_customer(agent, name="李四", phones=["13900001111"])
    agent_status_set(user=other_agent, status="available", by=other_agent)
    ring = dict(event="ringing", at=T0, caller="13900001111")
    # the owner is away: the agent available longest gets it
    assert cti_event(actor=phone_system, call_id="A", **ring).agent == other_agent
    agent_status_set(user=agent, status="available", by=agent)
    assert cti_event(actor=phone_system, call_id="B", **ring).agent == agent  # the owner
    assert customer.owner == agent


def test_status_is_set_from_the_top_bar_with_the_time_one_will_be_back(agent):
    client = Client()
    client.force_login(agent)
    r = client.post("/status/", {"status": "away", "back_at": "23:59", "next": "/notices/"})
    assert r.status_code == 302 and r["Location"] == "/notices/"
    agent.refresh_from_db()
    assert agent.status == "away" and agent.back_at is not None
    page = client.get("/notices/").content.decode()
    assert "状态已改为：离开" in page
    r = client.post("/status/", {"status": "asleep"})
    assert "状态无效" in client.get("/notices/").content.decode()
