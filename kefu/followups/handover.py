"""Follow-ups passed over at a shift change (交接班, R-7.3): which of an agent's follow-ups
are due and not done, and the one write that gives them to the incoming agent (audited)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet

from kefu.accounts.models import User
from kefu.core.audit import audit_as
from kefu.followups import choices as ch
from kefu.followups.models import FollowUp


def followups_due_of(*, user: User, day: dt.date) -> QuerySet[FollowUp]:
    """The user's pending follow-ups due by `day`, earliest first."""
    return (
        FollowUp.objects.filter(owner=user, status=ch.Status.PENDING, due_on__lte=day)
        .select_related("customer")
        .order_by("due_on", "id")
    )


@transaction.atomic
def followups_hand_over(*, actor: User, ids: list[int], giver: User, taker: User) -> int:
    """Give the still-pending follow-ups among `ids` that `giver` owns to `taker`."""
    moved = 0
    for followup in FollowUp.objects.select_for_update().filter(
        pk__in=ids, owner=giver, status=ch.Status.PENDING
    ):
        followup.owner = taker
        audit_as(followup, actor, reason=f"交接班 handover {giver.username} → {taker.username}")
        followup.save(update_fields=["owner"])
        moved += 1
    return moved


def followups_done_between(*, since: dt.datetime, until: dt.datetime) -> int:
    """Follow-ups recorded between `since` and `until` (proactive service in the duty log)."""
    return FollowUp.objects.filter(
        done_at__gte=since, done_at__lt=until, status=ch.Status.DONE
    ).count()
