"""Daily aggregates the reports read (R-8.1): one row per day, metric, agent and key (a
channel and category, a follow-up family, a question) — kept by the day jobs from the raw
records and rebuilt for any range (`kefu.reports.aggregate`), so a year's report reads a few
thousand rows, not millions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class DailyCount(models.Model):
    day = models.DateField()
    metric = models.CharField(max_length=24)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    key = models.CharField(max_length=80, blank=True)
    n = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["metric", "day"], name="dailycount_metric_day"),
            # a day's rows replaced by its rebuild
            models.Index(fields=["day"], name="dailycount_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.agent_id} {self.key}={self.n}"


class PointRule(models.Model):
    """A performance-points rule 绩效积分 (R-8.3), data per center; the preset loads the
    seed's table. `kind` says what it counts from the records, `threshold` the bar (or the
    QA score band), `points` what each hit earns (negative deducts), `params` the rest (a
    follow-up family …)."""

    KINDS = [
        ("followups_week", "每周回访达标 follow-ups a week"),
        ("followups_month", "每月回访达标 follow-ups a month"),
        ("deals_revisited", "上月成交首周回访完 last month's deals revisited in week one"),
        ("records_verified", "核实档案达标 records verified"),
        ("visits_verified", "业务员访客记录核查 salesmen's visits verified"),
        ("attitude_complaint", "服务态度投诉 attitude complaint"),
        ("late_file", "档案交接逾期 late file hand-over"),
        ("qa_band", "质检得分段 QA score band"),
    ]
    code = models.SlugField("代码 code", max_length=40, unique=True)
    name = models.CharField("名称 name", max_length=64)
    kind = models.CharField("类型 kind", max_length=20, choices=KINDS)
    threshold = models.IntegerField("门槛 threshold", default=0)
    points = models.SmallIntegerField("分值 points")
    params = models.JSONField(default=dict, blank=True)
    active = models.BooleanField("启用 active", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "绩效积分规则 point rule"
        verbose_name_plural = "绩效积分规则 point rules"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.points:+d})"


class PointEntry(models.Model):
    """Points one agent earned (or lost) by one rule in one month, computed from the records
    — `evidence` names them ({"type": "followup", "ids": […]}) so each point is traceable.
    Recomputed whole for a month: never typed in."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    rule = models.ForeignKey(PointRule, on_delete=models.CASCADE, related_name="entries")
    points = models.SmallIntegerField()
    count = models.IntegerField(default=0)
    evidence = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["month", "agent"], name="pointentry_month")]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.month:%Y-%m} {self.points:+d}"


class PointAdjustment(models.Model):
    """A manual adjustment of an agent's month, with the reason, requested by a team lead
    and approved (or rejected) by a CS manager; only approved ones count."""

    STATUSES = [("pending", "待审批 pending"), ("approved", "已批准 approved"),
                ("rejected", "已驳回 rejected")]  # fmt: skip
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    points = models.SmallIntegerField()
    reason = models.CharField("原因 reason", max_length=500)
    status = models.CharField(max_length=8, choices=STATUSES, default="pending")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "积分调整 point adjustment"
        verbose_name_plural = "积分调整 point adjustments"

    def __str__(self) -> str:
        return f"{self.agent_id} {self.month:%Y-%m} {self.points:+d}"


