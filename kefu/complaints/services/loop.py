"""Advancing through the six stages with each stage's record, checked against the workflow
table; closing schedules the follow-up and an unsatisfied answer reopens (R-4.1, R-4.2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Department, User
from kefu.accounts.selectors import active_user
from kefu.complaints import choices as ch
from kefu.complaints import workflow
from kefu.complaints.models import (
    Complaint,
    ComplaintCompensation,
    ComplaintPenalty,
    ComplaintProposal,
    ComplaintStageRecord,
)
from kefu.complaints.services.common import (
    FOLLOWUP_AFTER,
    TEXT,
    S,
    _approved,
    _enter,
    _event,
    _indexed,
    _locked,
    _open_record,
    _save,
    may_work,
)
from kefu.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from kefu.core.inputs import amount_value, choice_error, text_value
from kefu.core.wording import wording_keep
from kefu.followups.choices import Kind as FollowUpKind
from kefu.followups.models import FollowUp
from kefu.followups.services import followup_open
from kefu.interactions.choices import NoticeKind
from kefu.interactions.notices import notice_send


def _record_fields(complaint: Complaint, to: str, values: dict, actor: User, errors: list):
    """Apply what the completed stage records (`values`, already checked against the
    workflow table) to the complaint; returns the stage record's data. Lookups and the rules
    that need the database are checked here."""
    stage = complaint.stage
    record: dict = {k: values[k] for k in ("note", "reason") if values.get(k)}
    if stage == S.JUDGMENT and to == S.INVESTIGATION:
        department = Department.objects.filter(code=values.get("department") or "").first()
        if department is None:
            errors.append(
                FieldError(
                    "department",
                    "unknown_department",
                    f"责任部门不存在：{values.get('department')}",
                    f"Unknown department: {values.get('department')}",
                )
            )
            return record
        complaint.valid, complaint.department = True, department
        complaint.demand_reasonable = values["demand_reasonable"]
        complaint.promised_days = values["promised_days"]
        record.update(
            valid=True,
            demand_reasonable=values["demand_reasonable"],
            department=department.code,
            promised_days=values["promised_days"],
        )
    elif stage == S.JUDGMENT and to == S.CLOSED:
        complaint.valid = False
        complaint.explanation = values["explanation"]
        complaint.outcome = ch.Outcome.INVALID
        record.update(valid=False, explanation=complaint.explanation)
    elif stage == S.INVESTIGATION and to == S.SOLUTION:
        try:
            user = active_user(values.get("responsible_user"), field="responsible_user")
        except ValidationFailed as exc:
            errors.extend(exc.errors)
            return record
        complaint.root_cause = values["root_cause"]
        complaint.responsible_person = values["responsible_person"]
        complaint.responsible_user = user
        complaint.complaint_class = values["complaint_class"]
        record.update(
            root_cause=complaint.root_cause,
            responsible_person=complaint.responsible_person,
            responsible_user=user.username if user else None,
            complaint_class=complaint.complaint_class,
        )
    elif stage == S.SOLUTION and to == S.IMPLEMENTATION:
        approved = _approved(complaint)
        if approved is None:
            errors.append(
                FieldError(
                    "proposal",
                    "not_approved",
                    "尚无经主管批准的方案，不能进入实施",
                    "No proposal has been approved by a supervisor yet",
                )
            )
        else:
            record.update(proposal_id=approved.pk, proposal=approved.text)
    elif stage == S.IMPLEMENTATION and to == S.REVIEW:
        complaint.acceptance = values["acceptance"]
        complaint.customer_accepted_at = timezone.now()
        record.update(customer_accepted=True, acceptance=complaint.acceptance)
        record.update(_penalties_and_compensations(complaint, values, actor, errors))
    elif stage == S.IMPLEMENTATION and to == S.SOLUTION:
        # The customer did not accept: the approved proposal is withdrawn, a new one is due.
        ComplaintProposal.objects.filter(
            complaint=complaint, round=complaint.reopen_count, status=ch.ProposalStatus.APPROVED
        ).update(status=ch.ProposalStatus.WITHDRAWN)
    elif stage == S.REVIEW and to == S.CLOSED:
        complaint.evaluation = values["evaluation"]
        complaint.improvement = values["improvement"]
        complaint.outcome = ch.Outcome.RESOLVED
        record.update(evaluation=complaint.evaluation, improvement=complaint.improvement)
    return record


def _penalties_and_compensations(complaint, fields, actor, errors) -> dict:
    """Penalty (responsibility) and compensation records of 实施; compensation stays within
    the approved proposal's amount (a larger one needs a new approval, R-4.3)."""
    penalties, compensations = fields.get("penalties") or [], fields.get("compensations") or []
    if not isinstance(penalties, list) or not isinstance(compensations, list):
        errors.append(
            FieldError(
                "penalties", "invalid", "处罚与补偿应为列表", "penalties/compensations are lists"
            )
        )
        return {}
    rows_p, rows_c = [], []
    for i, item in enumerate(penalties):
        item = item if isinstance(item, dict) else {}
        local: list[FieldError] = []
        person = text_value(item, "person", 64, local)
        measure = text_value(item, "measure", TEXT, local)
        amount = amount_value(item, "amount", local)
        try:
            user = active_user(item.get("user"), field="user")
        except ValidationFailed as exc:
            local.extend(exc.errors)
            user = None
        if not person or not measure:
            local.append(
                FieldError("person", "required", "请填写责任人和处理措施", "person and measure")
            )
        errors.extend(_indexed("penalties", i, local))
        rows_p.append(
            ComplaintPenalty(
                complaint=complaint,
                person=person,
                user=user,
                measure=measure,
                amount=amount,
                recorded_by=actor,
            )
        )
    for i, item in enumerate(compensations):
        item = item if isinstance(item, dict) else {}
        local = []
        form = item.get("form")
        if form not in ch.CompensationForm.values:
            local.append(choice_error("form", form, ch.CompensationForm.values))
        amount = amount_value(item, "amount", local)
        note = text_value(item, "note", TEXT, local)
        errors.extend(_indexed("compensations", i, local))
        rows_c.append(
            ComplaintCompensation(
                complaint=complaint,
                form=form or "",
                amount=amount,
                note=note,
                recorded_by=actor,
            )
        )
    approved = _approved(complaint)
    total = sum((r.amount for r in rows_c), Decimal(0))
    limit = approved.compensation_amount if approved else Decimal(0)
    if total > limit:
        errors.append(
            FieldError(
                "compensations",
                "above_approved",
                f"补偿合计 {total} 元超出已批准方案的 {limit} 元，请重新报批",
                f"Compensation {total} exceeds the approved {limit}; get a new approval",
            )
        )
    if errors:
        return {}
    ComplaintPenalty.objects.bulk_create(rows_p)
    ComplaintCompensation.objects.bulk_create(rows_c)
    return {
        "penalties": [
            {"person": r.person, "measure": r.measure, "amount": str(r.amount)} for r in rows_p
        ],
        "compensations": [{"form": r.form, "amount": str(r.amount)} for r in rows_c],
    }


