"""Service quality (R-7): shifts and the roster (R-7.6), QA inspection of sampled contacts
with an evaluation form and appeals (质检, R-7.1), the center's forbidden phrases (服务用语禁忌,
R-7.2) and where agents wrote them, and shift handovers (交接班, R-7.3)."""

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


class EvaluationForm(models.Model):
    """The QA evaluation form (评分表): items in sections, each worth points (R-7.1). Data an
    administrator edits; the preset loads the seed's form."""

    code = models.SlugField("代码 code", max_length=40, unique=True)
    name = models.CharField("名称 name", max_length=64)
    active = models.BooleanField("启用 active", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "质检评分表 evaluation form"
        verbose_name_plural = "质检评分表 evaluation forms"

    def __str__(self) -> str:
        return self.name

    @property
    def total(self) -> int:
        return sum(i.points for i in self.items.all())


class EvaluationItem(models.Model):
    """One scored item: 服务用语, 服务态度, 语气语调, 归纳客户需求的能力, 应变能力 …"""

    form = models.ForeignKey(EvaluationForm, on_delete=models.CASCADE, related_name="items")
    section = models.CharField("分组 section", max_length=40, blank=True)
    name = models.CharField("项目 item", max_length=64)
    description = models.CharField("说明 description", max_length=300, blank=True)
    points = models.PositiveSmallIntegerField("分值 points")
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "质检项目 evaluation item"
        verbose_name_plural = "质检项目 evaluation items"
        ordering = ["form", "order", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.points})"


class Inspection(models.Model):
    """One sampled contact of an agent for a month, and its QA: the inspector's scores, the
    agent's one appeal and the team lead's decision (R-7.1). A contact is sampled once."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspections"
    )
    interaction = models.OneToOneField(
        "interactions.Interaction", on_delete=models.PROTECT, related_name="inspection"
    )
    month = models.DateField("月份 month")  # the first day of the sampled month
    form = models.ForeignKey(EvaluationForm, on_delete=models.PROTECT)
    status = models.CharField(
        max_length=8, choices=ch.InspectionStatus.choices, default=ch.InspectionStatus.DUE
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    score = models.PositiveSmallIntegerField("得分 score", null=True)
    comment = models.CharField("评语 comment", max_length=1000, blank=True)
    scored_at = models.DateTimeField(null=True)
    appeal_reason = models.CharField("申诉理由 appeal", max_length=1000, blank=True)
    appealed_at = models.DateTimeField(null=True)
    decision = models.CharField(max_length=8, choices=ch.AppealDecision.choices, blank=True)
    decision_note = models.CharField("处理意见 decision note", max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    # drawn because the automatic QA of its transcript flagged it: first in the queue,
    # beside the month's random sample rather than part of it
    flagged = models.BooleanField("自动质检标记 flagged", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "质检 inspection"
        verbose_name_plural = "质检 inspections"
        indexes = [
            models.Index(fields=["month", "status"], name="inspection_month"),
            models.Index(fields=["agent", "-month"], name="inspection_agent"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.month:%Y-%m} #{self.interaction_id}"


class InspectionScore(models.Model):
    """The points one item got on one inspection, with the inspector's comment."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(EvaluationItem, on_delete=models.PROTECT)
    points = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.item.name}: {self.points}"


