"""Follow-ups (回访, R-5): lifecycle events, the rules (data, per preset) that turn them into
follow-up tasks with a window and an owner, the scripts agents read, and each task with its
attempts, answers and scores."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from simple_history.models import HistoricalRecords

from kefu.core.fields import KeyField
from kefu.core.inputs import label_halves
from kefu.core.search import Searchable
from kefu.followups import choices as ch


class LifecycleEvent(models.Model):
    """Something that happened to a customer that the center follows up on: a delivery, a
    repair handed back, a deposit, an installation, a closed complaint … (R-5.1). `key` makes
    recording idempotent: the sender's id, or one derived from type, customer, asset, time."""

    type = KeyField("事件 type", max_length=32)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="events"
    )
    asset = models.ForeignKey(
        "customers.Asset", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField("发生时间 occurred at")
    attributes = models.JSONField("属性 attributes", default=dict, blank=True)
    key = models.CharField("幂等键 idempotency key", max_length=100, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "客户事件 lifecycle event"
        verbose_name_plural = "客户事件 lifecycle events"
        indexes = [
            models.Index(fields=["type", "occurred_at"], name="event_type_time"),
            models.Index(fields=["customer", "-occurred_at"], name="event_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.occurred_at:%Y-%m-%d}"


class Script(models.Model):
    """话术 (R-5.3): what the agent says and asks. `questions` is a list of
    `{"key", "text", "kind": "score"|"choice"|"text", "max": 5, "unsatisfied_below": 3,
    "options": [{"value", "label", "unsatisfied": bool}], "raise": "work_order"|"complaint",
    "department": code}`. Texts may hold placeholders: {name} {title} {model} {plate}
    {event_date} {agent} {center}."""

    code = models.SlugField("代码 code", max_length=32, unique=True)
    name = models.CharField("名称 name", max_length=64)
    opening = models.TextField("开场白 opening")
    questions = models.JSONField("问题 questions", default=list)
    satisfied_text = models.TextField("满意时 when satisfied", blank=True)
    unsatisfied_text = models.TextField("不满意时 when not satisfied", blank=True)
    closing = models.TextField("结束语 closing", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "回访话术 script"
        verbose_name_plural = "回访话术 scripts"

    def __str__(self) -> str:
        return self.name


class FollowUpRule(models.Model):
    """A follow-up rule (R-5.1), data not code: which event makes a task, how many days
    later and for how long, who calls, with which script, for which customers (`condition`)
    and how many of them (`sample_percent`; members and VIPs are never sampled out, R-5.2).

    `condition` is a list of alternatives, each a dict of all-must-hold tests on
    `attributes.*`, `asset.*` or `customer.*` with optional `__gte`, `__lte`, `__in`,
    `__ne` suffixes, e.g. `[{"attributes.amount__gte": 20000}, {"customer.level": "vip"}]`."""

    code = models.SlugField("代码 code", max_length=32, unique=True)
    family = models.CharField(
        "报表组 report family", max_length=16, help_text="7DC, 3DC … rules reported together"
    )
    name = models.CharField("名称 name", max_length=64)
    trigger = models.CharField(
        "触发 trigger", max_length=10, choices=ch.Trigger.choices, default=ch.Trigger.EVENT
    )
    event_type = models.CharField("事件 event type", max_length=32)
    offset_days = models.PositiveSmallIntegerField("间隔天数 days after", default=0)
    window_days = models.PositiveSmallIntegerField("窗口天数 window days", default=1)
    day_kind = models.CharField(
        "计日方式 days counted", max_length=8, choices=ch.DayKind.choices, default="calendar"
    )
    weekday = models.PositiveSmallIntegerField("星期 weekday (0 = Monday)", null=True, blank=True)
    condition = models.JSONField("条件 condition", default=list, blank=True)
    sample_percent = models.PositiveSmallIntegerField("抽样比例 sample %", default=100)
    owner_mode = models.CharField(
        "回访人 owner", max_length=10, choices=ch.OwnerMode.choices, default="agent"
    )
    owner_department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_role = models.CharField("角色 role", max_length=16, blank=True)
    channel = models.CharField(
        "方式 channel", max_length=8, choices=ch.Channel.choices, default=ch.Channel.PHONE
    )
    script = models.ForeignKey(
        Script, on_delete=models.PROTECT, null=True, blank=True, related_name="rules"
    )
    max_attempts = models.PositiveSmallIntegerField("最多拨打 attempts", default=3)
    retry_hours = models.PositiveSmallIntegerField("重拨间隔(小时) retry after hours", default=4)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "回访规则 follow-up rule"
        verbose_name_plural = "回访规则 follow-up rules"
        ordering = ["family", "code"]

    def __str__(self) -> str:
        return f"{self.family} {self.name}"


class FollowUp(Searchable):
    """One follow-up call (or SMS, visit) due in a window of days, for one owner."""

    SEARCHED = ("note",)

    kind = models.CharField("回访类型 kind", max_length=32, choices=ch.Kind.choices)
    family = models.CharField(
        "报表组 report family",
        max_length=16,
        blank=True,
        help_text="a rule's family (7DC, 3DC …) as it was when the task was made",
    )
    source_key = models.CharField(
        "来源 source", max_length=100, unique=True, help_text="one task per occasion (idempotent)"
    )
    rule = models.ForeignKey(
        FollowUpRule, on_delete=models.PROTECT, null=True, blank=True, related_name="followups"
    )
    event = models.ForeignKey(
        LifecycleEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups",
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups",
    )
    work_order = models.ForeignKey(
        "tickets.WorkOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followups",
    )
    channel = models.CharField(max_length=8, choices=ch.Channel.choices, default="phone")
    due_on = models.DateField("最早 due from")
    due_by = models.DateField("最晚 due by")
    next_call_at = models.DateTimeField("下次拨打 next call at", null=True, blank=True)
    appointment_at = models.DateTimeField("预约时间 appointment", null=True, blank=True)
    status = models.CharField(
        "状态 status", max_length=12, choices=ch.Status.choices, default=ch.Status.PENDING
    )
    reached = models.BooleanField("接通 reached", null=True, blank=True)
    result = models.CharField("结果 result", max_length=12, choices=ch.Result.choices, blank=True)
    answers = models.JSONField("回答 answers", default=dict, blank=True)
    score = models.DecimalField("平均分 score", max_digits=5, decimal_places=2, null=True)
    note = models.TextField("记录 note", blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(no_db_index=["source_key"], excluded_fields=["search_words"])

    class Meta:
        verbose_name = "回访任务 follow-up"
        verbose_name_plural = "回访任务 follow-ups"
        indexes = [
            models.Index(fields=["status", "due_on"], name="followup_due"),
            models.Index(fields=["owner", "status", "due_on"], name="followup_owner"),
            models.Index(fields=["customer", "-due_on"], name="followup_customer"),
            models.Index(fields=["rule", "due_on"], name="followup_rule"),
            models.Index(fields=["family", "due_on"], name="followup_family"),
            # what was done in a period, by whom: the daily report counts and the points
            models.Index(
                fields=["done_at", "owner"],
                name="followup_done",
                condition=models.Q(status="done"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.due_on}"

    @property
    def label(self) -> str:
        """What a person calls this follow-up: the rule's family (7DC), else its kind in the
        page's language ("投诉回访", not "投诉回访 complaint")."""
        if self.family:
            return self.family
        zh, en = label_halves(self.get_kind_display())
        return en if (get_language() or "").startswith("en") else zh


class FollowUpAttempt(models.Model):
    """Each call made: unanswered ones are kept when the task closes as unreachable."""

    followup = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="attempt_log")
    outcome = models.CharField(max_length=12, choices=ch.AttemptOutcome.choices)
    note = models.TextField(blank=True)
    # None: the customer answered by SMS reply, nobody called
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.followup_id} {self.outcome}"
