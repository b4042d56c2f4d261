"""Choice lists of follow-ups (R-5)."""

from django.db import models


class Status(models.TextChoices):
    PENDING = "pending", "待回访 pending"
    DONE = "done", "已回访 done"
    CANCELLED = "cancelled", "已取消 cancelled"


class Result(models.TextChoices):
    SATISFIED = "satisfied", "满意 satisfied"
    NEUTRAL = "neutral", "一般 neutral"
    UNSATISFIED = "unsatisfied", "不满意 unsatisfied"