@transaction.atomic
def complaint_advance(
    *,
    actor: User,
    complaint: Complaint,
    to: str,
    fields: dict | None = None,
    version: int | None = None,
) -> Complaint:
    """Complete the current stage with its record and enter `to` (R-4.1). Not allowed from
    here, or someone else got there first: 409 saying why; a missing field: 422."""
    fields = fields or {}
    complaint = _locked(complaint, version)
    if not may_work(actor, complaint, to):
        raise PermissionDenied("无权处理该投诉", "You may not work on this complaint")
    step = workflow.step(complaint.stage, to, complaint.outcome)
    if step is None:
        allowed = workflow.allowed(complaint.stage, complaint.outcome) or ["—"]
        raise Conflict(
            FieldError(
                "to",
                "transition_not_allowed",
                f"投诉 {complaint.number} 当前为「{complaint.get_stage_display()}」，"
                f"不能转到 {to}；可转到：{'、'.join(allowed)}",
                f"Complaint {complaint.number} is at {complaint.stage}; cannot go to {to}; "
                f"allowed: {', '.join(allowed)}",
            )
        )
    values, errors = workflow.clean(step, fields)
    if errors:
        raise ValidationFailed(errors)
    reopening = complaint.stage == S.CLOSED
    before = complaint.stage
    record = _record_fields(complaint, to, values, actor, errors)
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    if reopening:
        complaint.reopen_count += 1
        complaint.outcome, complaint.closed_at, complaint.escalation_level = "", None, 0
        if to == S.JUDGMENT:
            complaint.valid = None
    else:
        ComplaintStageRecord.objects.filter(
            complaint=complaint, stage=before, completed_at__isnull=True
        ).update(completed_at=now, completed_by=actor, to_stage=to, data=record)
    _enter(complaint, to, now)
    if to == S.CLOSED:
        complaint.closed_at = now
    _save(complaint, actor)
    _open_record(complaint)
    # what the handler wrote in the stage's record, checked for forbidden phrases —
    # saved all the same, the warnings returned with the complaint and kept for the lead
    written: dict[str, str | None] = {
        f"{to}.{f.name}": str(values.get(f.name) or "")
        for f in step.fields
        if f.kind in ("text", "line") and values.get(f.name)
    }
    warnings = wording_keep(actor=actor, record=complaint, fields=written)
    setattr(complaint, "wording_warnings", warnings)  # noqa: B010 - what the caller shows
    note = str(values.get("reason") or values.get("note") or "")
    kind = ch.EventKind.REOPENED if reopening else ch.EventKind.ADVANCED
    _event(complaint, kind, actor, note, from_stage=before, to_stage=to)
    if to == S.CLOSED:
        followup_schedule(complaint=complaint, now=now)
    if to == S.INVESTIGATION and complaint.department_id and not reopening:
        notice_send(
            kind=NoticeKind.COMPLAINT,
            department=complaint.department,
            interaction=complaint.interaction,
            link=f"/complaints/{complaint.pk}/",
            text=f"投诉转交调查：{complaint.number}（{complaint.promised_days} 天内）"
            f"{complaint.content[:200]}",
        )
    return complaint


