"""Complaints (顾客投诉, R-4): the closed six-stage loop with a record per stage, proposals
and their approval, penalty and compensation records, and the policy data that drives
time limits and authority (R-4.3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kefu.complaints import choices as ch
from kefu.complaints import workflow
from kefu.core.fields import KeyField
from kefu.core.search import Searchable
from kefu.interactions.choices import Channel
from kefu.tickets.choices import HoursKind


class Complaint(Searchable):
    """One complaint: the line of the paper 顾客投诉登记表 and everything after it. The
    typed fields hold the latest answer of each stage (for search and statistics); every
    stage's full record, across reopenings, is a `ComplaintStageRecord`."""

    SEARCHED = ("number", "complainant_name", "content", "demand", "root_cause")

    number = KeyField("投诉编号 number", max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    interaction = models.OneToOneField(
        "interactions.Interaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint",
    )
    # 受理 intake
    complainant_name = models.CharField("投诉人 complainant", max_length=64)
    complainant_phone = KeyField("联系电话 phone", max_length=20, blank=True)
    channel = models.CharField("渠道 channel", max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField("受理时间 received at")
    content = models.TextField("投诉内容 content")
    demand = models.TextField("顾客要求 demand", blank=True)
    source_followup = models.ForeignKey(
        "followups.FollowUp",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="raised_complaints",
        verbose_name="来自回访 raised by follow-up",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="complaints_handled",
        verbose_name="经办人 handler",
    )
    # state
    stage = models.CharField(
        "阶段 stage", max_length=16, choices=ch.Stage.choices, default=ch.Stage.JUDGMENT
    )
    outcome = models.CharField(
        "结果 outcome", max_length=8, choices=ch.Outcome.choices, default="", blank=True
    )
    version = models.PositiveIntegerField("版本 version", default=1)
    reopen_count = models.PositiveSmallIntegerField("重开次数 times reopened", default=0)
    stage_entered_at = models.DateTimeField("进入本阶段 stage entered")
    stage_due_at = models.DateTimeField("本阶段期限 stage due", null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        "升级级别 escalation level (0 经办人, 1 客服经理, 2 总经理)", default=0
    )
    # 判断 judgment
    valid = models.BooleanField("有效投诉 valid", null=True, blank=True)
    demand_reasonable = models.BooleanField("要求合理 demand reasonable", null=True, blank=True)
    explanation = models.TextField("解释说明 explanation", blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name="责任部门 responsible department",
    )
    promised_days = models.PositiveSmallIntegerField(
        "告知调查天数 investigation days told", null=True, blank=True
    )
    # 调查 investigation
    root_cause = models.TextField("原因 root cause", blank=True)
    responsible_person = models.CharField("责任人 responsible person", max_length=64, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_responsible",
    )
    complaint_class = models.CharField(
        "投诉类别 class", max_length=20, choices=ch.ComplaintClass.choices, blank=True
    )
    # 实施 implementation
    customer_accepted_at = models.DateTimeField("顾客确认 customer accepted", null=True, blank=True)
    acceptance = models.TextField("顾客确认记录 customer's confirmation", blank=True)
    # 总结 review
    evaluation = models.TextField("评价 evaluation", blank=True)
    improvement = models.TextField("改进措施 improvement", blank=True)
    closed_at = models.DateTimeField("结案时间 closed at", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        no_db_index=["number", "complainant_phone"], excluded_fields=["search_words"]
    )

    class Meta:
        verbose_name = "投诉 complaint"
        verbose_name_plural = "投诉 complaints"
        indexes = [
            models.Index(fields=["stage", "stage_due_at"], name="complaint_stage_due"),
            models.Index(fields=["customer", "-received_at"], name="complaint_customer"),
            models.Index(fields=["handler", "stage"], name="complaint_handler"),
            models.Index(fields=["department", "stage"], name="complaint_department"),
            models.Index(fields=["-received_at"], name="complaint_received"),
            models.Index(fields=["complainant_phone"], name="complaint_phone"),
            # Open complaints soonest stage deadline first (the console list, the workbench).
            models.Index(
                fields=["stage_due_at", "id"],
                name="complaint_open_due",
                condition=models.Q(stage__in=workflow.OPEN),
            ),
            models.Index(
                fields=["handler", "stage_due_at"],
                name="complaint_open_handler",
                condition=models.Q(stage__in=workflow.OPEN),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.complainant_name}"


class ComplaintStageRecord(models.Model):
    """Who worked a stage, from when, by when, and what they recorded (R-4.1). A reopened
    complaint adds new records; none is ever rewritten (R-4.4)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="stages")
    stage = models.CharField(max_length=16, choices=ch.Stage.choices)
    round = models.PositiveSmallIntegerField("轮次 round", default=0)
    entered_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_stage = models.CharField(max_length=16, choices=ch.Stage.choices, blank=True)
    data = models.JSONField("记录 record", default=dict, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = "投诉阶段记录 stage record"
        verbose_name_plural = "投诉阶段记录 stage records"

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.stage} r{self.round}"


class ComplaintEvent(models.Model):
    """The readable timeline: created, each advance, proposals and decisions, escalations,
    reopenings, follow-up results."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=ch.EventKind.choices)
    from_stage = models.CharField(max_length=16, blank=True)
    to_stage = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


class ComplaintProposal(models.Model):
    """方案: one of the remedies put forward; a supervisor approves one (R-4.1)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="proposals")
    round = models.PositiveSmallIntegerField(default=0)
    text = models.TextField("方案内容 proposal")
    compensation_amount = models.DecimalField(
        "补偿金额 compensation (yuan)", max_digits=12, decimal_places=2, default=0
    )
    status = models.CharField(
        max_length=10, choices=ch.ProposalStatus.choices, default=ch.ProposalStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = "处理方案 proposal"
        verbose_name_plural = "处理方案 proposals"
        constraints = [
            # One approved proposal per complaint and round, even under concurrent approvals.
            models.UniqueConstraint(
                fields=["complaint", "round"],
                condition=models.Q(status="approved"),
                name="complaint_one_approved_proposal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.text[:20]}"


class ComplaintPenalty(models.Model):
    """处罚/责任记录 for the responsible person, recorded at 实施 (R-4.1)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="penalties")
    person = models.CharField("责任人 person", max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    measure = models.TextField("处理措施 measure")
    amount = models.DecimalField("罚款 fine (yuan)", max_digits=12, decimal_places=2, default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "处罚记录 penalty"
        verbose_name_plural = "处罚记录 penalties"

    def __str__(self) -> str:
        return f"{self.person}: {self.measure[:20]}"


class ComplaintCompensation(models.Model):
    """补偿记录: what the customer actually received, recorded at 实施 (R-4.1)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="compensations")
    form = models.CharField("形式 form", max_length=16, choices=ch.CompensationForm.choices)
    amount = models.DecimalField("金额 amount (yuan)", max_digits=12, decimal_places=2)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "补偿记录 compensation"
        verbose_name_plural = "补偿记录 compensations"

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.amount}"


class StageLimit(models.Model):
    """How long a stage may take before it escalates (R-4.3). 调查 uses the days the
    customer was told at 判断 when that is set."""

    stage = models.CharField(max_length=16, choices=ch.Stage.choices, unique=True)
    hours = models.PositiveIntegerField("时限(小时) hours")
    hours_kind = models.CharField(
        "计时方式 counted in", max_length=8, choices=HoursKind.choices, default=HoursKind.CALENDAR
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "投诉阶段时限 stage time limit"
        verbose_name_plural = "投诉阶段时限 stage time limits"

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.hours}h"


class ApprovalLimit(models.Model):
    """The largest compensation a role may approve (R-4.3 by authority); no row, or an
    empty amount for the general manager, means no limit."""

    role = models.CharField("角色 role", max_length=16, unique=True)
    max_amount = models.DecimalField(
        "可批准补偿上限 may approve up to (yuan)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "审批权限 approval limit"
        verbose_name_plural = "审批权限 approval limits"

    def __str__(self) -> str:
        return f"{self.role} ≤ {self.max_amount if self.max_amount is not None else '∞'}"
