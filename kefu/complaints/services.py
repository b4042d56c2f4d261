"""Every write on complaints (R-4): intake, advancing through the six stages with each
stage's record, proposals and their approval within the approver's authority, penalty and
compensation records, time-limit escalation, closing with a follow-up and reopening."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import Department, User
from kefu.accounts.permissions import require
from kefu.accounts.selectors import active_user
from kefu.complaints import choices as ch
from kefu.complaints import workflow
from kefu.complaints.models import (
    ApprovalLimit,
    Complaint,
    ComplaintCompensation,
    ComplaintEvent,
    ComplaintPenalty,
    ComplaintProposal,
    ComplaintStageRecord,
    StageLimit,
)
from kefu.core.audit import audit_as
from kefu.core.calendar import add_working_minutes
from kefu.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed, invalid
from kefu.core.inputs import amount_value, choice_error, parse_when, text_value
from kefu.core.services import center_settings, counter_reserve
from kefu.customers.models import Customer
from kefu.customers.validation import normalize_phone
from kefu.followups.choices import Kind as FollowUpKind
from kefu.followups.models import FollowUp
from kefu.followups.services import followup_open
from kefu.interactions.choices import Channel, NoticeKind, Routing
from kefu.interactions.models import Interaction
from kefu.interactions.services import notice_send, notices_send
from kefu.tickets.choices import EscalationChain, HoursKind
from kefu.tickets.models import EscalationStep
from kefu.tickets.services import escalation_chain_apply

S = ch.Stage
TEXT = 5000
# Who may approve, by rising authority; escalation levels name who is in charge.
APPROVERS = (Role.TEAM_LEAD, Role.MANAGER, Role.GM)
LEVEL_OF_ROLE: dict[str, int] = {Role.TEAM_LEAD: 0, Role.MANAGER: 1, Role.GM: 2}
FOLLOWUP_AFTER = (dt.timedelta(days=2), dt.timedelta(days=3))  # 2–3 days later


def _event(complaint: Complaint, kind: str, actor: User | None, note: str = "", **stages):
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        actor=actor,
        note=note,  # a TextField: the whole reason is kept (input is refused, never cut)
        from_stage=stages.get("from_stage", ""),
        to_stage=stages.get("to_stage", ""),
    )


def _save(complaint: Complaint, actor: User | None) -> None:
    """Every change bumps the version (optimistic locking) and is audited (R-0.3)."""
    complaint.version += 1
    audit_as(complaint, actor)
    complaint.save()


def stage_due(stage: str, start: dt.datetime, promised_days: int | None = None):
    """When a stage entered at `start` is due: 调查 by the days the customer was told, the
    others by the stage's time limit in calendar or working hours; None without a limit."""
    if stage == S.INVESTIGATION and promised_days:
        return start + dt.timedelta(days=promised_days)
    limit = StageLimit.objects.filter(stage=stage).first()
    if limit is None:
        return None
    if limit.hours_kind == HoursKind.WORKING:
        setting = center_settings()
        return add_working_minutes(
            timezone.localtime(start),
            limit.hours * 60,
            day_start=setting.work_day_start,
            day_end=setting.work_day_end,
        )
    return start + dt.timedelta(hours=limit.hours)


def _enter(complaint: Complaint, stage: str, now: dt.datetime) -> None:
    complaint.stage = stage
    complaint.stage_entered_at = now
    complaint.stage_due_at = (
        None if stage == S.CLOSED else stage_due(stage, now, complaint.promised_days)
    )


def _open_record(complaint: Complaint) -> None:
    """The record of the stage just entered, with its deadline, to be completed later."""
    if complaint.stage != S.CLOSED:
        ComplaintStageRecord.objects.create(
            complaint=complaint,
            stage=complaint.stage,
            round=complaint.reopen_count,
            entered_at=complaint.stage_entered_at,
            due_at=complaint.stage_due_at,
        )


def _notify(users, text: str) -> None:
    notices_send(kind=NoticeKind.COMPLAINT, users=users, text=text)