def followup_schedule(*, complaint: Complaint, now: dt.datetime) -> FollowUp:
    """R-4.2: the closed complaint's follow-up call, 2–3 days later, for its handler. One per
    closing: closing again after a reopening schedules the next one."""
    day = timezone.localdate(now)
    followup, _ = followup_open(
        kind=FollowUpKind.COMPLAINT,
        source_key=f"complaint:{complaint.pk}:{complaint.reopen_count}",
        customer=complaint.customer,
        complaint=complaint,
        owner=complaint.handler,
        due_on=day + FOLLOWUP_AFTER[0],
        due_by=day + FOLLOWUP_AFTER[1],
    )
    return followup


@transaction.atomic
def complaint_reopen(*, actor: User, complaint: Complaint, reason: str) -> Complaint:
    """A dissatisfied follow-up (R-4.2) or the customer coming back reopens the complaint:
    an invalid one is judged again, a resolved one is investigated again."""
    complaint = _locked(complaint, None)  # the target depends on the outcome: read it locked
    to = S.JUDGMENT if complaint.outcome == ch.Outcome.INVALID else S.INVESTIGATION
    return complaint_advance(actor=actor, complaint=complaint, to=to, fields={"reason": reason})


def complaint_followup_result(
    *, actor: User, complaint: Complaint, satisfied: bool, note: str
) -> Complaint:
    """The follow-up's answer goes on the complaint's timeline; dissatisfied reopens it."""
    _event(complaint, ch.EventKind.FOLLOWUP, actor, note)
    if satisfied:
        return complaint
    return complaint_reopen(actor=actor, complaint=complaint, reason=f"回访不满意：{note}")


def followup_answered(answer) -> None:
    """The closed complaint's follow-up was answered (registered in apps.py, R-4.2)."""
    followup = answer.followup
    complaint_followup_result(
        actor=answer.actor,
        complaint=followup.complaint,
        satisfied=answer.satisfied,
        note=f"{followup.get_result_display()} {answer.note}".strip(),
    )
