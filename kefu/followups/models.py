"""Follow-up calls (回访, R-5): one task per customer and occasion, with the window in which
it is due and the owner who calls. Rules that generate them from lifecycle events come
with the follow-up engine; a closed complaint schedules its own (R-4.2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kefu.followups import choices as ch


class FollowUp(models.Model):
    kind = models.CharField("回访类型 kind", max_length=32)
    source_key = models.CharField(
        "来源 source", max_length=64, unique=True, help_text="one task per occasion (idempotent)"
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
    window_start = models.DateTimeField("最早 due from")
    window_end = models.DateTimeField("最晚 due by")
    status = models.CharField(
        "状态 status", max_length=10, choices=ch.Status.choices, default=ch.Status.PENDING
    )
    result = models.CharField("结果 result", max_length=12, choices=ch.Result.choices, blank=True)
    note = models.TextField("记录 note", blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(no_db_index=["source_key"])

    class Meta:
        verbose_name = "回访任务 follow-up"
        verbose_name_plural = "回访任务 follow-ups"
        indexes = [
            models.Index(fields=["status", "window_start"], name="followup_due"),
            models.Index(fields=["owner", "status", "window_start"], name="followup_owner"),
            models.Index(fields=["customer", "-window_start"], name="followup_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.window_start:%Y-%m-%d}"
