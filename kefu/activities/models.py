"""Customer activities (R-9.2): a lecture, a club meeting, a self-drive trip, a store
anniversary — its date, place, capacity and cost, the segment invited, each customer's
registration (with a waiting list) and check-in on the day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kefu.activities import choices as ch


class Activity(models.Model):
    """`reply_code`: what an invited customer texts back to register (回复 8 报名), unique
    among the activities open for registration. `cost`: what the center spends (yuan), for
    the cost per attendee. A sale or visit (`conversion_events`) within `conversion_days`
    after the activity counts as a sale that followed."""

    name = models.CharField("名称 name", max_length=64)
    kind = models.CharField("类型 kind", max_length=16, choices=ch.ActivityKind.choices)
    starts_at = models.DateTimeField("开始 starts at")
    ends_at = models.DateTimeField("结束 ends at")
    place = models.CharField("地点 place", max_length=100)
    capacity = models.PositiveIntegerField("名额 capacity")
    cost = models.DecimalField("费用(元) cost", max_digits=12, decimal_places=2, default=0)
    segment = models.ForeignKey(
        "outbound.Segment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reply_code = models.CharField("回复报名码 reply code", max_length=6, blank=True)
    conversion_events = models.JSONField("成交事件 sale events", default=list, blank=True)
    conversion_days = models.PositiveSmallIntegerField("成交天数 sale within days", default=30)
    status = models.CharField(
        max_length=10, choices=ch.ActivityStatus.choices, default=ch.ActivityStatus.DRAFT
    )
    invited = models.PositiveIntegerField("已邀请 invited", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "客户活动 activity"
        verbose_name_plural = "客户活动 activities"
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="activity_times"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Registration(models.Model):
    """A customer's place at an activity (and their guests), or on its waiting list."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="registrations")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="registrations"
    )
    status = models.CharField(max_length=12, choices=ch.RegistrationStatus.choices)
    source = models.CharField(max_length=8, choices=ch.Source.choices)
    guests = models.PositiveSmallIntegerField("同行人数 guests", default=0)
    checked_in_at = models.DateTimeField("签到时间 checked in", null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "活动报名 registration"
        verbose_name_plural = "活动报名 registrations"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "customer"], name="registration_once")
        ]
        indexes = [models.Index(fields=["activity", "status"], name="registration_status")]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.customer_id}"

    @property
    def seats(self) -> int:
        return 1 + self.guests
