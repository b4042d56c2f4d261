"""Choice lists of membership and the owners' club (R-9.1)."""

from django.db import models


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "有效 active"
    EXPIRED = "expired", "已过期 expired"
    CANCELLED = "cancelled", "已退会 cancelled"


class PointsKind(models.TextChoices):
    VISIT = "visit", "到店服务 service visit"
    ACTIVITY = "activity", "参加活动 activity"
    REDEEM = "redeem", "兑换权益 redeemed"
    ADJUST = "adjust", "人工调整 adjustment"


class BenefitKind(models.TextChoices):
    DISCOUNT = "discount", "折扣 discount"
    FREE_CHECK = "free_check", "免费检测 free check"
    PRIORITY = "priority", "优先服务 priority service"
    VOUCHER = "voucher", "积分兑换 voucher"
