"""方案: proposals and their approval within the approver's authority (R-4.1, R-4.3)."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role, role_name
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.complaints import choices as ch
from kefu.complaints.models import (
    ApprovalLimit,
    Complaint,
    ComplaintProposal,
)
from kefu.complaints.services.common import (
    APPROVERS,
    LEVEL_OF_ROLE,
    TEXT,
    S,
    _escalate_to,
    _event,
    _locked,
    _save,
    may_work,
)
from kefu.core.audit import audit_as
from kefu.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed, invalid
from kefu.core.inputs import amount_value, text_value
from kefu.interactions.choices import NoticeKind
from kefu.interactions.notices import notices_send


def approval_limits() -> dict[str, Decimal | None]:
    """Each approving role's limit (R-4.3), read once for a list of proposals."""
    return {a.role: a.max_amount for a in ApprovalLimit.objects.all()}


def approver_role(amount: Decimal, limits: dict[str, Decimal | None] | None = None) -> str:
    """The least senior role whose limit covers `amount` (R-4.3 by authority)."""
    limits = approval_limits() if limits is None else limits
    for role in APPROVERS:
        limit = limits.get(role)
        if limit is None or amount <= limit:
            return role
    return Role.GM


def may_approve(
    actor: User, amount: Decimal, limits: dict[str, Decimal | None] | None = None
) -> bool:
    """Whether the actor's authority covers a compensation of `amount` (R-4.3)."""
    if actor.is_superuser or actor.role == Role.ADMIN:
        return True
    needed = approver_role(amount, limits)
    return actor.role in APPROVERS and APPROVERS.index(actor.role) >= APPROVERS.index(needed)


@transaction.atomic
def proposal_add(
    *, actor: User, complaint: Complaint, data: dict, version: int | None = None
) -> ComplaintProposal:
    """方案 (R-4.1 stage 4): one of several proposals. A compensation above the team lead's
    authority escalates the complaint to whoever may approve it (R-4.3)."""
    complaint = _locked(complaint, version)
    if not may_work(actor, complaint, S.SOLUTION):
        raise PermissionDenied("无权处理该投诉", "You may not work on this complaint")
    if complaint.stage != S.SOLUTION:
        raise Conflict(
            FieldError(
                "stage",
                "not_at_solution",
                f"投诉当前为「{complaint.get_stage_display()}」，只有在「方案」阶段才能提出方案",
                f"Proposals are made at the solution stage; the complaint is at {complaint.stage}",
            )
        )
    errors: list[FieldError] = []
    text = text_value(data, "text", TEXT, errors)
    if not text:
        errors.append(FieldError("text", "required", "请填写方案内容", "text is required"))
    amount = amount_value(data, "compensation_amount", errors)
    if errors:
        raise ValidationFailed(errors)
    proposal = ComplaintProposal(
        complaint=complaint,
        round=complaint.reopen_count,
        text=text,
        compensation_amount=amount,
        proposed_by=actor,
    )
    audit_as(proposal, actor)
    proposal.save()
    _event(complaint, ch.EventKind.PROPOSED, actor, f"{text[:200]}（补偿 {amount} 元）")
    needed = approver_role(amount)
    _escalate_to(
        complaint,
        LEVEL_OF_ROLE[needed],
        f"方案补偿 {amount} 元超出班长审批权限，需{role_name(needed)}审批",
        actor,
    )
    _save(complaint, actor)
    _ask_approval(complaint, proposal, needed, actor)
    return proposal


def _ask_approval(
    complaint: Complaint, proposal: ComplaintProposal, needed: str, actor: User
) -> None:
    """Whoever may approve hears of the proposal: the people of the least senior role whose
    authority covers it (the next role up when nobody has that role), never its proposer."""
    for role in APPROVERS[APPROVERS.index(needed) :]:
        approvers = list(User.objects.filter(role=role, is_active=True).exclude(pk=actor.pk))
        if approvers:
            notices_send(
                kind=NoticeKind.APPROVAL,
                users=approvers,
                link=f"/approvals/#proposal-{proposal.pk}",
                text=f"待审批方案：{complaint.number} 补偿 {proposal.compensation_amount} 元，"
                f"{actor.display_name or actor.username} 提出：{proposal.text[:150]}",
            )
            return


@transaction.atomic
def proposal_decide(
    *, actor: User, proposal: ComplaintProposal, approve: bool, note: str = ""
) -> ComplaintProposal:
    """A supervisor approves one proposal (the others of the round are set aside) or
    rejects one with a reason; approving beyond one's authority is refused (R-4.3)."""
    require(actor, P.APPROVE_COMPLAINTS)
    complaint = _locked(proposal.complaint, None)
    proposal = ComplaintProposal.objects.select_for_update().get(pk=proposal.pk)
    if complaint.stage != S.SOLUTION or proposal.status != ch.ProposalStatus.PROPOSED:
        raise Conflict(
            FieldError(
                "proposal",
                "not_pending",
                "该方案已处理，或投诉不在「方案」阶段",
                "The proposal was already decided, or the complaint is not at solution",
            )
        )
    if approve and proposal.proposed_by_id == actor.id:
        # four eyes: whoever proposed a remedy never approves it, whatever their role
        raise PermissionDenied(
            "不能批准自己提出的方案，请由其他主管审批",
            "You proposed this remedy: another supervisor must approve it",
        )
    if approve and not may_approve(actor, proposal.compensation_amount):
        needed = approver_role(proposal.compensation_amount)
        raise PermissionDenied(
            f"补偿 {proposal.compensation_amount} 元超出您的审批权限，需{role_name(needed)}审批",
            f"Compensation {proposal.compensation_amount} is above your authority; "
            f"a {role_name(needed, english=True)} must approve",
        )
    if not approve and not note.strip():
        raise invalid("note", "required", "驳回方案请说明理由", "a rejection needs a note")
    now = timezone.now()
    proposal.status = ch.ProposalStatus.APPROVED if approve else ch.ProposalStatus.REJECTED
    proposal.decided_by, proposal.decided_at, proposal.decision_note = actor, now, note.strip()
    audit_as(proposal, actor)
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError as exc:
        raise Conflict(
            FieldError("proposal", "already_approved", "已有批准的方案", "Already approved one")
        ) from exc
    if approve:
        for other in ComplaintProposal.objects.filter(
            complaint=complaint, round=proposal.round, status=ch.ProposalStatus.PROPOSED
        ):
            other.status, other.decided_by, other.decided_at = (
                ch.ProposalStatus.REJECTED,
                actor,
                now,
            )
            other.decision_note = "已批准其他方案 another proposal was approved"
            audit_as(other, actor)
            other.save()
    kind = ch.EventKind.APPROVED if approve else ch.EventKind.REJECTED
    _event(complaint, kind, actor, f"{proposal.text[:200]} {note}".strip())
    _save(complaint, actor)
    return proposal
