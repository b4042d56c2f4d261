"""R-0.6: working days of mainland China, 调休 included; unknown years fall back visibly."""

import datetime as dt

import pytest

from kefu.core.calendar import (
    SOURCE_BUILTIN,
    SOURCE_FALLBACK,
    SOURCE_IMPORTED,
    WorkCalendar,
    coverage_warnings,
    year_source,
)
from kefu.core.errors import ValidationFailed
from kefu.core.services import holidays_import

pytestmark = pytest.mark.django_db


def test_national_day_is_not_a_working_day():
    assert not WorkCalendar().is_workday(dt.date(2026, 10, 1))


def test_tiaoxiu_saturday_is_a_working_day():
    # 2026-10-10 is a Saturday worked in exchange for the National Day week (调休).
    assert dt.date(2026, 10, 10).weekday() == 5
    assert WorkCalendar().is_workday(dt.date(2026, 10, 10))


def test_two_working_days_after_delivery_skip_spring_festival():
    # Delivered on the eve of the 2026 Spring Festival holiday (Feb 15–23).
    cal = WorkCalendar()
    due = cal.add_workdays(dt.date(2026, 2, 13), 2)
    assert due > dt.date(2026, 2, 23)
    assert cal.workdays_between(dt.date(2026, 2, 13), due) == 2


def test_unknown_year_falls_back_to_weekends_with_a_warning():
    cal = WorkCalendar()
    assert cal.is_workday(dt.date(2027, 10, 1))  # a Friday; no holiday data for 2027
    assert not cal.is_workday(dt.date(2027, 10, 2))  # Saturday
    assert cal.warnings and "2027" in cal.warnings[0]
    assert year_source(2027) == SOURCE_FALLBACK


def test_imported_holidays_cover_a_later_year():
    holidays_import(text="date,is_workday,name\n2027-10-01,0,国庆节\n2027-09-26,1,国庆调休\n")
    cal = WorkCalendar()
    assert not cal.is_workday(dt.date(2027, 10, 1))
    assert cal.is_workday(dt.date(2027, 9, 26))  # a Sunday worked
    assert not cal.warnings
    assert year_source(2027) == SOURCE_IMPORTED
    assert year_source(2026) == SOURCE_BUILTIN


def test_imported_day_overrides_the_package():
    holidays_import(text="2026-11-23,休,公司周年庆\n")
    assert not WorkCalendar().is_workday(dt.date(2026, 11, 23))


def test_bad_holiday_file_names_the_line_and_writes_nothing():
    with pytest.raises(ValidationFailed) as exc:
        holidays_import(text="2027-01-01,0,元旦\n2027-13-01,0,坏日期\n")
    assert exc.value.errors[0].field.startswith("line 2")
    assert year_source(2027) == SOURCE_FALLBACK


def test_missing_next_year_is_warned_about_until_imported():
    assert any("2027" in w for w in coverage_warnings(dt.date(2026, 11, 22)))
    holidays_import(text="2027-01-01,休,元旦\n")
    assert coverage_warnings(dt.date(2026, 11, 22)) == []


def test_admin_holiday_page_shows_the_warning(client):
    from kefu.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get("/admin/core/holidayday/").content.decode()
    assert "No holiday data for" in page


def test_a_missing_year_is_warned_about_once_with_what_to_do(caplog):
    import datetime as dt

    from kefu.core import calendar as cal

    cal._WARNED.discard(2031)
    for _ in range(3):
        c = cal.WorkCalendar()
        c.is_workday(dt.date(2031, 5, 6))
        assert c.warnings  # each calendar still knows, for its own report
    logged = [r.getMessage() for r in caplog.records if "2031" in r.getMessage()]
    assert len(logged) == 1 and "kefu holidays import" in logged[0]
