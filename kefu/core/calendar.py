"""Working days of mainland China (R-0.6): imported days, then chinesecalendar, then weekends."""

from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache

import chinese_calendar

logger = logging.getLogger("kefu.calendar")

SOURCE_IMPORTED = "imported"
SOURCE_BUILTIN = "builtin"
SOURCE_FALLBACK = "weekends-only"


def _overrides(year: int) -> dict[dt.date, bool]:
    from kefu.core.models import HolidayDay

    return dict(HolidayDay.objects.filter(date__year=year).values_list("date", "is_workday"))


@lru_cache(maxsize=64)
def _builtin_known(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def year_source(year: int) -> str:
    """Where the working days of `year` come from; `weekends-only` deserves a warning."""
    from kefu.core.models import HolidayDay

    if HolidayDay.objects.filter(date__year=year).exists():
        return SOURCE_IMPORTED
    if _builtin_known(year):
        return SOURCE_BUILTIN
    return SOURCE_FALLBACK


def coverage_warnings(today: dt.date) -> list[str]:
    """Warnings for this year and next when their holidays are unknown (shown by the admin
    and by `kefu serve`), so a center imports the calendar before deadlines go wrong."""
    out = []
    for year in (today.year, today.year + 1):
        if year_source(year) == SOURCE_FALLBACK:
            out.append(
                f"{year} 年节假日数据缺失：工作日按周末计算，请导入节假日（kefu holidays import）。"
                f" / No holiday data for {year}: working days count weekends only; import"
                " the holiday calendar."
            )
    return out


_WARNED: set[int] = set()


class WorkCalendar:
    """A working-day calendar; build one per job (it caches per year, reads the DB once a year)."""

    def __init__(self) -> None:
        self._years: dict[int, dict[dt.date, bool]] = {}
        self.warnings: list[str] = []

    def _year(self, year: int) -> dict[dt.date, bool]:
        if year not in self._years:
            self._years[year] = _overrides(year)
            if not self._years[year] and not _builtin_known(year):
                msg = (
                    f"{year} 年节假日数据缺失，工作日暂按周末计算；请在国务院公布放假安排后用 "
                    f"kefu holidays import 导入（CSV：日期,是否调休上班,名称）"
                    f" / No holiday data for {year}: weekends only until you import the "
                    f"State Council's calendar with `kefu holidays import FILE.csv`"
                )
                if year not in _WARNED:  # once per process, not once per calendar built
                    _WARNED.add(year)
                    logger.warning(msg)
                self.warnings.append(msg)
        return self._years[year]

    def is_workday(self, day: dt.date) -> bool:
        overrides = self._year(day.year)
        if day in overrides:
            return overrides[day]
        # Imported days override the package; a day neither lists follows the weekend rule.
        if _builtin_known(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def is_public_holiday(self, day: dt.date) -> bool:
        """A statutory holiday (春节, 国庆 …), not an ordinary weekend: no follow-up calls
        then (R-5.2), only greetings."""
        overrides = self._year(day.year)
        if day in overrides:
            return not overrides[day]
        if _builtin_known(day.year):
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            return bool(on_holiday and name)
        return False

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (start itself not counted)."""
        day, step, left = start, (1 if days >= 0 else -1), abs(days)
        while left:
            day += dt.timedelta(days=step)
            if self.is_workday(day):
                left -= 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count


def add_working_minutes(
    start: dt.datetime,
    minutes: int,
    *,
    day_start: dt.time,
    day_end: dt.time,
    calendar: WorkCalendar | None = None,
) -> dt.datetime:
    """`start` plus `minutes` of working time: only working days (R-0.6) between
    `day_start` and `day_end` count. `start` is aware; the result is in its time zone."""
    calendar = calendar or WorkCalendar()
    tz = start.tzinfo
    current, left = start, dt.timedelta(minutes=minutes)
    while True:
        day = current.date()
        opens = dt.datetime.combine(day, day_start, tzinfo=tz)
        closes = dt.datetime.combine(day, day_end, tzinfo=tz)
        if calendar.is_workday(day) and current < closes:
            current = max(current, opens)
            if current + left <= closes:
                return current + left
            left -= closes - current
        current = dt.datetime.combine(day + dt.timedelta(days=1), day_start, tzinfo=tz)
