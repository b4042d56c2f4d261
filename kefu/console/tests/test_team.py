"""班组 (issue 11, R-2.7): the lead sees where each agent is and who is behind, most behind
first; agents have no such page."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kefu.accounts.services import agent_status_set
from kefu.customers.tests.factories import make_customer
from kefu.interactions.services import task_create

pytestmark = pytest.mark.django_db


def test_the_lead_sees_each_agents_status_and_who_is_behind_first(lead, agent, other_agent):
    agent_status_set(user=other_agent, status="available", by=other_agent)
    customer = make_customer(agent, name="王五", phones=["13900000001"])
    task_create(
        actor=agent,
        kind="callback",
        assignee=agent,
        due_at=timezone.now() - dt.timedelta(hours=2),  # promised and missed
        customer=customer,
    )
    web = Client()
    web.force_login(lead)
    page = web.get("/team/").content.decode()
    assert "空闲" in page and "离开" in page  # labels, not codes
    assert page.index(str(agent)) < page.index(str(other_agent))  # the late one first
    assert "1 / 3 人空闲" in page


def test_agents_have_no_team_page(agent):
    web = Client()
    web.force_login(agent)
    r = web.get("/team/")
    assert r.status_code == 403 and "只有班长及以上可查看班组" in r.content.decode()


def test_closing_a_complaint_says_which_follow_up_was_booked(agent, lead):
    from kefu.accounts.models import Department
    from kefu.complaints.services import complaint_create
    from kefu.setup.services import preset_load

    preset_load(code="auto")
    Department.objects.create(code="service", name="售后服务部")
    c = complaint_create(actor=agent, data={"complainant_name": "李四", "content": "态度差"})
    web = Client()
    web.force_login(lead)
    r = web.post(
        f"/complaints/{c.pk}/",
        {"action": "advance", "to": "closed", "version": c.version,
         "explanation": "经核实为误解，已向顾客解释"},
        follow=True,
    )  # fmt: skip
    page = r.content.decode()
    flash = page.split('class="flash success"', 1)[1].split("</p>", 1)[0]
    assert "已结案" in flash and "已预约" in flash, flash  # which follow-up


def test_an_unknown_callers_number_is_filled_into_the_new_customer_form(agent):
    web = Client()
    web.force_login(agent)
    page = web.get("/customers/new/", {"phone": "13912345678"}).content.decode()
    assert 'value="13912345678"' in page


def test_the_english_workbench_shows_an_english_date_and_marks_what_is_due_when(agent):
    from django.utils import formats, translation

    web = Client()
    web.force_login(agent)
    web.cookies["django_language"] = "en"
    heading = web.get("/").content.decode().split("<h1>")[1].split("</h1>")[0]
    with translation.override("en"):
        english = formats.date_format(timezone.localdate(), "F j, Y")  # e.g. November 24, 2026
    assert english in heading and "年" not in heading, heading