class Handover(models.Model):
    """交接班表 (R-7.3): at the shift change the outgoing agent's pending callbacks and
    messages, follow-ups due but not done, open work orders and complaints they hold, and
    notes — confirmed by both agents, each with their own sign-in. When both have confirmed,
    the callbacks and follow-ups move to the incoming agent. `items` is the list as drafted."""

    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers_given"
    )
    taker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers_taken"
    )
    notes = models.CharField("交接说明 notes", max_length=2000, blank=True)
    items = models.JSONField(default=list)
    drafted_at = models.DateTimeField(auto_now_add=True)
    giver_confirmed_at = models.DateTimeField(null=True)
    taker_confirmed_at = models.DateTimeField(null=True)
    moved = models.JSONField(default=dict)
    alerted_at = models.DateTimeField(null=True)  # the leads were told it is unconfirmed

    history = HistoricalRecords()

    class Meta:
        verbose_name = "交接班 handover"
        verbose_name_plural = "交接班 handovers"
        indexes = [models.Index(fields=["-drafted_at"], name="handover_time")]
        constraints = [
            # one open handover per outgoing agent
            models.UniqueConstraint(
                fields=["giver"],
                condition=models.Q(taker_confirmed_at__isnull=True)
                | models.Q(giver_confirmed_at__isnull=True),
                name="handover_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.giver} → {self.taker} {self.drafted_at:%Y-%m-%d %H:%M}"

    @property
    def confirmed(self) -> bool:
        return bool(self.giver_confirmed_at and self.taker_confirmed_at)


class Shift(models.Model):
    """A shift of the center (早班, 中班, 晚班 …) with its times and seats (R-7.6): data the
    administrator edits. A shift ending at or before it starts ends the next day."""

    code = models.SlugField("代码 code", max_length=20, unique=True)
    name = models.CharField("名称 name", max_length=20)
    starts = models.TimeField("开始 starts")
    ends = models.TimeField("结束 ends")
    seats = models.PositiveSmallIntegerField("座席数 seats", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "班次 shift"
        verbose_name_plural = "班次 shifts"
        ordering = ["starts", "code"]

    def __str__(self) -> str:
        return f"{self.name} {self.starts:%H:%M}–{self.ends:%H:%M}"


class RosterEntry(models.Model):
    """One person's shift on one day (排班, R-7.6), set by the team lead."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roster"
    )
    day = models.DateField("日期 day")
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT)
    seat = models.CharField("座席·分机 seat", max_length=16, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "排班 roster entry"
        verbose_name_plural = "排班 roster"
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="roster_one_shift_a_day")
        ]
        indexes = [models.Index(fields=["day", "shift"], name="roster_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day} {self.shift.name}"


class DutyLog(models.Model):
    """The team lead's duty log 值班日志 for one shift of one day (R-7.3): the shift's counts
    filled in by the system, the problems the lead writes down, and the roll call 点名 of the
    people rostered (on time, late, absent)."""

    day = models.DateField("日期 day")
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    counts = models.JSONField(default=dict)
    problems = models.TextField("问题 problems", blank=True)
    roll_call = models.JSONField(default=dict)  # username → on_time | late | absent
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "值班日志 duty log"
        verbose_name_plural = "值班日志 duty logs"
        constraints = [
            models.UniqueConstraint(fields=["day", "shift"], name="dutylog_one_per_shift")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.shift.name}"


class TranscriptRule(models.Model):
    """One rule of the automatic QA of call transcripts (智能质检, R-7.5), data the
    administrator edits: what it looks for (`kind`), its words (one per line: greetings that
    must be said, anger words of the customer …), its seconds (the first/last N seconds, the
    longest silence, the overlap that counts as talking over), the points it takes from (or
    gives back to) an item of the evaluation form, and whether it flags the call for the team
    lead and the inspector."""

    code = models.SlugField("代码 code", max_length=40, unique=True)
    name = models.CharField("名称 name", max_length=64)
    kind = models.CharField("类型 kind", max_length=12, choices=ch.RuleKind.choices)
    words = models.TextField("词语 words (one per line)", blank=True, max_length=4000)
    seconds = models.PositiveSmallIntegerField("秒数 seconds", default=0)
    item = models.ForeignKey(
        EvaluationItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    points = models.SmallIntegerField("分值 points (− deducts, + adds)", default=0)
    flags = models.BooleanField("标记给班长 flags the call", default=False)
    active = models.BooleanField("启用 active", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "智能质检规则 transcript rule"
        verbose_name_plural = "智能质检规则 transcript rules"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Transcript(models.Model):
    """A call's transcript as the phone system gave it (speaker-labelled sentences with
    seconds from the start of the call) and its automatic QA: the findings, the points per
    evaluation item, the score and whether the call is flagged (R-7.5). One per call: a later
    transcript of the same call replaces it and is scored again."""

    interaction = models.OneToOneField(
        "interactions.Interaction", on_delete=models.CASCADE, related_name="transcript"
    )
    source = models.CharField(max_length=8, choices=ch.TranscriptSource.choices)
    recording_url = models.URLField("录音 recording", max_length=500, blank=True)
    sentences = models.JSONField(default=list)  # [{speaker, start, end, text}]
    seconds = models.PositiveIntegerField(default=0)
    findings = models.JSONField(default=list)
    item_points = models.JSONField(default=dict)  # evaluation item id → points
    score = models.PositiveSmallIntegerField("自动得分 score", null=True)
    flagged = models.BooleanField("标记 flagged", default=False)
    received_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["sentences"])

    class Meta:
        verbose_name = "通话转写 transcript"
        verbose_name_plural = "通话转写 transcripts"
        indexes = [
            models.Index(fields=["-received_at"], name="transcript_time"),
            models.Index(
                fields=["-received_at"],
                condition=models.Q(flagged=True),
                name="transcript_flagged",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.interaction_id} {self.score}"
