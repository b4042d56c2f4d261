"""Shifts and the roster 排班 (R-7.6): the preset's shifts, the team lead puts people on a
shift for a run of days, and the lead's views show who is on shift now — a night shift that
started yesterday included."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.quality.models import RosterEntry
from kefu.quality.roster import on_shift, shifts_seed

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


@pytest.fixture
def shifts(db):
    shifts_seed()


def put(api, user, shift, start, end):
    return api.post("/quality/roster", {"user": user, "shift": shift, "start": start, "end": end})


def test_the_lead_sets_a_run_of_days_and_sees_who_is_on_shift(api_as, lead, agent, shifts):
    night = UserFactory(username="agent2", role=Role.AGENT, display_name="周晓东")
    r = put(api_as(lead), agent.username, "early", "2026-11-23", "2026-11-29")
    assert r.json() == {"days": 7}
    put(api_as(lead), "agent2", "late", "2026-11-23", "2026-11-23")
    at_nine = dt.datetime(2026, 11, 24, 9, tzinfo=TZ)
    assert on_shift(now=at_nine) == [
        {"shift": "早班", "seats": 10, "used": 1, "people": [agent.display_name]}
    ]
    after_midnight = dt.datetime(2026, 11, 23, 23, 30, tzinfo=TZ)
    assert on_shift(now=after_midnight)[0]["people"] == ["周晓东"]  # 16:00–24:00
    # a day off clears it; the history keeps who changed it
    put(api_as(lead), agent.username, "", "2026-11-24", "2026-11-24")
    assert on_shift(now=at_nine) == []
    assert RosterEntry.objects.filter(user=agent).count() == 6
    assert night.roster.get().history.first().history_user == lead


def test_the_roster_refuses_bad_input_naming_the_field(api, api_as, lead, agent, shifts):
    assert put(api, agent.username, "early", "2026-11-23", "2026-11-23").status_code == 403
    r = put(api_as(lead), "nobody", "dawn", "2026-11-30", "2027-03-01")
    assert {e["field"] for e in r.json()["errors"]} == {"user", "shift", "end"}
    r = api_as(lead).post("/quality/roster", {"user": agent.username, "start": "x", "end": "y"})
    assert {e["field"] for e in r.json()["errors"]} == {"start", "end"}


def test_the_team_view_and_the_roster_page_show_the_shift(client, lead, agent, shifts):
    from kefu.quality.roster import roster_set

    today = timezone.localdate()
    roster_set(actor=lead, data={"user": agent.username, "shift": "early",
                                 "start": today.isoformat(), "end": today.isoformat()})  # fmt: skip
    client.force_login(lead)
    page = client.get("/roster/").content.decode()
    assert agent.display_name in page and "早班" in page
    assert "在班" in client.get("/team/").content.decode()
    r = client.post("/roster/", {"user": agent.username, "shift": "middle", "start": "2026-12-01",
                                 "end": "2026-12-05"}, follow=True)  # fmt: skip
    assert "已排 5 天" in r.content.decode()


def test_roster_and_duty_dates_outside_the_years_kept_are_refused(api_as, lead, agent, shifts):
    """Dates 1900–2100 on both databases (the project's rule since issue 10)."""
    r = put(api_as(lead), agent.username, "early", "0001-01-01", "0001-01-02")
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} >= {"start"}
    r = api_as(lead).post("/quality/duty-logs", {"day": "1800-01-01", "shift": "early"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "day"
    r = api_as(lead).get("/quality/inspections", month="0001-01")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "month"


def test_a_shift_seats_at_most_its_seats_and_a_seat_is_one_persons(api_as, lead, agent):
    """R-7.6 合理安排座席: the lead is refused, naming the day, when a shift is full or a
    seat is taken; nothing of the run is written."""
    from kefu.quality.models import RosterEntry, Shift
    from kefu.quality.roster import shifts_seed

    shifts_seed()
    Shift.objects.filter(code="late").update(seats=1)
    other = UserFactory(username="agent9", role=Role.AGENT)
    put = {"shift": "early", "start": "2026-12-01", "end": "2026-12-03", "seat": "8012"}
    assert api_as(lead).post("/quality/roster", {**put, "user": "agent1"}).status_code == 200
    r = api_as(lead).post("/quality/roster", {**put, "user": "agent9"})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "seat_taken"
    assert "12-01" in r.json()["errors"][0]["message"]
    assert not RosterEntry.objects.filter(user=other).exists()
    late = {"shift": "late", "start": "2026-12-01", "end": "2026-12-01"}
    assert api_as(lead).post("/quality/roster", {**late, "user": "agent1"}).status_code == 200
    r = api_as(lead).post("/quality/roster", {**late, "user": "agent9"})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "seats_full"
