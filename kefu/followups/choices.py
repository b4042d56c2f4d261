"""Choice lists of follow-ups (R-5)."""

from django.db import models


class Status(models.TextChoices):
    PENDING = "pending", "待回访 pending"
    DONE = "done", "已回访 done"
    UNREACHABLE = "unreachable", "无法联系 unreachable"
    CANCELLED = "cancelled", "已取消 cancelled"


class Result(models.TextChoices):
    SATISFIED = "satisfied", "满意 satisfied"
    NEUTRAL = "neutral", "一般 neutral"
    UNSATISFIED = "unsatisfied", "不满意 unsatisfied"


class Trigger(models.TextChoices):
    """When a rule makes its tasks: on each event, or on a calendar day from the events
    of the last period (first week of the month, every Monday …)."""

    EVENT = "event", "事件触发 on the event"
    MONTHLY = "monthly", "每月首周 first week of the month, last month's events"
    WEEKLY = "weekly", "每周 weekly, last week's events"
    QUARTERLY = "quarterly", "每季度 first week of the quarter, last quarter's events"


class DayKind(models.TextChoices):
    CALENDAR = "calendar", "自然日 calendar days"
    WORKING = "working", "工作日 working days"


class OwnerMode(models.TextChoices):
    AGENT = "agent", "客户的专属客服 the customer's agent"
    DEPARTMENT = "department", "部门抽样 a member of the department"
    ROLE = "role", "按角色 a user of the role (e.g. GM office)"


class Channel(models.TextChoices):
    PHONE = "phone", "电话 phone"
    SMS = "sms", "短信 SMS"
    VISIT = "visit", "上门 visit"


class AttemptOutcome(models.TextChoices):
    NO_ANSWER = "no_answer", "无人接听 no answer"
    BUSY = "busy", "占线 busy"
    WRONG_NUMBER = "wrong_number", "号码错误 wrong number"
    APPOINTMENT = "appointment", "约定时间 appointment"
    REACHED = "reached", "已接通 reached"
    SMS_REPLY = "sms_reply", "短信回复 answered by SMS"


class Kind(models.TextChoices):
    """What a follow-up checks: a lifecycle rule's call (its report `family`: 7DC, 3DC …),
    a closed complaint (R-4.2), a finished work order (R-3.3) or a care phone task (R-6)."""

    RULE = "rule", "事件回访 lifecycle follow-up"
    COMPLAINT = "complaint", "投诉回访 complaint follow-up"
    WORK_ORDER = "work_order", "工单回访 work-order follow-up"
    CARE = "care", "关怀电话 care call"
