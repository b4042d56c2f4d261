"""What every complaint write shares: the timeline event, the versioned save, stage deadlines,
the row lock, who may work a complaint, notices and escalation levels (R-4.1, R-4.3)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role, role_name
from kefu.accounts.models import User
from kefu.complaints import choices as ch
from kefu.complaints import workflow
from kefu.complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintProposal,
    ComplaintStageRecord,
    StageLimit,
)
from kefu.core.audit import audit_as
from kefu.core.calendar import add_working_minutes
from kefu.core.errors import Conflict, FieldError
from kefu.core.services import center_settings
from kefu.interactions.choices import NoticeKind
from kefu.interactions.notices import notices_send
from kefu.tickets.choices import HoursKind

S = ch.Stage


TEXT = 5000


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


def _notify(users, text: str, complaint: Complaint | None = None, urgent: bool = False) -> None:
    link = f"/complaints/{complaint.pk}/" if complaint is not None else ""
    notices_send(kind=NoticeKind.COMPLAINT, users=users, text=text, link=link, urgent=urgent)


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


def _approved(complaint: Complaint) -> ComplaintProposal | None:
    return ComplaintProposal.objects.filter(
        complaint=complaint, round=complaint.reopen_count, status=ch.ProposalStatus.APPROVED
    ).first()


def _indexed(prefix: str, index: int, errors: list[FieldError]) -> list[FieldError]:
    return [
        FieldError(f"{prefix}[{index}].{e.field}", e.code, e.message, e.message_en) for e in errors
    ]


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
        complaint,
        urgent=level >= 1,  # to the CS manager (L2) or the general manager (L3)
    )
    _event(complaint, ch.EventKind.ESCALATED, actor, f"L{level} → {role_name(role)}：{why}")
    return True
