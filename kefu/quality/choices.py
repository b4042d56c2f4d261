"""Choices of the quality app."""

from django.db import models


class Written(models.TextChoices):
    """Where a forbidden phrase was written."""

    INTERACTION = "interaction", "接待记录 contact"
    CALLBACK = "callback", "回电·留言 callback"
    FOLLOWUP = "followup", "回访 follow-up"
    WORK_ORDER = "work_order", "工单处理结果 work order result"
    COMPLAINT = "complaint", "投诉处理记录 complaint record"


class InspectionStatus(models.TextChoices):
    """A sampled contact's way through QA (R-7.1): drawn, scored by the inspector, appealed
    once by the agent, decided by the team lead."""

    DUE = "due", "待质检 to inspect"
    SCORED = "scored", "已评分 scored"
    APPEALED = "appealed", "申诉中 appealed"
    FINAL = "final", "已定 final"


class AppealDecision(models.TextChoices):
    UPHELD = "upheld", "申诉成立 upheld"
    REJECTED = "rejected", "申诉驳回 rejected"


class Speaker(models.TextChoices):
    AGENT = "agent", "坐席 agent"
    CUSTOMER = "customer", "客户 customer"


class RuleKind(models.TextChoices):
    """What an automatic QA rule looks for in a call's transcript (R-7.5)."""

    GREETING = "greeting", "开头问候语 greeting"
    CLOSING = "closing", "结束语 closing"
    FORBIDDEN = "forbidden", "禁忌用语 forbidden phrase"
    SILENCE = "silence", "静音过长 silence"
    OVERTALK = "overtalk", "抢话 talking over"
    ANGER = "anger", "客户情绪·投诉倾向 anger words"
    PRAISE = "praise", "客户致谢 customer thanks"


class TranscriptSource(models.TextChoices):
    CTI = "cti", "电话系统 phone system"
    UPLOAD = "upload", "上传 upload"