@transaction.atomic
def complaint_create(
    *, actor: User, data: dict, interaction: Interaction | None = None
) -> Complaint:
    """受理 (R-4.1 stage 1): who complains, when, by which channel, about what, asking what.
    From a logged contact the intake is taken from it (R-2.3); the complaint then waits for
    判断 with the stage's time limit running."""
    require(actor, P.HANDLE_COMPLAINTS)
    errors: list[FieldError] = []
    if interaction is None and data.get("interaction_id"):
        interaction = Interaction.objects.filter(pk=data["interaction_id"]).first()
        if interaction is None:
            errors.append(
                FieldError(
                    "interaction_id",
                    "not_found",
                    f"接待记录不存在：{data['interaction_id']}",
                    f"No interaction {data['interaction_id']}",
                )
            )
    source = interaction
    customer = source.customer if source else None
    if data.get("customer_id"):
        customer = Customer.objects.filter(pk=data["customer_id"]).first()
        if customer is None:
            errors.append(
                FieldError(
                    "customer_id",
                    "not_found",
                    f"客户不存在：{data['customer_id']}",
                    f"No customer {data['customer_id']}",
                )
            )
    channel = data.get("channel") or (source.channel if source else Channel.INBOUND_CALL)
    if channel not in Channel.values:
        errors.append(choice_error("channel", channel, Channel.values))
    content = text_value(data, "content", 20000, errors) or (source.content if source else "")
    if not content:
        errors.append(FieldError("content", "required", "请填写投诉内容", "content is required"))
    demand = text_value(data, "demand", TEXT, errors) or (source.demand if source else "")
    name = (
        text_value(data, "complainant_name", 64, errors)
        or (source.contact_name if source else "")
        or (customer.name if customer else "")
        or ("未留姓名 anonymous" if source and source.caller_number else "")
    )
    if not name:
        errors.append(
            FieldError(
                "complainant_name",
                "required",
                "请填写投诉人或选择客户",
                "a complainant name or a customer is required",
            )
        )
    phone = str(data.get("complainant_phone") or "").strip()
    try:
        if phone:
            phone = normalize_phone(phone, field="complainant_phone").number
        elif source:
            phone = source.caller_number
        handler = active_user(data.get("handler"), field="handler") or actor
        received_at = (
            parse_when(data["received_at"], field="received_at")
            if data.get("received_at")
            else (source.occurred_at if source else timezone.now())
        )
    except ValidationFailed as exc:
        raise ValidationFailed(errors + exc.errors) from exc
    if not P.has_perm(handler, P.HANDLE_COMPLAINTS):
        errors.append(
            FieldError(
                "handler",
                "not_a_handler",
                f"{handler} 不能担任投诉经办人",
                f"{handler} may not handle complaints",
            )
        )
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        errors.append(
            FieldError(
                "received_at", "in_future", "受理时间不能晚于现在", "received_at is in the future"
            )
        )
    if errors:
        raise ValidationFailed(errors)
    if source is not None:
        source = Interaction.objects.select_for_update().get(pk=source.pk)
        if Complaint.objects.filter(interaction=source).exists():
            raise Conflict(
                FieldError(
                    "interaction_id",
                    "already_a_complaint",
                    "该接待记录已登记为投诉",
                    "This interaction is already a complaint",
                )
            )
    now = timezone.now()
    complaint = Complaint(
        number=f"TS{counter_reserve(name='complaint'):08d}",
        customer=customer,
        interaction=source,
        complainant_name=name,
        complainant_phone=phone,
        channel=channel,
        received_at=received_at,
        content=content,
        demand=demand,
        handler=handler,
        created_by=actor,
        version=0,
    )
    _enter(complaint, S.JUDGMENT, now)
    _save(complaint, actor)
    ComplaintStageRecord.objects.create(
        complaint=complaint,
        stage=S.INTAKE,
        entered_at=received_at,
        completed_at=now,
        completed_by=actor,
        to_stage=S.JUDGMENT,
        data={"complainant": name, "channel": channel, "content": content, "demand": demand},
    )
    _open_record(complaint)
    _event(complaint, ch.EventKind.CREATED, actor, to_stage=S.JUDGMENT)
    if source is not None and source.routing != Routing.DONE:
        source.routing = Routing.DONE
        audit_as(source, actor)
        source.save(update_fields=["routing"])
    if handler != actor:
        _notify([handler], f"新投诉待判断：{complaint.number} {name}")
    return complaint


def may_work(actor: User, complaint: Complaint, to: str) -> bool:
    """The handler and team leads and above steer a complaint; the responsible department
    works its stages (调查, 方案, 实施); anyone who handles complaints may reopen one."""
    if P.has_perm(actor, P.HANDLE_COMPLAINTS) and (
        complaint.handler_id == actor.id
        or P.has_perm(actor, P.MANAGE_TASKS)
        or complaint.stage == S.CLOSED
    ):
        return True
    return bool(
        actor.is_active
        and actor.department_id
        and actor.department_id == complaint.department_id
        and complaint.stage in workflow.DEPARTMENT_STAGES
        and to != S.INVESTIGATION
        and to != S.JUDGMENT
    )


def _locked(complaint: Complaint, version: int | None) -> Complaint:
    """The row, locked for this transaction; a stale `version` is a 409 (optimistic lock)."""
    current = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if version is not None and version != current.version:
        raise Conflict(
            FieldError(
                "version",
                "stale",
                f"投诉 {current.number} 已被他人更新（当前版本 {current.version}，"
                f"阶段「{current.get_stage_display()}」），请刷新后重试",
                f"Complaint {current.number} was changed by someone else (now version "
                f"{current.version}, stage {current.stage}); reload and retry",
            )
        )
    return current


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


def _indexed(prefix: str, index: int, errors: list[FieldError]) -> list[FieldError]:
    return [
        FieldError(f"{prefix}[{index}].{e.field}", e.code, e.message, e.message_en) for e in errors
    ]


def _approved(complaint: Complaint) -> ComplaintProposal | None:
    return ComplaintProposal.objects.filter(
        complaint=complaint, round=complaint.reopen_count, status=ch.ProposalStatus.APPROVED
    ).first()


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


