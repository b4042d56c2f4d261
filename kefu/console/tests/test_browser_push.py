"""The console served over ASGI (uvicorn, as `kefu serve` runs it) in Debian's Chromium:
a ringing call pops the caller on the agent's open page, an escalation appears in the
manager's inbox without a reload, and a manager approves from 待我审批 (issue 11)."""

import datetime as dt
import socket
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.models import Department, User
from kefu.accounts.tests.factories import UserFactory
from kefu.console.tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    PASSWORD,
    browser,
    center,
    chromium,
    page_as,
    shot,
)
from kefu.interactions.services import cti_event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def asgi_server(transactional_db):
    """uvicorn in a thread on a free port, serving the ASGI application with its static
    files (the test database is the one this test writes to)."""
    import uvicorn
    from channels.routing import ProtocolTypeRouter
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    from config.asgi import application

    app = ProtocolTypeRouter(
        {
            "http": ASGIStaticFilesHandler(get_asgi_application()),
            "websocket": application.application_mapping["websocket"],
        }
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
            ws="websockets-sansio",
        )
    )  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(5)


def signed_in(browser, server, username):
    """Signed in as `username` (the browser tests' own sign-in), at 1366×768, with the
    page's push socket open."""
    page = page_as(browser, server, username)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.wait_for_selector("body[data-push-state=open]", timeout=5000)
    return page


def test_a_ringing_call_pops_the_caller_on_the_agents_open_page(browser, asgi_server, center):
    agent = center["agent1"]
    User.objects.filter(pk=agent.pk).update(extension="8001")
    system = UserFactory(username="pbx", role=Role.ADMIN)
    page = signed_in(browser, asgi_server, "agent1")
    cti_event(
        actor=system, event="ringing", call_id="CALL-1", at=timezone.now(),
        caller="13812345678", extension="8001",
    )  # fmt: skip
    page.wait_for_url("**/call/?call=*", timeout=3000)
    main = page.inner_text("main")
    assert "张三丰" in main and "138****5678" in main and "京A88888" in main
    shot(page, "screen-pop")
    cti_event(actor=system, event="answered", call_id="CALL-1", at=timezone.now(), extension="8001")
    page.wait_for_selector("[data-call][data-state=answered]", timeout=3000)
    assert page.evaluate("document.activeElement.name") == "content"  # ready to type
    page.fill("textarea[name=content]", "询问首保时间")
    page.click("form.form button[type=submit]")
    page.wait_for_selector(".flash")
    assert "接待记录已保存" in page.inner_text(".flash")


def test_an_escalation_appears_in_the_managers_inbox_without_a_reload(
    browser,
    asgi_server,
    center,
):
    from kefu.setup.services import preset_load
    from kefu.tickets.models import WorkOrder
    from kefu.tickets.services import escalate_overdue, work_order_create

    lead = center["lead"]
    preset_load(code="auto")
    page = signed_in(browser, asgi_server, "lead")
    assert page.inner_text("#unread-count") == "0"
    order = work_order_create(
        actor=center["agent1"],
        data={"category": "fault", "department": "service", "title": "空调不制冷"},
    )
    WorkOrder.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    assert escalate_overdue() >= 1
    page.wait_for_selector(".toast", timeout=3000)
    assert "空调不制冷" in page.inner_text(".toast")
    assert int(page.inner_text("#unread-count")) >= 1
    shot(page, "inbox-toast")
    page.click("header a.inbox")
    assert "工单超时升级" in page.inner_text("table.notices")
    shot(page, "inbox")
    assert lead.notices.exists()
    page.click("header nav >> text=班组")
    assert "空调不制冷" in page.inner_text("main")  # the stalled order on the lead's view
    shot(page, "team")


def test_a_manager_approves_from_the_queue(browser, asgi_server, center):
    from kefu.complaints.services import complaint_advance, complaint_create, proposal_add

    manager = UserFactory(username="boss", role=Role.MANAGER, display_name="钱经理")
    manager.set_password(PASSWORD)
    manager.save()
    lead = center["lead"]
    c = complaint_create(
        actor=center["agent1"],
        data={"complainant_name": "李四", "content": "新车交付缺备胎工具", "demand": "补齐"},
    )
    c = complaint_advance(
        actor=lead, complaint=c, to="investigation",
        fields={"department": "service", "promised_days": 3, "demand_reasonable": True},
    )  # fmt: skip
    c = complaint_advance(
        actor=lead, complaint=c, to="solution",
        fields={"root_cause": "交付漏检", "responsible_person": "王五",
              "complaint_class": "delivery"},
    )  # fmt: skip
    proposal_add(
        actor=lead, complaint=c, data={"text": "补齐并赠送保养", "compensation_amount": "3000"}
    )
    page = signed_in(browser, asgi_server, "boss")
    page.click("header nav >> text=待我审批")
    row = page.locator("tr", has_text=c.number)
    assert "补齐并赠送保养" in row.inner_text() and "赵班长" in row.inner_text()
    shot(page, "approvals")
    row.locator("button[value=approve]").click()
    page.wait_for_selector(".flash")
    assert f"已批准 {c.number} 的方案" in page.inner_text(".flash")
    assert Department.objects.filter(code="service").exists()


def test_the_wall_board_counts_a_ringing_call_at_once(browser, asgi_server, center):
    """R-8.4: the wall board in the team's room is told of a call by push and reads its
    figures again — no waiting for the 30-second refresh."""
    from playwright.sync_api import expect

    agent = center["agent1"]
    User.objects.filter(pk=agent.pk).update(extension="8001")
    system = UserFactory(username="pbx", role=Role.ADMIN)
    page = page_as(browser, asgi_server, "lead")
    page.set_viewport_size({"width": 1600, "height": 900})
    page.goto(f"{asgi_server.url}/wall/")
    page.wait_for_selector("body[data-push-state=open]", timeout=5000)
    expect(page.locator("[data-figure=ringing]")).to_have_text("0")
    cti_event(
        actor=system, event="ringing", call_id="WALL-1", at=timezone.now(),
        caller="13812345678", extension="8001",
    )  # fmt: skip
    expect(page.locator("[data-figure=ringing]")).to_have_text("1", timeout=4000)
    expect(page.locator("[data-figure=calls]")).to_have_text("1")
    page.wait_for_selector("[data-chart][data-ready='1']")
    shot(page, "wall-board")
