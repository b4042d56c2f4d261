"""Choice lists of the complaint loop (R-4)."""

from django.db import models


class Stage(models.TextChoices):
    """The six stages of R-4.1 and the closed state. The stage is the one being worked:
    a new complaint has its 受理 record and waits for 判断."""

    INTAKE = "intake", "受理 intake"
    JUDGMENT = "judgment", "判断 judgment"
    INVESTIGATION = "investigation", "调查 investigation"
    SOLUTION = "solution", "方案 solution"
    IMPLEMENTATION = "implementation", "实施 implementation"
    REVIEW = "review", "总结 review"
    CLOSED = "closed", "已结案 closed"


class Outcome(models.TextChoices):
    OPEN = "", "处理中 open"
    INVALID = "invalid", "无效投诉 invalid"
    RESOLVED = "resolved", "已解决 resolved"


class ComplaintClass(models.TextChoices):
    """The classes of the 顾客投诉分类统计表 (R-4.1 调查)."""

    PRODUCT_QUALITY = "product_quality", "产品质量 product quality"
    REPAIR_QUALITY = "repair_quality", "维修质量 repair quality"
    SERVICE_ATTITUDE = "service_attitude", "服务态度 service attitude"
    DELIVERY = "delivery", "交付/送货 delivery"
    INSTALLATION = "installation", "安装 installation"
    PRICE = "price", "价格 price"
    OTHER = "other", "其他 other"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "待审批 proposed"
    APPROVED = "approved", "已批准 approved"
    REJECTED = "rejected", "未采用 rejected"
    WITHDRAWN = "withdrawn", "已作废 withdrawn"


class CompensationForm(models.TextChoices):
    CASH = "cash", "现金/退款 cash or refund"
    VOUCHER = "voucher", "代金券 voucher"
    FREE_SERVICE = "free_service", "免费服务 free service"
    REPLACEMENT = "replacement", "换货 replacement"
    GIFT = "gift", "礼品 gift"
    OTHER = "other", "其他 other"


class EventKind(models.TextChoices):
    CREATED = "created", "受理 created"
    ADVANCED = "advanced", "推进 advanced"
    REOPENED = "reopened", "重开 reopened"
    PROPOSED = "proposed", "提出方案 proposal"
    APPROVED = "approved", "批准方案 approved"
    REJECTED = "rejected", "驳回方案 rejected"
    ESCALATED = "escalated", "升级 escalated"
    FOLLOWUP = "followup", "回访 follow-up"
