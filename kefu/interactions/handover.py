"""Callbacks and messages passed over at a shift change (交接班, R-7.3): the one write that
moves open tasks from the outgoing agent to the incoming one, audited per task."""

from __future__ import annotations

from django.db import transaction

from kefu.accounts.models import User
from kefu.core.audit import audit_as
from kefu.interactions import choices as ch
from kefu.interactions.models import CallbackTask


@transaction.atomic
def tasks_hand_over(*, actor: User, task_ids: list[int], giver: User, taker: User) -> int:
    """Move the still-open tasks among `task_ids` that `giver` holds to `taker`; how many."""
    moved = 0
    for task in CallbackTask.objects.select_for_update().filter(
        pk__in=task_ids, assignee=giver, status=ch.TaskStatus.OPEN
    ):
        task.assignee = taker
        audit_as(task, actor, reason=f"交接班 handover {giver.username} → {taker.username}")
        task.save(update_fields=["assignee"])
        moved += 1
    return moved
