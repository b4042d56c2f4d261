"""Reads on follow-ups: an agent's own list, or everyone's for team leads."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.core.errors import NotFound, PermissionDenied
from kefu.followups.models import FollowUp


def followups(
    *, user: User, everyone: bool = False, status: str = "", due_by: dt.datetime | None = None
) -> QuerySet:
    """Follow-ups by window, earliest first; `due_by`: those whose window has opened."""
    if not P.has_perm(user, P.VIEW_INTERACTIONS):
        raise PermissionDenied()
    if everyone and not P.has_perm(user, P.MANAGE_TASKS):
        raise PermissionDenied(
            "只有班长及以上可查看全部回访", "Only team leads and above see everyone's"
        )
    qs = FollowUp.objects.select_related("customer", "complaint", "owner").order_by(
        "window_start", "id"
    )
    if not everyone:
        qs = qs.filter(owner=user)
    if status:
        qs = qs.filter(status=status)
    if due_by:
        qs = qs.filter(window_start__lte=due_by)
    return qs


def followup_get(*, user: User, followup_id: int) -> FollowUp:
    everyone = P.has_perm(user, P.MANAGE_TASKS)
    found = followups(user=user, everyone=everyone).filter(pk=followup_id).first()
    if found is None:
        raise NotFound(f"follow-up {followup_id}")
    return found


def overdue(followup: FollowUp, now: dt.datetime | None = None) -> bool:
    return followup.status == "pending" and followup.window_end < (now or timezone.now())
