"""Report periods (R-8.1): a date range — today, yesterday, this or last week, this or last
month, or custom dates — and its buckets by day, ISO week or month. Days are the center's
local days; a range is [start, end)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kefu.core.errors import FieldError, ValidationFailed
from kefu.core.inputs import date_value

PRESETS = {
    "today": ("今天", "today"),
    "yesterday": ("昨天", "yesterday"),
    "this_week": ("本周", "this week"),
    "last_week": ("上周", "last week"),
    "this_month": ("本月", "this month"),
    "last_month": ("上月", "last month"),
    "this_year": ("今年", "this year"),
    "custom": ("自定义", "custom"),
}
GROUPS = {"day": ("按日", "by day"), "week": ("按周", "by week"), "month": ("按月", "by month")}
MAX_DAYS = 3 * 366  # a custom range of at most three years
MAX_BUCKETS = 400


@dataclass(frozen=True)
class Range:
    start: dt.date
    end: dt.date  # exclusive

    @property
    def last(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def label(self) -> str:
        return f"{self.start:%Y-%m-%d}–{self.last:%Y-%m-%d}" if self.last != self.start \
            else f"{self.start:%Y-%m-%d}"  # fmt: skip

    def stamp(self) -> str:
        """The period in a file name: 20261101-20261130."""
        return f"{self.start:%Y%m%d}-{self.last:%Y%m%d}"


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _date(value: str, field: str) -> dt.date:
    errors: list[FieldError] = []
    day = date_value(value or "", field, errors)
    if day is None:
        raise ValidationFailed(errors or FieldError(field, "required", f"请填写 {field}",
                                                    f"{field} is required"))  # fmt: skip
    return day


def range_of(preset: str = "this_month", since: str = "", until: str = "",
             today: dt.date | None = None) -> Range:  # fmt: skip
    """The range a report covers: a preset, or custom `since`–`until` (both days included,
    at most three years)."""
    today = today or timezone.localdate()
    preset = preset or "this_month"
    if preset not in PRESETS:
        raise ValidationFailed(FieldError("range", "invalid_range",
                                          f"range 应为 {'、'.join(PRESETS)}",
                                          f"range is one of {', '.join(PRESETS)}"))  # fmt: skip
    monday = today - dt.timedelta(days=today.weekday())
    if preset == "today":
        return Range(today, today + dt.timedelta(days=1))
    if preset == "yesterday":
        return Range(today - dt.timedelta(days=1), today)
    if preset == "this_week":
        return Range(monday, monday + dt.timedelta(days=7))
    if preset == "last_week":
        return Range(monday - dt.timedelta(days=7), monday)
    if preset == "this_month":
        return Range(_month_start(today), _month_start(today, -1))
    if preset == "last_month":
        return Range(_month_start(today, 1), _month_start(today))
    if preset == "this_year":
        return Range(dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1))
    start, last = _date(since, "since"), _date(until, "until")
    if last < start:
        raise ValidationFailed(FieldError("until", "before_since", "结束日期早于开始日期",
                                          "until is before since"))  # fmt: skip
    if (last - start).days >= MAX_DAYS:
        raise ValidationFailed(FieldError("until", "too_long", "自定义区间最长三年",
                                          "a custom range is at most three years"))  # fmt: skip
    return Range(start, last + dt.timedelta(days=1))


def bucket_of(day: dt.date, group: str) -> dt.date:
    """The first day of `day`'s bucket."""
    if group == "week":
        return day - dt.timedelta(days=day.weekday())
    if group == "month":
        return day.replace(day=1)
    return day


def bucket_label(start: dt.date, group: str) -> str:
    if group == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if group == "month":
        return f"{start:%Y-%m}"
    return f"{start:%Y-%m-%d}"


def buckets(r: Range, group: str) -> list[dt.date]:
    """The buckets' first days covering the range, in order."""
    if group not in GROUPS:
        raise ValidationFailed(FieldError("group", "invalid_group", "group 应为 day、week、month",
                                          "group is day, week or month"))  # fmt: skip
    out: list[dt.date] = []
    day = r.start
    while day < r.end:
        first = bucket_of(day, group)
        if not out or out[-1] != first:
            out.append(first)
        # on to the next bucket's first day (not the same weekday a week on: a range from a
        # Wednesday to the next Tuesday has two weeks)
        if group == "month":
            day = _month_start(first, -1)
        else:
            day = first + dt.timedelta(days=1 if group == "day" else 7)
        if len(out) > MAX_BUCKETS:
            raise ValidationFailed(
                FieldError("group", "too_many", "分组过多，请按周或按月",
                           "too many periods: group by week or month")
            )  # fmt: skip
    return out
