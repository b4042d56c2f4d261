"""Accessible (issue 11): axe-core (the npm package, installed by `make test` into
var/axe/) runs in Debian's Chromium on every console page of the demo center as each role;
no WCAG 2 A or AA violation."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from kefu.complaints.models import Complaint
from kefu.console.tests.pages import REPORT_PAGES, outbound_pages
from kefu.console.tests.test_browser import CHROMIUM, browser, chromium  # noqa: F401
from kefu.customers.models import Customer
from kefu.followups.models import FollowUp
from kefu.knowledge.models import Article, Course
from kefu.quality.models import Inspection
from kefu.reports.models import MonthlyReport
from kefu.tickets.models import WorkOrder

AXE = Path(
    os.environ.get("KEFU_AXE", settings.BASE_DIR / "var/axe/node_modules/axe-core/axe.min.js")
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (make test does)"),
]


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setenv("KEFU_DEMO_PASSWORD", "demo-pass-123")
    call_command("demo", "--customers", "30", stdout=open(os.devnull, "w"))


def pages() -> list[str]:
    customer = Customer.objects.order_by("id").first()
    phone = customer.phones.first().number
    urls = ["/", "/customers/?q=王", f"/customers/{customer.pk}/",
            f"/customers/{customer.pk}/edit/", "/customers/new/", f"/call/?phone={phone}",
            "/complaints/", "/work-orders/", "/reports/", "/notices/", "/approvals/", "/team/",
            "/quality/phrases/", "/quality/", "/handover/", "/roster/", "/duty/",
            "/search/?q=保养", "/import/"]  # fmt: skip
    urls += [f"/complaints/{pk}/" for pk in Complaint.objects.values_list("pk", flat=True)[:2]]
    urls += [
        f"/quality/inspections/{pk}/"
        for pk in Inspection.objects.order_by("-flagged", "id").values_list("pk", flat=True)[:2]
    ]  # the first a call with its transcript
    urls += ["/knowledge/", "/knowledge/?q=baoyang", "/training/", "/quality/week/"]
    urls += REPORT_PAGES + outbound_pages()
    urls += [
        f"/reports/monthly/{pk}/" for pk in MonthlyReport.objects.values_list("pk", flat=True)[:1]
    ]
    urls += [f"/training/courses/{pk}/" for pk in Course.objects.values_list("pk", flat=True)[:1]]
    urls += [f"/knowledge/{pk}/" for pk in Article.objects.order_by("status", "id")
             .values_list("pk", flat=True)[:2]]  # fmt: skip
    urls += [f"/work-orders/{pk}/" for pk in WorkOrder.objects.values_list("pk", flat=True)[:1]]
    urls += [f"/followups/{pk}/" for pk in FollowUp.objects.values_list("pk", flat=True)[:1]]
    return urls


def test_every_page_as_every_role_has_no_wcag_a_or_aa_violation(browser, live_server, demo):
    found = []
    for username in ("agent1", "lead", "manager", "handler"):
        context = browser.new_context(
            viewport={"width": 1366, "height": 768}, locale="zh-CN", bypass_csp=True
        )  # axe is injected as a script of the test, not of the page
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "demo-pass-123")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        for url in pages():
            response = page.goto(f"{live_server.url}{url}")
            if response.status != 200:
                continue
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(
                """async () => (await axe.run(document, {runOnly: ["wcag2a", "wcag2aa"]}))
                     .violations.map(v => [v.id, v.nodes.length, v.nodes[0].target.join(" ")])"""
            )
            found += [f"{username} {url}: {rule} ×{n} ({target})" for rule, n, target in violations]
        context.close()
    assert not found, "\n".join(found)
