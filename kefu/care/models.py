"""Care and reminders (关怀·提醒, R-6): message templates, the rules that decide who gets
which greeting or reminder when (data, per preset), and the log of every message with its
outcome."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from kefu.care import choices as ch
from kefu.followups.choices import Kind as FollowUpKind


class MessageTemplate(models.Model):
    """A text with placeholders ({name} {title} {model} {plate} {date} {center} {holiday}
    …). `provider_template` is the SMS provider's approved template id (Aliyun, Tencent),
    whose variables are the same placeholders."""

    code = models.SlugField("代码 code", max_length=40, unique=True)
    name = models.CharField("名称 name", max_length=64)
    channel = models.CharField(max_length=8, choices=ch.Channel.choices, default=ch.Channel.SMS)
    subject = models.CharField("标题 subject", max_length=100, blank=True)
    body = models.TextField("内容 body")
    provider_template = models.CharField(
        "短信模板号 provider template id", max_length=40, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "消息模板 message template"
        verbose_name_plural = "消息模板 message templates"

    def __str__(self) -> str:
        return self.name


class CareRule(models.Model):
    """Who gets what, when (R-6.1–R-6.3): birthdays `days_before` to `days_before_min` days
    ahead; a holiday `days_before` days ahead; a service date (maintenance, inspection,
    insurance, vehicle tax) `days_before` days ahead; a member card's expiry `days_before`
    days ahead; a campaign (promotion, store anniversary) `days_before` its
    `campaign_date`, to every active customer matching `condition`; a lifecycle event at
    once, or `days_before` days before the date in `date_attribute` of the event.
    `condition` filters like follow-up rules (e.g. by `attributes.category`, or
    `customer.level`)."""

    code = models.SlugField("代码 code", max_length=40, unique=True)
    name = models.CharField("名称 name", max_length=64)
    kind = models.CharField("类型 kind", max_length=12, choices=ch.Kind.choices)
    holiday = models.CharField(max_length=16, choices=ch.Holiday.choices, blank=True)
    service_date = models.CharField(max_length=24, choices=ch.ServiceDate.choices, blank=True)
    event_type = models.CharField("事件 event type", max_length=32, blank=True)
    date_attribute = models.CharField("日期属性 date attribute", max_length=32, blank=True)
    campaign_date = models.CharField(
        "活动日期 campaign date",
        max_length=10,
        blank=True,
        help_text="YYYY-MM-DD once, or MM-DD every year (a store anniversary)",
    )
    condition = models.JSONField("条件 condition", default=list, blank=True)
    days_before = models.PositiveSmallIntegerField("提前天数 days before", default=0)
    days_before_min = models.PositiveSmallIntegerField(
        "最少提前 at least days before", null=True, blank=True
    )
    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "关怀规则 care rule"
        verbose_name_plural = "关怀规则 care rules"
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class Message(models.Model):
    """Every message, sent or not, with its outcome (R-6.4). `key` makes it once per
    occasion: replaying a day or an event sends nothing twice."""

    key = models.CharField("幂等键 idempotency key", max_length=100, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="messages"
    )
    rule = models.ForeignKey(
        CareRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    template = models.ForeignKey(
        MessageTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=ch.Channel.choices)
    to = models.CharField("收件 to", max_length=254, blank=True)
    subject = models.CharField(max_length=100, blank=True)
    body = models.TextField()
    params = models.JSONField("模板变量 template variables", default=dict, blank=True)
    scheduled_for = models.DateTimeField("计划发送 send at")
    status = models.CharField(max_length=8, choices=ch.Status.choices, default=ch.Status.QUEUED)
    skip_reason = models.CharField(max_length=32, blank=True)
    provider = models.CharField(max_length=16, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "消息记录 message"
        verbose_name_plural = "消息记录 messages"
        indexes = [
            models.Index(fields=["status", "scheduled_for"], name="message_due"),
            models.Index(fields=["customer", "-scheduled_for"], name="message_customer"),
            models.Index(fields=["channel", "status", "scheduled_for"], name="message_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.key}"


class Campaign(models.Model):
    """A message to every active customer (a holiday greeting; later promotions and store
    anniversaries, R-6.1). Made in an instant by the day's run; the sender expands it into
    per-customer messages chunk by chunk (`cursor` = the last customer id done), so the
    day's schedule does not grow with the archive and a crash resumes where it stopped."""

    key = models.CharField(max_length=100, unique=True)
    rule = models.ForeignKey(CareRule, on_delete=models.PROTECT, related_name="+")
    target_date = models.DateField("日期 date")
    scheduled_for = models.DateTimeField("发送 send from")
    cursor = models.BigIntegerField("进度 last customer id done", default=0)
    done = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "群发活动 campaign"
        verbose_name_plural = "群发活动 campaigns"

    def __str__(self) -> str:
        return self.key


