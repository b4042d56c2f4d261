"""Issue 13 in Debian's Chromium: the team lead opens the workload report, picks a custom
range grouped by week, sees the table and the chart, and downloads the XLSX — opened with
openpyxl, a sheet per table, the period in its name (R-8.1)."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kefu.console.tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    browser,
    center,
    chromium,
    page_as,
    shot,
)
from kefu.interactions.models import Interaction
from kefu.reports.aggregate import days_rebuild

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


def test_a_custom_range_by_week_and_its_xlsx(browser, live_server, center):
    tz = timezone.get_current_timezone()
    for n, day in enumerate((dt.date(2026, 11, 3), dt.date(2026, 11, 4), dt.date(2026, 11, 12))):
        Interaction.objects.create(
            agent=center["agent1"], channel="inbound_call", category="consultation",
            content=f"咨询{n}", occurred_at=dt.datetime.combine(day, dt.time(10), tzinfo=tz),
        )  # fmt: skip
    days_rebuild(dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    page = page_as(browser, live_server, "lead")
    page.goto(f"{live_server.url}/reports/")
    page.click("nav.tabs >> text=工作量")
    page.select_option("select[name=range]", "custom")
    page.fill("input[name=since]", "2026-11-01")
    page.fill("input[name=until]", "2026-11-30")
    page.select_option("select[name=group]", "week")
    page.click("button:has-text('查看')")
    page.wait_for_selector("[data-chart][data-ready='1']")
    assert "2026-11-01–2026-11-30" in page.inner_text("h1")
    table = page.inner_text("section.card >> nth=0")
    assert "孙小美" in table and "3" in table
    assert "2026-W45" in page.inner_text("section.card >> nth=1")
    shot(page, "report-workload")
    with page.expect_download() as info:
        page.click("a:has-text('导出 XLSX')")
    download = info.value
    assert download.suggested_filename == "workload-20261101-20261130.xlsx"
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert len(book.sheetnames) == 2
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][:2] == ("孙小美", 3)


def test_the_leads_dashboard_and_a_churn_list(browser, live_server, center):
    """R-8.4 and R-8.2: the lead's dashboard opens on today's figures against yesterday's;
    the churn list of customers gone six months turns into win-back calls."""
    from kefu.followups.models import FollowUp, LifecycleEvent
    from kefu.reports.analysis import snapshot, standings_rebuild

    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    for n in range(3):
        at = dt.datetime.combine(today, dt.time(8, n), tzinfo=tz)
        Interaction.objects.create(agent=center["agent1"], channel="inbound_call",
                                   category="consultation", content=f"咨询{n}",
                                   occurred_at=at, ring_at=at,
                                   answered_at=at + dt.timedelta(seconds=4))  # fmt: skip
    days_rebuild(today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    from kefu.customers.models import Customer

    customer = Customer.objects.get(name="张三丰")
    LifecycleEvent.objects.create(
        type="repair_handed_back",
        customer=customer,
        key="old-visit",
        occurred_at=dt.datetime(2025, 12, 1, 10, tzinfo=tz),
    )
    standings_rebuild()
    snapshot()
    page = page_as(browser, live_server, "lead")
    page.goto(f"{live_server.url}/reports/")
    tile = page.locator("[data-figure=calls_in]")
    assert "3" in tile.inner_text() and "昨日" in tile.inner_text()
    shot(page, "dashboard-lead")
    page.click("nav.tabs >> text=流失客户")
    page.click("nav.tabs >> text=6 个月未回厂")
    assert "张三丰" in page.inner_text("table.figures")
    page.fill("input[name=limit]", "10")
    page.click("button:has-text('生成挽回回访')")
    assert "已生成挽回回访 1 个" in page.inner_text(".flash")
    assert "待回访" in page.inner_text("table.figures")
    shot(page, "churn-list")
    assert FollowUp.objects.filter(customer=customer, family="挽回").count() == 1
