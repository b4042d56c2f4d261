"""No raw codes (issue 11): every page of the demo center, as each role, in Chinese, shows
choice values as their labels and people by their names — never `inbound_call`,
`repair_quality`, `proposed` or a login name."""

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db import models
from django.test import Client

from kefu.accounts.models import User
from kefu.complaints.models import Complaint
from kefu.console.tests.pages import REPORT_PAGES, outbound_pages
from kefu.customers.models import Customer
from kefu.followups.models import FollowUp
from kefu.knowledge.models import Article, Course
from kefu.quality.models import Inspection
from kefu.reports.models import MonthlyReport
from kefu.tickets.models import WorkOrder

pytestmark = pytest.mark.django_db


class Visible(HTMLParser):
    """The text a person sees: element text, not attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = Visible()
    parser.feed(html)
    return " ".join(parser.parts)


def known_codes() -> set[str]:
    """Every choice value of every app's choices, and every login name."""
    import importlib

    codes = set()
    for app in ("accounts", "customers", "interactions", "tickets", "complaints", "followups",
                "care", "outbound", "members", "activities"):  # fmt: skip
        module = importlib.import_module(f"kefu.{app}.choices")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, models.TextChoices):
                codes |= {v for v in value.values if re.fullmatch(r"[a-z][a-z0-9_]+", v)}
    codes |= set(User.objects.values_list("username", flat=True))
    return codes


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.setenv("KEFU_DEMO_PASSWORD", "demo-pass-123")
    call_command("demo", "--customers", "40", stdout=open("/dev/null", "w"))


def pages() -> list[str]:
    customer = Customer.objects.order_by("id").first()
    phone = customer.phones.first().number
    urls = ["/", "/customers/", "/customers/?q=王", f"/customers/{customer.pk}/",
            f"/customers/{customer.pk}/edit/", "/customers/new/", "/call/",
            f"/call/?phone={phone}", "/complaints/", "/complaints/?stage=", "/followups/next/",
            "/work-orders/", "/work-orders/?status=", "/reports/", "/notices/", "/approvals/",
            "/import/", "/team/", "/quality/phrases/", "/quality/", "/handover/", "/roster/",
            "/duty/",
            "/search/?q=保养",
            "/search/?q=保养&part=orders",
            "/search/?q=保养&part=contacts"]  # fmt: skip
    urls += [f"/complaints/{pk}/" for pk in Complaint.objects.values_list("pk", flat=True)[:8]]
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
    urls += [f"/work-orders/{pk}/" for pk in WorkOrder.objects.values_list("pk", flat=True)[:5]]
    urls += [f"/followups/{pk}/" for pk in FollowUp.objects.values_list("pk", flat=True)[:3]]
    return urls


def test_every_page_shows_labels_and_names_never_codes(demo):
    codes = known_codes()
    pattern = re.compile(
        r"(?<![A-Za-z0-9_.@/-])("
        + "|".join(sorted(codes, key=len, reverse=True))
        + r")(?![A-Za-z0-9_])"
    )
    found, checked = {}, {}
    for username in ("agent1", "lead", "manager", "handler", "qa", "gm"):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(User.objects.get(username=username))
        for url in pages():
            r = client.get(url)
            if r.status_code != 200:
                continue  # a page the role may not open says so (tested elsewhere)
            checked[username] = checked.get(username, 0) + 1
            for hit in set(pattern.findall(visible_text(r.content.decode()))):
                found.setdefault(hit, set()).add(f"{username} {url}")
    assert checked["agent1"] >= 20 and checked["manager"] >= 20 and checked["handler"] >= 10
    assert not found, "\n".join(f"{code}: {sorted(where)[:4]}" for code, where in found.items())
