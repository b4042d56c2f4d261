"""How a complaint is shown (stages, proposals, masks, dates): the same dicts for the API
schemas and the console templates."""

from __future__ import annotations

from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.complaints import services as svc
from kefu.complaints import workflow
from kefu.complaints.models import Complaint
from kefu.customers.validation import mask_phone

SCALARS = (
    "id",
    "number",
    "stage",
    "outcome",
    "version",
    "customer_id",
    "interaction_id",
    "complainant_name",
    "channel",
    "received_at",
    "content",
    "demand",
    "promised_days",
    "valid",
    "demand_reasonable",
    "explanation",
    "root_cause",
    "responsible_person",
    "complaint_class",
    "acceptance",
    "customer_accepted_at",
    "evaluation",
    "improvement",
    "stage_due_at",
    "escalation_level",
    "reopen_count",
    "closed_at",
)


def _who(user) -> str | None:
    return user.username if user else None


def payload(c: Complaint, full: bool = False) -> dict:
    out = {k: getattr(c, k) for k in SCALARS}
    out.update(
        stage_label=c.get_stage_display(),
        allowed=workflow.allowed(c.stage, c.outcome),
        customer_number=c.customer.number if c.customer else None,
        complainant_phone=mask_phone(c.complainant_phone) if c.complainant_phone else "",
        handler=c.handler.username,
        handler_name=str(c.handler),
        department=c.department.code if c.department else None,
        department_name=c.department.name if c.department else None,
        overdue=bool(
            c.stage in workflow.OPEN and c.stage_due_at and c.stage_due_at < timezone.now()
        ),
    )
    if not full:
        return out
    out["stages"] = [
        {
            "stage": r.stage,
            "round": r.round,
            "entered_at": r.entered_at,
            "due_at": r.due_at,
            "completed_at": r.completed_at,
            "completed_by": _who(r.completed_by),
            "completed_by_name": str(r.completed_by) if r.completed_by_id else None,
            "to": r.to_stage,
            "late": bool(r.due_at and (r.completed_at or timezone.now()) > r.due_at),
            "escalation_level": r.escalation_level,
            "record": r.data,
        }
        for r in c.stages.all()
    ]
    out["proposals"] = [
        {
            "id": p.id,
            "round": p.round,
            "text": p.text,
            "compensation_amount": str(p.compensation_amount),
            "approver_role": svc.approver_role(p.compensation_amount),
            "approver_role_label": str(Role(svc.approver_role(p.compensation_amount)).label),
            "status": p.status,
            "status_label": p.get_status_display(),
            "proposed_by": _who(p.proposed_by),
            "proposed_by_id": p.proposed_by_id,
            "proposed_at": p.proposed_at,
            "decided_by": _who(p.decided_by),
            "decided_at": p.decided_at,
            "decision_note": p.decision_note,
        }
        for p in c.proposals.all()
    ]
    out["penalties"] = [
        {"person": p.person, "measure": p.measure, "amount": str(p.amount), "at": p.recorded_at}
        for p in c.penalties.all()
    ]
    out["compensations"] = [
        {"form": m.form, "amount": str(m.amount), "note": m.note, "at": m.recorded_at}
        for m in c.compensations.all()
    ]
    out["events"] = [
        {
            "at": e.created_at,
            "kind": e.kind,
            "from": e.from_stage,
            "to": e.to_stage,
            "actor": _who(e.actor),
            "note": e.note,
        }
        for e in c.events.all()
    ]
    out["followups"] = [
        {
            "id": f.id,
            "due_on": f.due_on,
            "due_by": f.due_by,
            "status": f.status,
            "result": f.result,
        }
        for f in c.followups.all()
    ]
    return out


def proposal_waiting(p, user, limits: dict | None = None) -> dict:
    """A row of 待我审批: what is proposed, for which complaint, by whom, how long it has
    waited, who must approve it and whether `user` may (never their own proposal)."""
    limits = svc.approval_limits() if limits is None else limits
    needed = svc.approver_role(p.compensation_amount, limits)
    c = p.complaint
    return {
        "id": p.id,
        "complaint_id": c.id,
        "complaint_number": c.number,
        "complainant_name": c.complainant_name,
        "complaint_content": c.content[:120],
        "text": p.text,
        "compensation_amount": str(p.compensation_amount),
        "proposed_by": str(p.proposed_by) if p.proposed_by_id else None,
        "proposed_at": p.proposed_at,
        "waited_hours": round((timezone.now() - p.proposed_at).total_seconds() / 3600, 1),
        "approver_role": needed,
        "approver_role_label": str(Role(needed).label),
        "may_decide": p.proposed_by_id != user.id
        and svc.may_approve(user, p.compensation_amount, limits),
        "own": p.proposed_by_id == user.id,
    }
