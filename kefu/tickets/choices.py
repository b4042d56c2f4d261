"""Choice lists of work orders (R-3)."""

from django.db import models


class Status(models.TextChoices):
    NEW = "new", "新建 new"
    DISPATCHED = "dispatched", "已派工 dispatched"
    IN_PROGRESS = "in_progress", "处理中 in progress"
    DONE = "done", "已完成 done"
    VERIFIED = "verified", "已回访确认 verified"
    REOPENED = "reopened", "重新处理 reopened"
    CANCELLED = "cancelled", "已废除 cancelled"


class Priority(models.TextChoices):
    LOW = "low", "低 low"
    NORMAL = "normal", "普通 normal"
    HIGH = "high", "高 high"
    URGENT = "urgent", "紧急 urgent"


class Category(models.TextChoices):
    FAULT = "fault", "故障报修 fault report"
    VISIT = "visit", "上门服务 on-site visit"
    GOODS = "goods", "缺漏错货 missing/wrong goods"
    OTHER = "other", "其他协调 other coordination"


class HoursKind(models.TextChoices):
    CALENDAR = "calendar", "自然时间 calendar hours"
    WORKING = "working", "工作时间 working hours"


class EventKind(models.TextChoices):
    CREATED = "created", "创建 created"
    TRANSITION = "transition", "状态变更 transition"
    URGE = "urge", "催办 urge"
    ESCALATE = "escalate", "升级 escalate"


class EscalationChain(models.TextChoices):
    WORK_ORDER = "work_order", "工单 work orders"
    COMPLAINT = "complaint", "投诉 complaints"
