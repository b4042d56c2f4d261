"""Center-wide configuration: settings, industry presets, holiday calendar, number counters."""

from django.db import models


class Preset(models.Model):
    """An industry preset (R-0.2): asset kinds, lifecycle events, document checklists, fields.

    Loaded from `kefu/core/presets/<code>.json` by `kefu preset load`, editable in the admin.
    """

    code = models.SlugField("代码 code", max_length=32, unique=True)
    label = models.CharField("名称 label", max_length=64)
    config = models.JSONField("配置 config", default=dict)
    loaded_at = models.DateTimeField("载入时间 loaded at", auto_now=True)

    class Meta:
        verbose_name = "行业预设 preset"
        verbose_name_plural = "行业预设 presets"

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"


def default_quiet_hours() -> list:
    return [["12:00", "14:00"], ["21:00", "08:00"]]


class CenterSetting(models.Model):
    """The one row of center settings (name, active preset, deadlines an admin may change)."""

    name = models.CharField("中心名称 center name", max_length=100, default="客服中心")
    preset = models.ForeignKey(Preset, on_delete=models.PROTECT, null=True, blank=True)
    first_contact_hours = models.PositiveIntegerField(
        "首次联系时限(小时) first contact within hours", default=168
    )
    # "Answer within 3 rings": a ring cycle in China is about 5 s (1 s on, 4 s off).
    answer_seconds = models.PositiveIntegerField("接听时限(秒) answer within seconds", default=15)
    quiet_hours = models.JSONField(
        "免打扰时段 do-not-disturb windows",
        default=default_quiet_hours,
        help_text='[["12:00", "14:00"], ["21:00", "08:00"]] — no follow-up calls then (R-5.2)',
    )
    work_day_start = models.TimeField("上班时间 working day starts", default="09:00")
    work_day_end = models.TimeField("下班时间 working day ends", default="18:00")
    repair_department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="报事报修转交部门 reports and repairs go to",
    )
    correspondence_department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="其他来函转交部门 other correspondence goes to",
    )
    # Retention: after these many months the daily job clears the personal parts of
    # old records, keeping the rows for the reports; 0 keeps them for ever.
    retain_contacts_months = models.PositiveSmallIntegerField(
        "来电来访记录保留(月) keep contact details for months", default=0,
        help_text="0 = keep; older contacts lose caller number, name and what was said",
    )  # fmt: skip
    retain_recordings_months = models.PositiveSmallIntegerField(
        "录音链接保留(月) keep recording links for months", default=0,
        help_text="0 = keep; older transcripts lose their recording link",
    )  # fmt: skip
    retain_messages_months = models.PositiveSmallIntegerField(
        "短信邮件记录保留(月) keep message logs for months", default=0,
        help_text="0 = keep; older messages lose recipient and text, replies are deleted",
    )  # fmt: skip

    class Meta:
        verbose_name = "中心设置 center setting"
        verbose_name_plural = "中心设置 center settings"

    def __str__(self) -> str:
        return self.name


class HolidayDay(models.Model):
    """An imported calendar day (R-0.6) that overrides the built-in calendar.

    `is_workday=False` marks a statutory holiday; `True` a 调休 working weekend day.
    Years the `chinesecalendar` package does not know are covered by importing these.
    """

    date = models.DateField("日期 date", unique=True)
    is_workday = models.BooleanField("是否工作日 working day", default=False)
    name = models.CharField("名称 name", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日 holiday day"
        verbose_name_plural = "节假日 holiday calendar"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'} {self.name}"


class Counter(models.Model):
    """A named gap-free counter (customer numbers) incremented under a row lock."""

    name = models.CharField(max_length=32, unique=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class DayRun(models.Model):
    """A day job that finished for a day, so its hourly calls that day cost nothing."""

    job = models.CharField(max_length=64)
    day = models.DateField()
    finished_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="day_run_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"


class RetentionRun(models.Model):
    """What one retention run cleared (R-11.3, R-0.3): kind of record, the cut-off, how
    many; the job's own audit trail, read on the admin's 保留清理 list."""

    KINDS = [("contacts", "来电来访 contacts"), ("recordings", "录音链接 recording links"),
             ("messages", "短信邮件 messages"), ("replies", "短信回复 SMS replies")]  # fmt: skip
    kind = models.CharField("类型 kind", max_length=12, choices=KINDS)
    cutoff = models.DateTimeField("早于 older than")
    cleared = models.PositiveIntegerField("清理条数 cleared", default=0)
    ran_at = models.DateTimeField("执行时间 ran at", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "保留清理 retention run"
        verbose_name_plural = "保留清理 retention runs"

    def __str__(self) -> str:
        return f"{self.kind} {self.cleared}"


class JobStatus(models.Model):
    """When each periodic job last finished, and its last failure: read by /health and the
    manager's workbench, so jobs that stop (Redis down, beat not running) are seen."""

    job = models.CharField(max_length=64, unique=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "后台任务状态 job status"
        verbose_name_plural = "后台任务状态 job status"

    def __str__(self) -> str:
        return self.job