class SurveyRule(models.Model):
    """Which follow-ups ask the customer by SMS first (R-9.4): pending follow-ups of `kind`
    (and of the report `family`, when set — e.g. 3DC after a repair, `activity` after an
    activity) get the survey SMS (`template`, "回复1–5评价本次服务"); a reply within
    `wait_days` is the follow-up's result, no reply leaves it to the phone call."""

    code = models.SlugField("代码 code", max_length=40, unique=True)
    name = models.CharField("名称 name", max_length=64)
    followup_kind = models.CharField(
        "回访类型 follow-up kind", max_length=32, choices=FollowUpKind.choices
    )
    family = models.CharField("回访类别 family", max_length=16, blank=True)
    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="+")
    wait_days = models.PositiveSmallIntegerField(
        "等待回复天数 days to wait for a reply",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
    )
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "短信满意度调查规则 SMS survey rule"
        verbose_name_plural = "短信满意度调查规则 SMS survey rules"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SmsSurvey(models.Model):
    """One survey SMS for one follow-up (R-9.4): sent to `phone`, answered by a reply from
    that number before `expires_at`, or expired (the phone follow-up goes on)."""

    followup = models.OneToOneField(
        "followups.FollowUp", on_delete=models.PROTECT, related_name="sms_survey"
    )
    rule = models.ForeignKey(SurveyRule, on_delete=models.PROTECT, related_name="surveys")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    message = models.OneToOneField(
        Message, on_delete=models.PROTECT, null=True, blank=True, related_name="survey"
    )
    phone = models.CharField("手机 mobile", max_length=20)
    sent_at = models.DateTimeField("发送 sent at")
    expires_at = models.DateTimeField("截止 replies until")
    status = models.CharField(
        max_length=10, choices=ch.SurveyStatus.choices, default=ch.SurveyStatus.WAITING
    )
    score = models.PositiveSmallIntegerField("评分 score", null=True, blank=True)
    replied_at = models.DateTimeField("回复时间 replied at", null=True, blank=True)

    class Meta:
        verbose_name = "短信满意度调查 SMS survey"
        verbose_name_plural = "短信满意度调查 SMS surveys"
        indexes = [
            models.Index(fields=["phone", "status", "-sent_at"], name="survey_phone"),
            models.Index(fields=["status", "expires_at"], name="survey_due"),
        ]

    def __str__(self) -> str:
        return f"{self.followup_id} {self.status}"


class InboundSms(models.Model):
    """Every SMS a customer sent back, from the providers' reply callbacks (R-9.4, R-6.4),
    with what it was taken as: a survey score, an opt-out (TD/退订), a registration for an
    activity, or nothing known (`unmatched`, left for a person to read). `key` is the
    provider's own id of the reply, so a pushed-again batch is recorded once."""

    key = models.CharField("幂等键 idempotency key", max_length=100, unique=True)
    provider = models.CharField("服务商 provider", max_length=16)
    phone = models.CharField("手机 mobile", max_length=20)
    text = models.CharField("内容 text", max_length=500)
    received_at = models.DateTimeField("回复时间 received at")
    outcome = models.CharField(
        "处理 outcome", max_length=10, choices=ch.ReplyOutcome.choices, default=""
    )
    detail = models.CharField("说明 detail", max_length=200, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    survey = models.ForeignKey(
        SmsSurvey, on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "短信回复 SMS reply"
        verbose_name_plural = "短信回复 SMS replies"
        indexes = [
            models.Index(fields=["-received_at"], name="inbound_time"),
            models.Index(fields=["outcome", "-received_at"], name="inbound_outcome"),
            models.Index(fields=["phone", "-received_at"], name="inbound_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.phone} {self.outcome}"