class ScheduledReport(models.Model):
    """A report sent by itself (R-8.1): which report, for which period, when (every day,
    every Monday, or on a day of the month), to whom — e-mailed as XLSX and kept in the
    report archive. Data the administrator edits; the preset loads the seed's three."""

    EVERY = [("daily", "每天 daily"), ("weekly", "每周一 every Monday"),
             ("monthly", "每月 monthly")]  # fmt: skip
    code = models.SlugField("代码 code", max_length=40, unique=True)
    name = models.CharField("名称 name", max_length=64)
    report = models.CharField("报表 report", max_length=20)
    range = models.CharField("区间 range", max_length=12, default="yesterday")
    group = models.CharField("分组 group", max_length=5, default="day")
    every = models.CharField("频率 every", max_length=8, choices=EVERY)
    day = models.PositiveSmallIntegerField("每月几号 day of month", default=1)
    recipients = models.TextField("收件人 recipients (one e-mail a line)", blank=True)
    active = models.BooleanField("启用 active", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "定时报表 scheduled report"
        verbose_name_plural = "定时报表 scheduled reports"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ReportArchive(models.Model):
    """One scheduled report as made: its period, the XLSX, who it was sent to, or why not.
    Made once per report and period (the job may run again)."""

    scheduled = models.ForeignKey(ScheduledReport, on_delete=models.CASCADE, related_name="runs")
    stamp = models.CharField(max_length=20)  # the period, 20261101-20261130
    title = models.CharField(max_length=120)
    # the XLSX in the center's file storage (var/files or object storage); archives made
    # before issue 15 kept it in the row
    file = models.FileField(upload_to="reports/%Y/%m/", max_length=200, blank=True)
    content = models.BinaryField(default=b"", blank=True)
    sent_to = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "报表存档 report archive"
        verbose_name_plural = "报表存档 report archive"
        constraints = [models.UniqueConstraint(fields=["scheduled", "stamp"], name="archive_once")]
        indexes = [models.Index(fields=["-made_at"], name="archive_time")]

    def __str__(self) -> str:
        return f"{self.title} {self.stamp}"

    def xlsx(self) -> bytes:
        if self.file:
            with self.file.open("rb") as f:
                return f.read()
        return bytes(self.content)


class ChurnRule(models.Model):
    """When a customer counts as lost (R-8.2), per center: no service visit (the event
    types named, or a repair date on an asset) for `months`, or no visit since a complaint
    received `months` ago. The preset loads its defaults (6 and 12 months for cars). The
    list a rule finds becomes win-back calls of `followup_rule` (its script and family)."""

    KINDS = [("no_visit", "久未回厂/到店 no service visit"),
             ("after_complaint", "投诉后流失 lost after a complaint")]  # fmt: skip
    code = models.SlugField("代码 code", max_length=40, unique=True)
    name = models.CharField("名称 name", max_length=64)
    kind = models.CharField("类型 kind", max_length=16, choices=KINDS)
    months = models.PositiveSmallIntegerField("月数 months")
    event_types = models.JSONField(
        "算作到店的事件 events that count as a visit", default=list, blank=True
    )
    followup_rule = models.ForeignKey(
        "followups.FollowUpRule", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="挽回回访规则 win-back follow-up rule",
    )  # fmt: skip
    active = models.BooleanField("启用 active", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "流失规则 churn rule"
        verbose_name_plural = "流失规则 churn rules"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class CustomerStanding(models.Model):
    """Each customer's standing for the analysis (R-8.2), made by the daily job from the
    records: region, age band, last service visit, visits in the last twelve months,
    purchases and their amount, the last complaint, and the RFM segment. The analysis and
    the churn lists read this, not the raw records."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, primary_key=True, related_name="standing"
    )
    region = models.CharField(max_length=16, blank=True)
    age_band = models.CharField(max_length=8, blank=True)
    last_service_on = models.DateField(null=True)
    visits_year = models.PositiveIntegerField(default=0)
    purchases = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    last_purchase_on = models.DateField(null=True)
    last_complaint_on = models.DateField(null=True)
    last_active_on = models.DateField(null=True)  # the later of the last visit and purchase
    segment = models.CharField(max_length=3, blank=True)  # RFM: "111" … "000"
    computed_on = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["last_service_on"], name="standing_service"),
            models.Index(fields=["last_active_on", "customer"], name="standing_active"),
            models.Index(fields=["last_complaint_on"], name="standing_complaint"),
            models.Index(fields=["segment"], name="standing_segment"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.segment}"


class MonthlyReport(models.Model):
    """The CS center monthly report 客服中心月报 (R-8.1, seed 000): drafted for each team
    lead on the 20th with the month's figures filled in, written (summary, problems,
    improvements) and submitted by the 22nd; a reminder on the 22nd, then the CS managers
    are told it is late."""

    STATUSES = [("draft", "待提交 draft"), ("submitted", "已提交 submitted")]
    month = models.DateField("月份 month")  # the first day of the month reported
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    status = models.CharField(max_length=10, choices=STATUSES, default="draft")
    due_on = models.DateField("提交期限 due")
    figures = models.JSONField("数据 figures", default=list)  # the report tables when drafted
    summary = models.TextField("工作总结 summary", max_length=4000, blank=True)
    problems = models.TextField("存在问题 problems", max_length=4000, blank=True)
    plans = models.TextField("改进措施与下月计划 improvements and plans", max_length=4000,
                             blank=True)  # fmt: skip
    submitted_at = models.DateTimeField(null=True)
    reminded_at = models.DateTimeField(null=True)
    escalated_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["figures"])

    class Meta:
        verbose_name = "客服中心月报 monthly report"
        verbose_name_plural = "客服中心月报 monthly reports"
        constraints = [models.UniqueConstraint(fields=["month", "author"], name="monthly_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.author_id}"
