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


class Course(models.Model):
    """A training course 培训课程: its study articles, its exam (questions, many built from
    articles) and what passing means — with `certifies`, the 上岗认证 that lets an agent take
    calls, valid `cert_months` months (R-7.4, R-2.5)."""

    title = models.CharField("课程 title", max_length=100)
    description = models.CharField("说明 description", max_length=1000, blank=True)
    articles = models.ManyToManyField(Article, blank=True, related_name="courses")
    certifies = models.BooleanField("通过即上岗认证 certifies", default=False)
    cert_months = models.PositiveSmallIntegerField("认证有效月数 months valid", default=12)
    pass_percent = models.PositiveSmallIntegerField("及格线 % pass mark", default=80)
    active = models.BooleanField("启用 active", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[articles])

    class Meta:
        verbose_name = "培训课程 course"
        verbose_name_plural = "培训课程 courses"

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """One exam question: multiple choice (`options`, `answer` the right one's index) or open
    (`answer` the reference the grader reads), worth `points`."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=8, choices=ch.QuestionKind.choices)
    text = models.CharField("题目 question", max_length=500)
    options = models.JSONField(default=list, blank=True)
    answer = models.TextField("答案 answer", max_length=4000)
    points = models.PositiveSmallIntegerField("分值 points", default=10)
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["course", "order", "id"]

    def __str__(self) -> str:
        return self.text


class TrainingSession(models.Model):
    """A session of a course 培训场次: when, where, the trainer, who is invited and came."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField("开始 starts")
    place = models.CharField("地点 place", max_length=100, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        "TrainingPlan", on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "培训场次 training session"
        verbose_name_plural = "培训场次 training sessions"
        indexes = [models.Index(fields=["-starts_at"], name="session_time")]

    def __str__(self) -> str:
        return f"{self.course} {self.starts_at:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=8, choices=ch.Attendance.choices, default=ch.Attendance.INVITED
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.status}"


class ExamAttempt(models.Model):
    """One agent's answers to a course's exam: choice questions scored at once, open ones by
    a trainer; passing a certifying course certifies the agent."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exam_attempts"
    )
    answers = models.JSONField(default=dict)  # question id → the answer given
    points = models.JSONField(default=dict)  # question id → points got
    status = models.CharField(max_length=10, choices=ch.AttemptStatus.choices)
    score = models.PositiveSmallIntegerField("得分 score", null=True)
    total = models.PositiveSmallIntegerField("满分 total", default=0)
    passed = models.BooleanField(null=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    graded_at = models.DateTimeField(null=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "考试 exam attempt"
        verbose_name_plural = "考试 exam attempts"
        indexes = [models.Index(fields=["status", "submitted_at"], name="attempt_status")]

    def __str__(self) -> str:
        return f"{self.user} {self.course} {self.score}"


class TrainingPlan(models.Model):
    """A training plan 培训计划 drawn from the weekly QA analysis (R-7.1): why (the issue
    found), for whom (named agents, or the whole team when none), the course to take, and the
    sessions that fulfil it."""

    week = models.DateField("周 week")  # the Monday of the analysed week
    title = models.CharField("计划 title", max_length=100)
    reason = models.CharField("发现的问题 issue found", max_length=1000)
    agents = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=ch.PlanStatus.choices, default=ch.PlanStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True)

    history = HistoricalRecords(m2m_fields=[agents])

    class Meta:
        verbose_name = "培训计划 training plan"
        verbose_name_plural = "培训计划 training plans"
        indexes = [models.Index(fields=["status", "-week"], name="plan_status")]

    def __str__(self) -> str:
        return self.title