def interaction_route(
    *, interaction: Interaction, actor: User, department: str | None
) -> list[FieldError]:
    """A complaint call or visit becomes a complaint at once (R-2.3; registered in apps.py);
    when it cannot (the agent may not take complaints), the contact waits, with the reason."""
    try:
        complaint_create(actor=actor, data={}, interaction=interaction)
    except (ValidationFailed, PermissionDenied) as exc:
        return list(exc.errors)
    interaction.refresh_from_db(fields=["routing"])
    return []


def followup_answered(answer) -> None:
    """The closed complaint's follow-up was answered (registered in apps.py, R-4.2)."""
    followup = answer.followup
    complaint_followup_result(
        actor=answer.actor,
        complaint=followup.complaint,
        satisfied=answer.satisfied,
        note=f"{followup.get_result_display()} {answer.note}".strip(),
    )


def complaint_raise(*, actor: User, followup, department: str, text: str) -> Complaint:
    """An unsatisfied follow-up item that the script marks as a complaint (R-5.4)."""
    customer = followup.customer
    complaint = complaint_create(
        actor=actor,
        data={
            "customer_id": customer.pk if customer else None,
            "channel": "outbound_call",
            "content": text,
        },
    )
    complaint.source_followup = followup
    audit_as(complaint, actor)
    complaint.save(update_fields=["source_followup"])
    return complaint


def approver_role(amount: Decimal) -> str:
    """The least senior role whose limit covers `amount` (R-4.3 by authority)."""
    limits = {a.role: a.max_amount for a in ApprovalLimit.objects.all()}
    for role in APPROVERS:
        limit = limits.get(role)
        if limit is None or amount <= limit:
            return role
    return Role.GM


def _may_approve(actor: User, amount: Decimal) -> bool:
    if actor.is_superuser or actor.role == Role.ADMIN:
        return True
    needed = approver_role(amount)
    return actor.role in APPROVERS and APPROVERS.index(actor.role) >= APPROVERS.index(needed)


def _escalate_to(complaint: Complaint, level: int, why: str, actor: User | None) -> bool:
    """Raise who is in charge to `level` (1 CS manager, 2 GM) and tell them; False if the
    complaint is already there."""
    if level <= complaint.escalation_level:
        return False
    complaint.escalation_level = level
    role = Role.MANAGER if level == 1 else Role.GM
    _notify(
        User.objects.filter(role=role, is_active=True),
        f"投诉升级 L{level}：{complaint.number} {why}",
    )
    _event(complaint, ch.EventKind.ESCALATED, actor, f"L{level} → {role}：{why}")
    return True


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
        f"方案补偿 {amount} 元超出班长审批权限，需 {needed} 审批",
        actor,
    )
    _save(complaint, actor)
    return proposal


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
    if approve and not _may_approve(actor, proposal.compensation_amount):
        needed = approver_role(proposal.compensation_amount)
        raise PermissionDenied(
            f"补偿 {proposal.compensation_amount} 元超出您的审批权限，需 {needed} 审批",
            f"Compensation {proposal.compensation_amount} is above your authority; "
            f"{needed} must approve",
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


def complaints_escalate(*, now: dt.datetime | None = None) -> int:
    """Stages past their time limit climb the complaint chain, handler → CS manager → GM
    (R-4.3). Idempotent: each stage record climbs each level once."""
    now = now or timezone.now()
    steps = list(
        EscalationStep.objects.filter(applies_to=EscalationChain.COMPLAINT).order_by("level")
    )
    taken = 0
    late_ids = Complaint.objects.filter(stage__in=workflow.OPEN, stage_due_at__lt=now)
    for pk in list(late_ids.values_list("pk", flat=True)):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=pk)
            record = complaint.stages.filter(
                stage=complaint.stage, completed_at__isnull=True
            ).last()
            if record is None or complaint.stage_due_at is None:
                continue
            late = now - complaint.stage_due_at
            climbed = False
            for step in steps:
                if step.level <= record.escalation_level:
                    continue
                if late < dt.timedelta(minutes=step.overdue_minutes):
                    break
                record.escalation_level = step.level
                level = LEVEL_OF_ROLE.get(step.role, step.level)
                why = f"「{complaint.get_stage_display()}」超时"
                if not _escalate_to(complaint, level, why, None):
                    _notify(User.objects.filter(role=step.role, is_active=True), why)
                climbed = True
                taken += 1
            if climbed:
                record.save(update_fields=["escalation_level"])
                _save(complaint, None)
    return taken


def preset_apply_complaint_data(*, config: dict) -> None:
    """The preset's stage limits, approval limits and escalation chain, unless a manager
    already has their own (reloading a preset never overwrites edited policy)."""
    policy = config.get("complaints", {})
    if not StageLimit.objects.exists():
        for stage, (hours, kind) in policy.get("stage_hours", {}).items():
            StageLimit.objects.create(stage=stage, hours=hours, hours_kind=kind)
    if not ApprovalLimit.objects.exists():
        for role, amount in policy.get("approval_limits", {}).items():
            ApprovalLimit.objects.create(
                role=role, max_amount=None if amount is None else Decimal(str(amount))
            )
    escalation_chain_apply(EscalationChain.COMPLAINT, policy.get("escalation", []))
