"""The knowledge base 知识库 (常见问题规范用语, R-7.2) and training 培训 (R-7.4).

An article is a common question with its standard answer, written by anyone who answers
customers and published by a team lead; a change to a published article waits beside it as a
proposal until approved, so agents never read an unapproved answer. Its history is the
version history. Agents find articles by Chinese words, pinyin and tags, in the call page and
the follow-up runner, and say whether an answer helped.

Training: courses with sessions and attendance, exams built from articles (multiple choice
and open questions), attempts graded into a certification with an expiry on the agent
(`User.is_certified`, `certified_until`: only certified agents take calls, R-2.5), and the
training plans the weekly QA analysis creates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kefu.core.search import Searchable
from kefu.knowledge import choices as ch


class Article(Searchable):
    SEARCHED = ("question", "answer", "tags", "pinyin")

    question = models.CharField("问题 question", max_length=200)
    answer = models.TextField("规范答复 standard answer", max_length=4000)
    category = models.CharField("类别 category", max_length=16, blank=True)
    tags = models.CharField("标签 tags", max_length=200, blank=True)  # space-separated
    applies_to = models.CharField("适用 applies to", max_length=64, blank=True)
    valid_from = models.DateField("生效 valid from", null=True, blank=True)
    valid_until = models.DateField("失效 valid until", null=True, blank=True)
    pinyin = models.CharField(max_length=600, blank=True, editable=False)
    status = models.CharField(
        max_length=10, choices=ch.ArticleStatus.choices, default=ch.ArticleStatus.PENDING
    )
    version = models.PositiveIntegerField("版本 version", default=0)  # published versions
    proposal = models.JSONField(default=dict, blank=True)  # a change waiting for approval
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True)
    reviewed_at = models.DateTimeField("最近审核 reviewed", null=True)
    review_note = models.CharField("审核意见 note", max_length=500, blank=True)
    uses = models.PositiveIntegerField("使用次数 uses", default=0)
    helpful = models.PositiveIntegerField("有帮助 helpful", default=0)
    unhelpful = models.PositiveIntegerField("没帮助 not helpful", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_words", "uses", "helpful", "unhelpful"])

    class Meta:
        verbose_name = "知识库文章 article"
        verbose_name_plural = "知识库文章 articles"
        indexes = [
            models.Index(fields=["status", "category", "-uses"], name="article_category"),
            models.Index(fields=["status", "reviewed_at"], name="article_review"),
            models.Index(fields=["status", "-uses", "-id"], name="article_uses"),
        ]

    def __str__(self) -> str:
        return self.question


class ArticleFeedback(models.Model):
    """One person's "this answer helped" (or not) on an article; the last word counts."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helpful = models.BooleanField()
    comment = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="feedback_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {'+' if self.helpful else '-'}"
