"""Stage time limits escalating handler → CS manager → GM, and the preset's policy (R-4.3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import User
from kefu.complaints import workflow
from kefu.complaints.models import (
    ApprovalLimit,
    Complaint,
    StageLimit,
)
from kefu.complaints.services.common import (
    LEVEL_OF_ROLE,
    _escalate_to,
    _notify,
    _save,
)
from kefu.tickets.choices import EscalationChain
from kefu.tickets.models import EscalationStep
from kefu.tickets.services import escalation_chain_apply


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
                    _notify(User.objects.filter(role=step.role, is_active=True), why, complaint)
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
