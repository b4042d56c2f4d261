"""The console in a real Chromium (Debian's, never a downloaded one), against a live server:
the flows an agent, a team lead and a department handler go through. Screenshots of each
main page land in var/test-output/screenshots/ for a reviewer."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.models import Department
from kefu.accounts.tests.factories import UserFactory
from kefu.customers.tests.factories import make_customer, make_vehicle
from kefu.followups.events import event_record
from kefu.setup.services import preset_load
from kefu.tickets.models import WorkOrder

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(os.environ.get("KEFU_SCREENSHOTS", settings.VAR_DIR / "test-output" / "screenshots"))
PASSWORD = "browser-test-pass"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture(scope="module")
def chromium():
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def browser(chromium, transactional_db):
    """The module's Chromium; the pages a test opened are closed when it ends, before its
    database is emptied: an open page keeps calling the server (its push socket
    reconnects), and a request served during the flush locks the database."""
    yield chromium
    for context in chromium.contexts:
        context.close()


@pytest.fixture
def center(db):
    for code, name in (("cs", "客服部"), ("service", "售后服务部"), ("sales", "销售部")):
        Department.objects.create(code=code, name=name)
    preset_load(code="auto")
    users = {}
    for username, role, dept in (
        ("agent1", Role.AGENT, "cs"),
        ("lead", Role.TEAM_LEAD, "cs"),
        ("fixer", Role.HANDLER, "service"),
    ):
        user = UserFactory(
            username=username,
            role=role,
            department=Department.objects.get(code=dept),
            display_name={"agent1": "孙小美", "lead": "赵班长", "fixer": "冯工"}[username],
        )
        user.set_password(PASSWORD)
        user.save()
        users[username] = user
    customer = make_customer(users["agent1"], name="张三丰", phones=["13812345678"])
    car = make_vehicle(users["agent1"], customer, plate="京A88888")
    # A fixed delivery day: its 7DC falls on Monday 2026-03-09, a working day, so the call is
    # due (overdue, still in the runner) whatever day the suite runs — never moved by a
    # public holiday the way "now minus 7 days" is.
    delivered = dt.datetime(2026, 3, 2, 10, tzinfo=timezone.get_current_timezone())
    event_record(
        actor=users["agent1"],
        data={
            "type": "delivery",
            "customer_id": customer.pk,
            "asset_id": car.pk,
            "occurred_at": delivered.isoformat(),
        },
    )
    return users


def page_as(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_agent_finds_a_customer_by_initials_and_logs_a_complaint_call(browser, live_server, center):
    page = page_as(browser, live_server, "agent1")
    assert "工作台" in page.inner_text("h1")
    shot(page, "workbench")
    page.click("header nav >> text=客户")
    page.fill("#q", "zsf")
    page.wait_for_selector("#results li a")
    assert "张三丰" in page.inner_text("#results")
    assert "138****5678" in page.inner_text("#results")  # masked
    page.click("#results li a")
    page.wait_for_selector("text=时间线")
    assert "京A88888" in page.content()
    assert no_horizontal_scroll(page)
    shot(page, "customer")
    page.goto(f"{live_server.url}/call/?phone=13812345678")
    assert "张三丰" in page.inner_text("main")
    page.select_option("select[name=category]", "complaint")
    page.click("button[type=submit]")  # no content yet: the error sits by the field
    assert "请填写内容" in page.inner_text("form.form")
    page.select_option("select[name=category]", "complaint")
    page.fill("textarea[name=content]", "保养后发动机异响，顾问态度差")
    page.fill("textarea[name=demand]", "免费检修并道歉")
    page.click("button[type=submit]")
    page.wait_for_url("**/complaints/*/")
    assert "保养后发动机异响" in page.inner_text("main")
    assert page.inner_text(".stepper li.current") == "判断"
    shot(page, "call-to-complaint")


def test_a_complaint_runs_all_six_stages_with_the_right_people(browser, live_server, center):
    from kefu.complaints.services import complaint_create

    c = complaint_create(
        actor=center["agent1"],
        data={"complainant_name": "李四", "content": "新车交付缺备胎工具", "demand": "补齐"},
    )
    url = f"{live_server.url}/complaints/{c.pk}/"
    agent = page_as(browser, live_server, "agent1")
    agent.goto(url)
    offered = agent.eval_on_selector_all("form.action", "els => els.map(e => e.dataset.to)")
    assert offered == ["investigation", "closed"]  # no skipping to 方案
    form = agent.locator("form.action[data-to=investigation]")
    form.locator("button").click()  # required fields missing: shown by the fields
    shown = agent.inner_text("form.action[data-to=investigation]")
    assert "该步骤需要填写「责任部门」" in shown
    form = agent.locator("form.action[data-to=investigation]")
    form.locator("select[name=department]").select_option(label="售后服务部")  # a name, not a code
    form.locator("input[name=promised_days]").fill("3")
    form.locator("input[name=demand_reasonable]").check()
    form.locator("button").click()
    agent.wait_for_selector(".stepper li.current >> text=调查")
    # the responsible department investigates
    fixer = page_as(browser, live_server, "fixer")
    # … told in the inbox, and finds it on the workbench
    assert int(fixer.inner_text("#unread-count")) >= 1
    fixer.click(f"main a:has-text('{c.number}')")
    fixer.wait_for_url(url)
    form = fixer.locator("form.action[data-to=solution]")
    form.locator("textarea[name=root_cause]").fill("交车检查漏项")
    form.locator("input[name=responsible_person]").fill("销售顾问王五")
    form.locator("select[name=complaint_class]").select_option("delivery")
    form.locator("button").click()
    fixer.wait_for_selector(".stepper li.current >> text=方案")
    # the agent proposes; implementation is refused until a supervisor approves
    agent.goto(url)
    agent.fill("textarea[name=text]", "上门补齐工具并赠送保养")
    agent.fill("input[name=compensation_amount]", "200")
    agent.click("text=提出方案")
    agent.locator("form.action[data-to=implementation] button").click()
    assert "尚无经主管批准的方案" in agent.inner_text("main")
    assert agent.locator("button:has-text('批准')").count() == 0  # agents do not approve
    lead = page_as(browser, live_server, "lead")
    lead.goto(url)
    lead.click("button:has-text('批准')")
    lead.wait_for_selector(".proposal .tag >> text=已批准")  # the label, never the code
    agent.goto(url)
    agent.locator("form.action[data-to=implementation] button").click()
    agent.wait_for_selector(".stepper li.current >> text=实施")
    form = agent.locator("form.action[data-to=review]")
    form.locator("input[name=customer_accepted]").check()
    form.locator("textarea[name=acceptance]").fill("顾客电话确认接受")
    form.locator("button").click()
    agent.wait_for_selector(".stepper li.current >> text=总结")
    form = agent.locator("form.action[data-to=closed]")
    form.locator("textarea[name=evaluation]").fill("处理及时")
    form.locator("textarea[name=improvement]").fill("交车检查表增加工具包")
    form.locator("button").click()
    agent.wait_for_selector(".stepper li.current >> text=已结案")
    assert no_horizontal_scroll(agent)
    shot(agent, "complaint")


def test_a_7dc_follow_up_with_an_unsatisfied_answer_raises_a_work_order(
    browser, live_server, center
):
    page = page_as(browser, live_server, "agent1")
    page.click("text=开始回访")
    page.wait_for_selector("#answers")
    assert "张三丰" in page.inner_text(".say")
    shot(page, "followup")
    page.click("fieldset[data-question=sales] .score:has-text('5')")
    page.check("fieldset[data-question=delivery] input[value=no]")
    page.check("fieldset[data-question=explained] input[value=yes]")
    page.click("fieldset[data-question=overall] .score:has-text('8')")
    page.fill("textarea[name=note]", "交车时车内有灰尘")
    page.click("text=保存，下一位")
    page.wait_for_url(f"{live_server.url}/**")
    assert WorkOrder.objects.filter(source_followup__isnull=False).count() == 1
    page.goto(f"{live_server.url}/work-orders/")
    assert "回访不满意" in page.inner_text("table")
    shot(page, "work-orders")


def test_an_import_with_one_bad_row_reports_that_row(browser, live_server, center):
    page = page_as(browser, live_server, "lead")
    page.click("header nav >> text=导入")
    csv_text = "姓名,手机\n王小明,13900001111\n错号码,12345\n李小红,13900002222\n"
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "客户.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}],
    )
    page.click("button:has-text('检查')")
    page.wait_for_selector(".report")
    report = page.inner_text(".report")
    assert "1 处错误" in report and "3" in page.inner_text(".report td")
    assert page.locator("text=确认导入").count() == 0
    shot(page, "import")


def test_the_dashboard_draws_its_charts(browser, live_server, center):
    from kefu.complaints.services import complaint_create

    complaint_create(actor=center["agent1"], data={"complainant_name": "甲", "content": "乙"})
    page = page_as(browser, live_server, "lead")
    page.click("header nav >> text=报表")
    page.wait_for_selector("[data-chart=complaint_stages][data-ready='1'] svg")
    assert no_horizontal_scroll(page)
    shot(page, "reports")
    wide = browser.new_page(viewport={"width": 1920, "height": 1080})
    wide.context.add_cookies(page.context.cookies())
    wide.goto(f"{live_server.url}/reports/")
    assert no_horizontal_scroll(wide)


def test_the_runner_is_completed_with_the_keyboard_alone(browser, live_server, center):
    page = page_as(browser, live_server, "agent1")
    page.goto(f"{live_server.url}/followups/next/")
    page.wait_for_selector("#answers")
    assert page.locator("a:has-text('拨打')").get_attribute("href").endswith("/dial/")
    assert "京A88888" in page.inner_text(".runner-contact")
    keys = page.keyboard
    keys.press("5")  # the first question has the focus: 5 points, on to the next question
    keys.press("Enter")  # saving too early: refused, the 5 survives, the error is shown
    page.wait_for_selector("fieldset[data-question=delivery] .error")
    assert page.is_checked("fieldset[data-question=sales] input[value='5']")
    assert page.evaluate("document.activeElement.name") == "q_delivery"
    keys.press("ArrowDown")  # 交车时车辆是否干净 → the second option, 否
    keys.press("Tab")
    keys.press("Space")  # 是否讲解 → 是
    keys.press("Tab")
    keys.press("8")  # overall 8 of 10, on to the note
    keys.type("交车时车内有灰尘")
    keys.press("Tab")
    keys.press("Enter")
    page.wait_for_selector(".flash")
    flash = page.inner_text(".flash")
    assert "不满意项已转为" in flash and "GD" in flash  # the agent is told which work order
    order = WorkOrder.objects.get(source_followup__isnull=False)
    assert "否" in order.description and "：no" not in order.description  # words, not codes
