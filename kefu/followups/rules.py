"""The pure parts of the follow-up engine (R-5.1, R-5.2): does a rule apply to an event, is
the customer in the sample, which days is the task due, when may the customer be called.
No database writes here; services.py does those."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from kefu.core.calendar import WorkCalendar
from kefu.customers.choices import Level
from kefu.followups.choices import DayKind

ALWAYS_FOLLOWED = (Level.MEMBER, Level.VIP)  # 100% of member customers


def _value(path: str, event, customer, asset):
    root, _, rest = path.partition(".")
    if root == "attributes":
        return (getattr(event, "attributes", None) or {}).get(rest)
    obj = {"customer": customer, "asset": asset, "event": event}.get(root)
    return getattr(obj, rest, None) if obj is not None else None


def _number(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _test(actual, op: str, expected) -> bool:
    if op == "in":
        return actual in expected
    if op == "ne":
        return actual != expected
    if op in ("gte", "lte"):
        a, b = _number(actual), _number(expected)
        if a is None or b is None:
            return False
        return a >= b if op == "gte" else a <= b
    return actual == expected


def matches(condition: list, *, event, customer, asset) -> bool:
    """Any alternative whose tests all hold; an empty condition always holds."""
    if not condition:
        return True
    for alternative in condition:
        ok = True
        for key, expected in alternative.items():
            path, _, op = key.partition("__")
            if not _test(_value(path, event, customer, asset), op, expected):
                ok = False
                break
        if ok:
            return True
    return False


def sampled(rule_code: str, item_id: int, percent: int, level: str) -> bool:
    """A stable sample: the same event is in or out on every rerun. Members and VIPs are
    always in (R-5.2)."""
    if percent >= 100 or level in ALWAYS_FOLLOWED:
        return True
    digest = hashlib.sha1(f"{rule_code}:{item_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def window(
    start: dt.date, *, offset: int, days: int, kind: str, calendar: WorkCalendar
) -> tuple[dt.date, dt.date]:
    """The due window `offset` days after `start`, `days` long, counted in calendar or
    working days. No call is due on a public holiday: a window starting on one moves to the
    next day that is not (R-5.2: moved, never dropped)."""
    if kind == DayKind.WORKING:
        due_on = calendar.add_workdays(start, offset) if offset else start
        due_by = calendar.add_workdays(due_on, max(days - 1, 0))
    else:
        due_on = start + dt.timedelta(days=offset)
        due_by = due_on + dt.timedelta(days=max(days - 1, 0))
    while calendar.is_public_holiday(due_on):
        due_on += dt.timedelta(days=1)
    while calendar.is_public_holiday(due_by) or due_by < due_on:
        due_by += dt.timedelta(days=1)
    return due_on, due_by


def parse_windows(spec: list) -> list[tuple[dt.time, dt.time]]:
    """`[["12:00", "14:00"], ["21:00", "08:00"]]` → time pairs; a pair may wrap midnight."""
    return [(dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in spec]


def _in_window(t: dt.time, start: dt.time, end: dt.time) -> bool:
    return start <= t < end if start <= end else (t >= start or t < end)


def quiet_window(when: dt.datetime, quiet: list[tuple[dt.time, dt.time]]):
    """The rest-time window `when` falls in (R-5.2), or None."""
    local = timezone.localtime(when).time().replace(tzinfo=None)
    return next((w for w in quiet if _in_window(local, *w)), None)


def callable_at(
    when: dt.datetime, *, quiet: list[tuple[dt.time, dt.time]], calendar: WorkCalendar
) -> dt.datetime:
    """The first moment at or after `when` outside the customer's rest time (do-not-disturb
    windows) and not on a public holiday (R-5.2)."""
    local = timezone.localtime(when)
    for _ in range(24 * 4 * 30):  # a month of quarter hours is more than enough
        if calendar.is_public_holiday(local.date()):
            local = local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
            continue
        blocking = [w for w in quiet if _in_window(local.time().replace(tzinfo=None), *w)]
        if not blocking:
            return local
        end = blocking[0][1]
        moved = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        local = moved if moved > local else moved + dt.timedelta(days=1)
    return local


def render(text: str, context: dict) -> str:
    """Fill {placeholders}; an unknown one stays visible as it is, never an error."""

    class Keep(dict):
        def __missing__(self, key):
            return "{" + key + "}"

    try:
        return text.format_map(Keep(context))
    except (ValueError, IndexError):
        return text
