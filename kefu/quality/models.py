"""Service quality (R-7): the center's forbidden phrases (服务用语禁忌, R-7.2) and where
agents wrote them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kefu.quality import choices as ch


class ForbiddenPhrase(models.Model):
    """A phrase agents must not use (不知道, 不行, 没办法 …), why, and what to say instead
    (我帮您确认一下…). Matched as whole words in what agents write: 不行 is not found in
    不行驶."""

    phrase = models.CharField("禁忌用语 phrase", max_length=20, unique=True)
    reason = models.CharField("原因 why", max_length=200, blank=True)
    instead = models.CharField("建议用语 say instead", max_length=200, blank=True)
    active = models.BooleanField("启用 active", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "服务禁忌用语 forbidden phrase"
        verbose_name_plural = "服务禁忌用语 forbidden phrases"
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase


class PhraseHit(models.Model):
    """One forbidden phrase an agent wrote and saved anyway (the warning kept on the record):
    what the team lead counts per agent."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="phrase_hits"
    )
    written_in = models.CharField("记录 record", max_length=16, choices=ch.Written.choices)
    record_id = models.BigIntegerField()
    field = models.CharField(max_length=32)
    phrase = models.ForeignKey(ForbiddenPhrase, on_delete=models.SET_NULL, null=True)
    phrase_text = models.CharField("禁忌用语 phrase", max_length=20)
    excerpt = models.CharField("原文 excerpt", max_length=120)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "禁忌用语记录 forbidden phrase used"
        verbose_name_plural = "禁忌用语记录 forbidden phrases used"
        indexes = [
            models.Index(fields=["agent", "-at"], name="phrasehit_agent"),
            models.Index(fields=["-at"], name="phrasehit_time"),
        ]
        constraints = [
            # saving the same text again does not count twice
            models.UniqueConstraint(
                fields=["written_in", "record_id", "field", "phrase_text"],
                name="phrasehit_once_per_field",
            )
        ]

    def __str__(self) -> str:
        return f"{self.phrase_text} ({self.get_written_in_display()} {self.record_id})"
