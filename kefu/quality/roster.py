"""Shifts and the roster 排班 (R-7.6): the center's shifts (data, the preset loads 早班, 中班
and 晚班), the team lead sets who works which shift on which days, and everyone sees who is
on shift now (a night shift that started yesterday included)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.selectors import active_user
from kefu.core.audit import audit_as
from kefu.core.errors import FieldError, PermissionDenied, ValidationFailed
from kefu.core.inputs import date_value
from kefu.followups.selectors import period_bounds
from kefu.quality.models import RosterEntry, Shift

MAX_DAYS = 62  # one request sets at most two months of one person's roster

DEFAULT_SHIFTS = [
    ("early", "早班", dt.time(8), dt.time(16), 10),
    ("middle", "中班", dt.time(12), dt.time(20), 10),
    ("late", "晚班", dt.time(16), dt.time(0), 6),
]


def shifts_seed() -> int:
    """The default shifts, when the center has none (a preset's load)."""
    if Shift.objects.exists():
        return 0
    for code, name, starts, ends, seats in DEFAULT_SHIFTS:
        Shift.objects.create(code=code, name=name, starts=starts, ends=ends, seats=seats)
    return len(DEFAULT_SHIFTS)


def _day(value: Any, field: str, errors: list[FieldError]) -> dt.date | None:
    day = date_value(value, field, errors)
    if day is None and not any(e.field == field for e in errors):
        errors.append(FieldError(field, "required", f"请填写 {field}", f"{field} is required"))
    return day


@transaction.atomic
def roster_set(*, actor: User, data: dict[str, Any]) -> int:
    """Put `user` on `shift` (a code; empty: off) from `start` to `end` (inclusive, at most
    MAX_DAYS); team leads and above. Returns the days written."""
    P.require(actor, P.MANAGE_TASKS)
    errors: list[FieldError] = []
    try:
        user = active_user(data.get("user"), field="user")
    except ValidationFailed as exc:
        errors.extend(exc.errors)
        user = None
    if user is None and not errors:
        errors.append(FieldError("user", "required", "请选择坐席", "name the person"))
    start, end = _day(data.get("start"), "start", errors), _day(data.get("end"), "end", errors)
    code = str(data.get("shift") or "")
    shift = Shift.objects.filter(code=code).first() if code else None
    if code and shift is None:
        errors.append(FieldError("shift", "unknown_shift", f"没有班次 {code}", f"no shift {code}"))
    seat = str(data.get("seat") or "").strip()
    if len(seat) > 16 or (seat and not seat.replace("-", "").isalnum()):
        errors.append(FieldError("seat", "invalid_seat", "座席·分机号最多 16 位字母或数字",
                                 "seat is at most 16 letters or digits"))  # fmt: skip
    if start and end and not 0 <= (end - start).days < MAX_DAYS:
        errors.append(FieldError("end", "out_of_range", f"结束日期须在开始后 {MAX_DAYS} 天内",
                                 f"end is within {MAX_DAYS} days after start"))  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    if user is None or start is None or end is None:  # reported above; for the type checker
        raise ValidationFailed(errors)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    for day in days:
        entry = RosterEntry.objects.select_for_update().filter(user=user, day=day).first()
        if shift is None:
            if entry is not None:
                audit_as(entry, actor)
                entry.delete()
            continue
        entry = entry or RosterEntry(user=user, day=day)
        entry.shift, entry.seat = shift, seat
        _seats_left(entry, errors)
        audit_as(entry, actor)
        entry.save()
    if errors:  # the transaction rolls back every day written
        raise ValidationFailed(errors[:10])
    return len(days)


def _seats_left(entry: RosterEntry, errors: list[FieldError]) -> None:
    """A shift seats at most `seats` people a day (合理安排座席, R-7.6), and a seat is one
    person's in a shift: a day that breaks either is named."""
    others = RosterEntry.objects.filter(day=entry.day, shift=entry.shift).exclude(
        user_id=entry.user_id
    )
    shift = entry.shift
    if shift.seats and others.count() >= shift.seats:
        errors.append(FieldError("shift", "seats_full",
                                 f"{entry.day:%m-%d} {shift.name}的 {shift.seats} 个座席已排满",
                                 f"{entry.day:%m-%d}: all {shift.seats} seats of {shift.code} "
                                 "are taken"))  # fmt: skip
    if entry.seat:
        holder = others.filter(seat=entry.seat).select_related("user").first()
        if holder is not None:
            who = holder.user.display_name or holder.user.username
            day = f"{entry.day:%m-%d}"
            errors.append(FieldError("seat", "seat_taken",
                                     f"{day} {shift.name}的座席 {entry.seat} 已排给{who}",
                                     f"{entry.day:%m-%d}: seat {entry.seat} of {shift.code} is "
                                     f"{holder.user.username}'s"))  # fmt: skip


def shift_span(shift: Shift, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, shift.starts, tzinfo=tz)
    end_day = day + dt.timedelta(days=1) if shift.ends <= shift.starts else day
    return start, dt.datetime.combine(end_day, shift.ends, tzinfo=tz)


def on_shift(*, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Who is on shift at `now`, by shift: each shift's people and seats."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    out = []
    entries = RosterEntry.objects.filter(day__in=[today - dt.timedelta(days=1), today])
    by_shift: dict[int, list[str]] = {}
    for e in entries.select_related("user", "shift").order_by("user__display_name"):
        start, end = shift_span(e.shift, e.day)
        if start <= now < end:
            name = e.user.display_name or e.user.username
            by_shift.setdefault(e.shift_id, []).append(f"{name}（{e.seat}）" if e.seat else name)
    for shift in Shift.objects.all():
        if shift.pk in by_shift:
            out.append({"shift": shift.name, "seats": shift.seats, "people": by_shift[shift.pk],
                        "used": len(by_shift[shift.pk])})  # fmt: skip
    return out


def roster_month(*, user: User, month: dt.date) -> dict[str, Any]:
    """The month's roster as a grid: days, and for each person their shift name per day."""
    if not P.has_perm(user, P.VIEW_INTERACTIONS):
        raise PermissionDenied()
    month, following = period_bounds("month", month)
    days = [month + dt.timedelta(days=i) for i in range((following - month).days)]
    rows: dict[int, dict[str, Any]] = {}
    for e in (
        RosterEntry.objects.filter(day__gte=month, day__lt=following)
        .select_related("user", "shift")
        .order_by("user__display_name", "user__username")
    ):
        row = rows.setdefault(
            e.user_id, {"name": e.user.display_name or e.user.username, "cells": {}}
        )
        row["cells"][e.day] = f"{e.shift.name} {e.seat}".strip()
    return {
        "days": days,
        "rows": [
            {"name": r["name"], "cells": [r["cells"].get(d, "") for d in days]}
            for r in rows.values()
        ],
    }


def shift_choices() -> list[tuple[str, str]]:
    """(code, name and times) of the center's shifts, for the console's picker."""
    return [(s.code, str(s)) for s in Shift.objects.all()]
