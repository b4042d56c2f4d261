"""The team lead's duty log 值班日志 (R-7.3): one per shift and day, its counts filled in by
the system from what the center recorded in the shift's hours (consultations, repair
reports, complaints, praise, suggestions, outbound calls, follow-ups done, callbacks kept),
the problems the lead writes down, and the roll call 点名 of the people rostered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.core.audit import audit_as
from kefu.core.errors import FieldError, NotFound, ValidationFailed
from kefu.core.inputs import text_value, year_in_range
from kefu.followups.handover import followups_done_between
from kefu.interactions.selectors import shift_counts
from kefu.quality.models import DutyLog, RosterEntry, Shift
from kefu.quality.roster import shift_span

ROLL = ("on_time", "late", "absent")
ROLL_LABELS = {
    "on_time": ("到岗", "on time"),
    "late": ("迟到", "late"),
    "absent": ("缺勤", "absent"),
}


def _counts(shift: Shift, day: dt.date) -> dict[str, int]:
    since, until = shift_span(shift, day)
    counts = shift_counts(since=since, until=until)
    counts["followups_done"] = followups_done_between(since=since, until=until)
    return counts


def rostered(shift: Shift, day: dt.date) -> list[User]:
    """The people on this shift that day (the roll call's list)."""
    return [
        e.user
        for e in RosterEntry.objects.filter(day=day, shift=shift)
        .select_related("user")
        .order_by("user__display_name", "user__username")
    ]


@transaction.atomic
def duty_log_open(*, actor: User, day: dt.date, shift_code: str) -> DutyLog:
    """The duty log of a shift (made on first opening), its counts filled in again."""
    P.require(actor, P.MANAGE_TASKS)
    year_in_range(day.year, field="day", value=day)
    shift = Shift.objects.filter(code=shift_code).first()
    if shift is None:
        raise ValidationFailed(
            FieldError("shift", "unknown_shift", f"没有班次 {shift_code}", f"no shift {shift_code}")
        )
    log = DutyLog.objects.select_for_update().filter(day=day, shift=shift).first()
    if log is None:
        log = DutyLog(day=day, shift=shift, lead=actor)
    log.counts = _counts(shift, day)
    audit_as(log, actor)
    try:
        with transaction.atomic():
            log.save()
    except IntegrityError:  # opened at the same moment by another lead: theirs stands
        log = DutyLog.objects.get(day=day, shift=shift)
    return log


@transaction.atomic
def duty_log_update(*, actor: User, log_id: int, data: dict[str, Any]) -> DutyLog:
    """The lead writes the problems and calls the roll (each rostered person: on_time, late
    or absent)."""
    P.require(actor, P.MANAGE_TASKS)
    log = DutyLog.objects.select_for_update().filter(pk=log_id).first()
    if log is None:
        raise NotFound(f"duty log {log_id}")
    errors: list[FieldError] = []
    if "problems" in data:
        log.problems = text_value(data, "problems", 5000, errors)
    roll = data.get("roll_call") or {}
    if not isinstance(roll, dict):
        errors.append(FieldError("roll_call", "invalid", "点名应为 {用户名: 状态}",
                                 "roll_call is {username: status}"))  # fmt: skip
        roll = {}
    names = {u.username for u in rostered(log.shift, log.day)}
    for username, status in roll.items():
        if username not in names:
            errors.append(FieldError(f"roll_call.{username}", "not_rostered",
                                     f"{username} 不在本班排班中",
                                     f"{username} is not on this shift"))  # fmt: skip
        elif status not in ROLL:
            errors.append(FieldError(f"roll_call.{username}", "invalid_status",
                                     "点名状态为 on_time、late、absent",
                                     "status is on_time, late or absent"))  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    log.roll_call = {**log.roll_call, **roll}
    log.lead = actor
    audit_as(log, actor)
    log.save()
    return log


def duty_log_view(*, user: User, day: dt.date, shift_code: str) -> dict[str, Any]:
    """The duty log as the lead sees it before saving: the stored one, or the counts so far;
    the people to call the roll for with their status."""
    P.require(user, P.MANAGE_TASKS)
    shift = Shift.objects.filter(code=shift_code).first() or Shift.objects.first()
    if shift is None:
        raise NotFound("shift")
    log = DutyLog.objects.filter(day=day, shift=shift).select_related("lead").first()
    roll = log.roll_call if log else {}
    return {
        "id": log.pk if log else None,
        "day": day,
        "shift": shift.code,
        "shift_name": shift.name,
        "counts": _counts(shift, day),
        "problems": log.problems if log else "",
        "lead_name": (log.lead.display_name or log.lead.username) if log else "",
        "roll": [
            {
                "username": u.username,
                "name": u.display_name or u.username,
                "status": roll.get(u.username, ""),
            }
            for u in rostered(shift, day)
        ],
    }
