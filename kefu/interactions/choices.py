"""Choice lists of calls, visits and letters (R-2)."""

from django.db import models


class Channel(models.TextChoices):
    INBOUND_CALL = "inbound_call", "来电 inbound call"
    OUTBOUND_CALL = "outbound_call", "去电 outbound call"
    VISIT = "visit", "来访 walk-in visit"
    LETTER = "letter", "来函 letter"
    SMS = "sms", "短信 SMS"
    EMAIL = "email", "邮件 email"
    WECHAT = "wechat", "微信 WeChat"


class Category(models.TextChoices):
    CONSULTATION = "consultation", "咨询 consultation"
    REPAIR = "repair", "报事报修 report/repair"
    COMPLAINT = "complaint", "投诉 complaint"
    PRAISE = "praise", "表扬 praise"
    SUGGESTION = "suggestion", "建议 suggestion"
    OTHER = "other", "其他来函 other correspondence"


class Routing(models.TextChoices):
    """Where the interaction went (R-2.3). `pending`: a work order or complaint is due."""

    NONE = "none", "无需转办 none"
    PENDING = "pending", "待转办 pending"
    DONE = "done", "已转办 routed"


class TaskKind(models.TextChoices):
    CALLBACK = "callback", "回电承诺 callback promise"
    MESSAGE = "message", "留言 message for a colleague"


class TaskStatus(models.TextChoices):
    OPEN = "open", "待办 open"
    DONE = "done", "已完成 done"
    CANCELLED = "cancelled", "已取消 cancelled"


class CtiEvent(models.TextChoices):
    RINGING = "ringing", "振铃 ringing"
    ANSWERED = "answered", "接听 answered"
    HANGUP = "hangup", "挂机 hang-up"


class NoticeKind(models.TextChoices):
    """Why a person or a department got a notice."""

    PRAISE = "praise", "表扬 praise"
    CORRESPONDENCE = "correspondence", "来函转办 correspondence"
    COMPLAINT = "complaint", "投诉 complaint"
    WORK_ORDER_DONE = "work_order_done", "工单完成待回访 work order done"
    URGE = "urge", "催办 urged"
    ESCALATION = "escalation", "升级 escalation"
    SECURITY = "security", "安全提醒 security"
    APPROVAL = "approval", "待审批 approval request"
    MESSAGE = "message", "留言 message"
    QA = "qa", "质检 QA"
    REPORT = "report", "报表 report"
