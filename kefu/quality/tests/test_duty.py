"""The team lead's duty log 值班日志 (R-7.3): one per shift and day, the counts filled in from
what was recorded in the shift's hours, the problems, and the roll call of the people
rostered — refused for anyone not on the shift."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.interactions.models import Interaction
from kefu.quality.models import DutyLog
from kefu.quality.roster import roster_set, shifts_seed

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()
DAY = dt.date(2026, 11, 23)


@pytest.fixture
def shift_day(lead, agent):
    shifts_seed()
    roster_set(actor=lead, data={"user": agent.username, "shift": "early",
                                 "start": DAY.isoformat(), "end": DAY.isoformat()})  # fmt: skip
    for hour, category in (
        (9, "consultation"),
        (10, "consultation"),
        (11, "complaint"),
        (17, "consultation"),
    ):  # 17:00 is after the early shift
        Interaction.objects.create(
            channel="inbound_call", category=category, agent=agent, content="x",
            occurred_at=dt.datetime.combine(DAY, dt.time(hour), tzinfo=TZ),
        )  # fmt: skip


def test_the_duty_log_counts_the_shift_and_calls_the_roll(api_as, lead, agent, shift_day):
    r = api_as(lead).post("/quality/duty-logs", {"day": DAY.isoformat(), "shift": "early"})
    log = r.json()
    assert log["counts"]["category_consultation"] == 2 and log["counts"]["category_complaint"] == 1
    notes = {"problems": "9 点线路故障 10 分钟", "roll_call": {agent.username: "late"}}
    r = api_as(lead).patch(f"/quality/duty-logs/{log['id']}", notes)
    assert r.json()["roll_call"] == {agent.username: "late"}
    r = api_as(lead).patch(f"/quality/duty-logs/{log['id']}", {"roll_call": {"ghost": "late"}})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "roll_call.ghost"
    r = api_as(lead).patch(f"/quality/duty-logs/{log['id']}",
                           {"roll_call": {agent.username: "asleep"}})  # fmt: skip
    assert r.status_code == 422
    again = api_as(lead).post("/quality/duty-logs", {"day": DAY.isoformat(), "shift": "early"})
    assert again.json()["id"] == log["id"] and again.json()["problems"].startswith("9 点")
    assert DutyLog.objects.get().history.count() >= 2  # audited


def test_only_leads_keep_the_log_and_the_console_saves_it(api, client, lead, agent, shift_day):
    assert (
        api.post("/quality/duty-logs", {"day": DAY.isoformat(), "shift": "early"}).status_code
        == 403
    )
    client.force_login(lead)
    page = client.get("/duty/", {"day": DAY.isoformat(), "shift": "early"}).content.decode()
    assert "咨询" in page and agent.display_name in page
    r = client.post("/duty/", {"day": DAY.isoformat(), "shift": "early", "problems": "无",
                               f"roll_{agent.username}": "on_time"}, follow=True)  # fmt: skip
    assert "值班日志已保存" in r.content.decode()
    assert DutyLog.objects.get().roll_call == {agent.username: "on_time"}
