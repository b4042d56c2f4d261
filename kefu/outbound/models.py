"""Outbound work (R-9.3): saved customer segments, sales scripts with the seed's structure,
call campaigns over a segment, each campaign's call list and every call made from it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kefu.outbound import choices as ch


class Segment(models.Model):
    """A saved filter over customers (`filters`: a list of {field, op, value}, all of which
    must hold; the fields and their operators are in segments.FIELDS). It feeds a care
    campaign's list send, a call campaign or an activity invitation."""

    name = models.CharField("名称 name", max_length=64, unique=True)
    description = models.CharField("说明 description", max_length=200, blank=True)
    filters = models.JSONField("条件 conditions", default=list)
    last_count = models.PositiveIntegerField("最近人数 last count", null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "客户分群 segment"
        verbose_name_plural = "客户分群 segments"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SalesScript(models.Model):
    """A telemarketing script in seed 000's order: the opening, the questions that find the
    customer's need, the offer, the answers to objections (`objections`: a list of
    {objection, answer}) and the close. Placeholders like {name} {title} {model} {center}
    are filled for the customer on the runner."""

    code = models.SlugField("代码 code", max_length=32, unique=True)
    name = models.CharField("名称 name", max_length=64)
    opening = models.TextField("开场白 opening")
    needs = models.JSONField("探询需求 need-finding questions", default=list)
    offer = models.TextField("产品/优惠介绍 offer")
    objections = models.JSONField("异议处理 objection answers", default=list, blank=True)
    closing = models.TextField("促成与结束 close")
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "营销话术 sales script"
        verbose_name_plural = "营销话术 sales scripts"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CallCampaign(models.Model):
    """Calls to a segment's customers with a script, between two dates and within the
    calling hours (`hours`: [["09:00", "12:00"], ["14:00", "18:00"]]), by its agents.
    `cool_off_days`: a customer contacted that recently is not called; `retry_hours` and
    `max_attempts`: the rule for no answer and busy; a sale or a service visit
    (`conversion_events`) within `conversion_days` of a reached call counts as its
    conversion. `excluded`: how many of the segment the do-not-call rules kept off the
    list, by reason."""

    name = models.CharField("名称 name", max_length=64)
    kind = models.CharField("类型 kind", max_length=16, choices=ch.CampaignKind.choices)
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="campaigns")
    script = models.ForeignKey(SalesScript, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField("开始 starts on")
    ends_on = models.DateField("结束 ends on")
    hours = models.JSONField("拨打时段 calling hours", default=list)
    agents = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="call_campaigns")
    cool_off_days = models.PositiveSmallIntegerField("冷却天数 cool-off days", default=7)
    max_attempts = models.PositiveSmallIntegerField("最多拨打 attempts", default=3)
    retry_hours = models.PositiveSmallIntegerField("重拨间隔(小时) retry after hours", default=4)
    conversion_events = models.JSONField("转化事件 conversion events", default=list, blank=True)
    conversion_days = models.PositiveSmallIntegerField("转化天数 conversion days", default=30)
    status = models.CharField(
        max_length=8, choices=ch.CampaignStatus.choices, default=ch.CampaignStatus.DRAFT
    )
    list_size = models.PositiveIntegerField("名单人数 on the list", default=0)
    excluded = models.JSONField("排除人数 kept off the list", default=dict, blank=True)
    built_at = models.DateTimeField("名单生成 list built", null=True, blank=True)
    distributed_at = models.DateTimeField("分配 distributed", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["list_size", "excluded"])

    class Meta:
        verbose_name = "外呼活动 call campaign"
        verbose_name_plural = "外呼活动 call campaigns"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_dates"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CampaignCall(models.Model):
    """One customer on a campaign's list: whose call it is, its state and final outcome.
    The calls made are in `CampaignAttempt` (who, when, what came of it): the audit of
    every change here."""

    campaign = models.ForeignKey(CallCampaign, on_delete=models.CASCADE, related_name="calls")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="campaign_calls"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="campaign_calls",
    )  # fmt: skip
    status = models.CharField(
        max_length=12, choices=ch.CallStatus.choices, default=ch.CallStatus.PENDING
    )
    outcome = models.CharField(max_length=16, choices=ch.Outcome.choices, blank=True)
    attempts = models.PositiveSmallIntegerField("已拨打 attempts", default=0)
    next_call_at = models.DateTimeField("下次拨打 next call at", null=True, blank=True)
    appointment_at = models.DateTimeField("预约时间 appointment", null=True, blank=True)
    note = models.TextField("记录 note", blank=True)
    last_called_at = models.DateTimeField(null=True, blank=True)
    reached_at = models.DateTimeField("接通 reached", null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "外呼名单 campaign call"
        verbose_name_plural = "外呼名单 campaign calls"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "customer"], name="campaign_call_once")
        ]
        indexes = [
            models.Index(fields=["agent", "status", "next_call_at"], name="campaign_call_queue"),
            models.Index(fields=["campaign", "status"], name="campaign_call_status"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.customer_id}"


class CampaignAttempt(models.Model):
    """One call from a campaign's list and what came of it."""

    call = models.ForeignKey(CampaignCall, on_delete=models.CASCADE, related_name="attempt_log")
    outcome = models.CharField(max_length=16, choices=ch.Outcome.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "外呼记录 campaign attempt"
        verbose_name_plural = "外呼记录 campaign attempts"

    def __str__(self) -> str:
        return f"{self.call_id} {self.outcome}"
