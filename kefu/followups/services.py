"""Writes on follow-ups (R-5): recording the call's result. An unsatisfied answer on a
closed complaint reopens it (R-4.2)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.complaints.services import complaint_followup_result
from kefu.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from kefu.core.inputs import choice_error, text_value
from kefu.followups import choices as ch
from kefu.followups.models import FollowUp
from kefu.tickets.choices import Status as TicketStatus
from kefu.tickets.services import work_order_transition


@transaction.atomic
def followup_complete(*, actor: User, followup: FollowUp, data: dict) -> FollowUp:
    """Record the follow-up call: `result` satisfied / neutral / unsatisfied and the notes.
    The owner or a team lead records it, once."""
    require(actor, P.LOG_INTERACTIONS)
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.owner_id not in (None, actor.id) and not P.has_perm(actor, P.MANAGE_TASKS):
        raise PermissionDenied("这不是您的回访任务", "This follow-up is someone else's")
    if followup.status != ch.Status.PENDING:
        raise Conflict(
            FieldError(
                "status",
                "already_done",
                "该回访已记录结果",
                "This follow-up already has its result",
            )
        )
    errors: list[FieldError] = []
    result = data.get("result")
    if result not in ch.Result.values:
        errors.append(choice_error("result", result, ch.Result.values))
    note = text_value(data, "note", 5000, errors)
    if result == ch.Result.UNSATISFIED and not note:
        errors.append(
            FieldError(
                "note",
                "required",
                "顾客不满意时请记录原因",
                "say why the customer is not satisfied",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    followup.status, followup.result, followup.note = ch.Status.DONE, result, note
    followup.done_at, followup.done_by = timezone.now(), actor
    followup._history_user = actor
    followup.save()
    if followup.work_order_id:
        # satisfied verifies the department's work; unsatisfied sends it back.
        order = followup.work_order
        if order.status == TicketStatus.DONE:
            work_order_transition(
                actor=actor,
                order=order,
                to=TicketStatus.REOPENED
                if result == ch.Result.UNSATISFIED
                else TicketStatus.VERIFIED,
                fields={"reason": f"回访不满意：{note}", "note": f"回访：{note}".strip("：")},
            )
    if followup.complaint_id:
        complaint_followup_result(
            actor=actor,
            complaint=followup.complaint,
            satisfied=result != ch.Result.UNSATISFIED,
            note=f"{followup.get_result_display()} {note}".strip(),
        )
    return followup
