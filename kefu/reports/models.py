"""Daily aggregates the reports read (R-8.1): one row per day, metric, agent and key (a
channel and category, a follow-up family, a question) — kept by the day jobs from the raw
records and rebuilt for any range (`kefu.reports.aggregate`), so a year's report reads a few
thousand rows, not millions."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DailyCount(models.Model):
    day = models.DateField()
    metric = models.CharField(max_length=24)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    key = models.CharField(max_length=80, blank=True)
    n = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["metric", "day"], name="dailycount_metric_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.agent_id} {self.key}={self.n}"
