"""Every contact with a customer (R-2.1) and what it leaves behind: callback promises and
messages (R-2.4), praise records and department notices (R-2.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kefu.core.fields import KeyField
from kefu.core.search import Searchable
from kefu.interactions import choices as ch


def search_cutoff() -> dt.datetime:
    """Contacts since then are searched by words by default (CONTACT_SEARCH_DAYS); older
    ones on request."""
    return timezone.now() - dt.timedelta(days=settings.KEFU["CONTACT_SEARCH_DAYS"])


class Interaction(Searchable):
    """One call, visit, letter, SMS, e-mail or WeChat message: the line of the paper
    电话接待记录本 / 接待记录本 / 客户来函目录. A call reported by the phone system (CTI)
    carries its call id and ring, answer and hang-up times (R-2.2)."""

    SEARCHED = ("contact_name", "subject", "content", "demand", "outcome")

    channel = models.CharField("渠道 channel", max_length=16, choices=ch.Channel.choices)
    category = models.CharField(
        "类别 category",
        max_length=16,
        choices=ch.Category.choices,
        default=ch.Category.CONSULTATION,
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interactions",
    )
    caller_number = KeyField("来电号码 caller number", max_length=20, blank=True)
    contact_name = models.CharField("联系人 contact", max_length=64, blank=True)
    subject = models.CharField("主题 subject", max_length=100, blank=True)
    content = models.TextField("内容 content", blank=True)
    demand = models.TextField("诉求 demand", blank=True)
    outcome = models.TextField("处理结果 outcome", blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interactions",
    )
    occurred_at = models.DateTimeField("时间 time")
    praised_employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="praises",
    )
    routing = models.CharField(
        "转办 routing", max_length=8, choices=ch.Routing.choices, default=ch.Routing.NONE
    )
    call_id = models.CharField("话单号 call id", max_length=64, null=True, blank=True, unique=True)
    ring_at = models.DateTimeField("振铃 ringing", null=True, blank=True)
    answered_at = models.DateTimeField("接听 answered", null=True, blank=True)
    ended_at = models.DateTimeField("挂机 hung up", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # in the recent word index (a contact of the last CONTACT_SEARCH_DAYS days): set on save,
    # cleared by the daily job `kefu.interactions.search_age` once the contact is older
    search_recent = models.BooleanField(default=True, editable=False)

    history = HistoricalRecords(
        no_db_index=["caller_number", "call_id", "occurred_at"],
        excluded_fields=["search_words", "search_recent"],
    )

    class Meta:
        verbose_name = "接待记录 interaction"
        verbose_name_plural = "接待记录 interactions"
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="interaction_customer"),
            models.Index(fields=["caller_number", "-occurred_at"], name="interaction_caller"),
            models.Index(fields=["agent", "-occurred_at"], name="interaction_agent"),
            models.Index(fields=["-occurred_at"], name="interaction_time"),
            # the answer-speed rate reads the calls the phone system reported by the
            # time they rang; contacts logged by hand have no ring time and stay out of it
            models.Index(
                fields=["ring_at", "answered_at"],
                name="interaction_rings",
                condition=models.Q(ring_at__isnull=False),
            ),
            # contacts still waiting for their work order or complaint (routing "pending")
            models.Index(
                fields=["category", "-occurred_at"],
                name="interaction_pending",
                condition=models.Q(routing="pending"),
            ),
            # the recent contacts, for the daily job that ages them out of the recent words
            models.Index(
                fields=["occurred_at"],
                name="interaction_recent",
                condition=models.Q(search_recent=True),
            ),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        recent = not isinstance(self.occurred_at, dt.datetime) or (
            self.occurred_at >= search_cutoff()
        )
        if recent != self.search_recent:
            self.search_recent = recent
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "search_recent"}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M}"
        return f"{self.get_channel_display()} {self.get_category_display()} {when}"

    @property
    def ring_seconds(self) -> float | None:
        """Seconds from ringing to answer: the measure of "answer within 3 rings" (R-2.2)."""
        if self.ring_at and self.answered_at:
            return (self.answered_at - self.ring_at).total_seconds()
        return None


class CallbackTask(models.Model):
    """A promise to call back (回电承诺) or a message for an absent colleague (留言), with a
    due time (R-2.4). Overdue open tasks surface for the assignee and the team lead."""

    kind = models.CharField("类型 kind", max_length=10, choices=ch.TaskKind.choices)
    status = models.CharField(
        "状态 status", max_length=10, choices=ch.TaskStatus.choices, default=ch.TaskStatus.OPEN
    )
    interaction = models.ForeignKey(
        Interaction, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callback_tasks",
    )
    caller_number = KeyField("回电号码 number", max_length=20, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="callback_tasks"
    )
    due_at = models.DateTimeField("期限 due")
    note = models.TextField("内容 note", blank=True)
    result = models.TextField("结果 result", blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "回电/留言 callback task"
        verbose_name_plural = "回电/留言 callback tasks"
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="callback_assignee"),
            models.Index(fields=["status", "due_at"], name="callback_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.assignee} {self.due_at:%m-%d %H:%M}"


class PraiseRecord(models.Model):
    """A customer's praise of an employee (R-2.3), for the employee's department and KPIs."""

    interaction = models.OneToOneField(Interaction, on_delete=models.PROTECT, related_name="praise")
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "表扬记录 praise"
        verbose_name_plural = "表扬记录 praise"

    def __str__(self) -> str:
        return f"表扬 {self.employee}"


class Notice(models.Model):
    """A notice to a person, a department, or both (issue 11): praise received, a letter to
    handle, an escalation, a proposal to approve. Each person sees what is addressed to them
    and to their department in the inbox of the top bar; a department's notice counts as
    read for the department once one member has read it (`read_by` says who)."""

    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    kind = models.CharField("类型 kind", max_length=16, choices=ch.NoticeKind.choices)
    text = models.CharField("内容 text", max_length=300)
    link = models.CharField("链接 link", max_length=200, blank=True)
    interaction = models.ForeignKey(
        Interaction, on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    created_at = models.DateTimeField("时间 time", auto_now_add=True)
    read_at = models.DateTimeField("已读 read", null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # urgent notices (L2/L3 escalations) also go out by e-mail or SMS: how each went
    relayed = models.CharField("外发 relayed", max_length=200, blank=True)

    class Meta:
        verbose_name = "通知 notice"
        verbose_name_plural = "通知 notices"
        indexes = [
            # the inbox and its unread count: a person's and a department's, newest first
            models.Index(fields=["user", "-created_at"], name="notice_user"),
            models.Index(fields=["department", "-created_at"], name="notice_department"),
            models.Index(
                fields=["user", "department"],
                name="notice_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.text
