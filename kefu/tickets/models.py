"""Work orders (派工单/协调单, R-3): the department's job that a contact became, its SLA
deadlines from rules that are data, its timeline, urging and escalation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kefu.core.fields import KeyField
from kefu.core.search import Searchable
from kefu.tickets import choices as ch
from kefu.tickets import workflow


class SlaRule(models.Model):
    """How fast a kind of work order must be dispatched and resolved (R-3.1). The most
    specific active rule wins: category + department + priority, then fewer matches."""

    name = models.CharField("名称 name", max_length=64)
    category = models.CharField("类别 category", max_length=8, choices=ch.Category.choices)
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    priority = models.CharField(
        "优先级 priority", max_length=8, choices=ch.Priority.choices, blank=True
    )
    dispatch_minutes = models.PositiveIntegerField("派工时限(分钟) dispatch within minutes")
    resolve_hours = models.PositiveIntegerField("完成时限(小时) resolve within hours")
    hours_kind = models.CharField(
        "计时方式 counted in",
        max_length=8,
        choices=ch.HoursKind.choices,
        default=ch.HoursKind.CALENDAR,
    )
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "时限规则 SLA rule"
        verbose_name_plural = "时限规则 SLA rules"

    def __str__(self) -> str:
        return self.name


class EscalationStep(models.Model):
    """One step of an escalation chain: for overdue work orders (R-3.2), e.g. level 1 to the
    team lead at once, level 2 to the CS manager after 4 hours, level 3 to the GM after a
    day; for complaint stages past their limit (R-4.3), handler → CS manager → GM."""

    applies_to = models.CharField(
        "适用 applies to",
        max_length=12,
        choices=ch.EscalationChain.choices,
        default=ch.EscalationChain.WORK_ORDER,
    )
    level = models.PositiveSmallIntegerField("级别 level")
    overdue_minutes = models.PositiveIntegerField("逾期(分钟) overdue by minutes")
    role = models.CharField("通知角色 notify role", max_length=16)

    class Meta:
        verbose_name = "升级链 escalation step"
        verbose_name_plural = "升级链 escalation chain"
        ordering = ["applies_to", "level"]
        constraints = [
            models.UniqueConstraint(fields=["applies_to", "level"], name="escalation_step_level")
        ]

    def __str__(self) -> str:
        return f"L{self.level} +{self.overdue_minutes}min → {self.role}"


class WorkOrder(Searchable):
    """A job for a department, from a contact (R-2.3) or raised by CS directly (R-3.1)."""

    SEARCHED = ("number", "title", "description", "result")

    number = KeyField("工单号 number", max_length=20, unique=True)
    category = models.CharField("类别 category", max_length=8, choices=ch.Category.choices)
    title = models.CharField("标题 title", max_length=100)
    description = models.TextField("内容 description", blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
    )
    interaction = models.ForeignKey(
        "interactions.Interaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
    )
    source_followup = models.ForeignKey(
        "followups.FollowUp",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="raised_work_orders",
        verbose_name="来自回访 raised by follow-up",
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="work_orders"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
    )
    priority = models.CharField(
        "优先级 priority", max_length=8, choices=ch.Priority.choices, default=ch.Priority.NORMAL
    )
    status = models.CharField(
        "状态 status", max_length=12, choices=ch.Status.choices, default=ch.Status.NEW
    )
    sla_rule = models.ForeignKey(
        SlaRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dispatch_due_at = models.DateTimeField("派工期限 dispatch due", null=True, blank=True)
    due_at = models.DateTimeField("完成期限 due", null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField("处理结果 result", blank=True)
    escalation_level = models.PositiveSmallIntegerField("升级级别 escalation level", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(no_db_index=["number"], excluded_fields=["search_words"])

    class Meta:
        verbose_name = "工单 work order"
        verbose_name_plural = "工单 work orders"
        indexes = [
            models.Index(fields=["status", "due_at"], name="workorder_status_due"),
            models.Index(fields=["department", "status"], name="workorder_department"),
            models.Index(fields=["assignee", "status"], name="workorder_assignee"),
            models.Index(fields=["customer", "-created_at"], name="workorder_customer"),
            # The lists: open orders soonest due first (console, stalled, workbench) stay a
            # small index however many closed orders pile up; the API's unfiltered list.
            models.Index(
                fields=["due_at", "id"],
                name="workorder_open_due",
                condition=models.Q(status__in=workflow.OPEN),
            ),
            models.Index(
                fields=["created_by", "due_at"],
                name="workorder_open_creator",
                condition=models.Q(status__in=workflow.OPEN),
            ),
            models.Index(fields=["due_at", "id"], name="workorder_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class WorkOrderEvent(models.Model):
    """The readable timeline of a work order: created, each transition, urges, escalations."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=ch.EventKind.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.kind} {self.to_status}"
