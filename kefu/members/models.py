"""Membership and the owners' club (R-9.1): the center's member levels with their benefits
and rules (join, renew, upgrade by spend or years), each member's card, the points ledger
(earned by service visits and activities, spent on benefits; never an editable balance) and
every benefit used."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kefu.customers.choices import Level
from kefu.members import choices as ch


def default_visit_events() -> list[str]:
    return ["repair_handed_back"]


class MemberLevel(models.Model):
    """A level of the center's club (银卡, 金卡, 钻石 …), ordered by `rank`. A customer may
    join the lowest level; a higher one once their spend (yuan, `min_spend`) or their years
    as a member (`min_years`) reach it — either rule, a zero one unused. `benefits`: a list
    of {code, name, kind, value, per_year, points}: a discount (value = percent off), free
    checks a year, priority service, or a voucher bought with points. `customer_level` is
    what the rest of the center sees (member or VIP: always followed up, R-5.2)."""

    code = models.SlugField("代码 code", max_length=32, unique=True)
    name = models.CharField("名称 name", max_length=32)
    rank = models.PositiveSmallIntegerField("等级 rank", default=1)
    customer_level = models.CharField(
        "客户级别 customer level", max_length=8, choices=Level.choices, default=Level.MEMBER
    )
    min_spend = models.DecimalField(
        "升级消费(元) upgrade at spend", max_digits=12, decimal_places=2, default=0
    )
    min_years = models.PositiveSmallIntegerField("升级会龄(年) upgrade at years", default=0)
    card_months = models.PositiveSmallIntegerField("有效期(月) card valid months", default=12)
    fee = models.DecimalField("会费(元) fee", max_digits=10, decimal_places=2, default=0)
    points_per_visit = models.PositiveSmallIntegerField("到店积分 points a visit", default=10)
    points_per_activity = models.PositiveSmallIntegerField(
        "活动积分 points an activity", default=20
    )
    visit_events = models.JSONField(
        "到店事件 visit events", default=default_visit_events, blank=True
    )
    benefits = models.JSONField("权益 benefits", default=list, blank=True)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "会员等级 member level"
        verbose_name_plural = "会员等级 member levels"
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A customer's membership: level, card number, dates, the owners' club."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.PROTECT, related_name="membership"
    )
    level = models.ForeignKey(MemberLevel, on_delete=models.PROTECT, related_name="members")
    card_no = models.CharField("会员卡号 card number", max_length=20, unique=True)
    joined_on = models.DateField("入会日期 joined on")
    expires_on = models.DateField("有效期至 valid until")
    club = models.BooleanField("车主俱乐部 owners' club", default=False)
    status = models.CharField(
        max_length=10, choices=ch.MembershipStatus.choices, default=ch.MembershipStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "会员 membership"
        verbose_name_plural = "会员 memberships"
        indexes = [models.Index(fields=["status", "expires_on"], name="membership_expiry")]

    def __str__(self) -> str:
        return self.card_no


class PointsEntry(models.Model):
    """One line of a member's points ledger; the balance is their sum. `key` makes an
    earning once per occasion (a visit, an activity): replays add nothing."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="points_entries"
    )
    kind = models.CharField(max_length=10, choices=ch.PointsKind.choices)
    points = models.IntegerField("积分 points")
    reason = models.CharField("事由 reason", max_length=200)
    key = models.CharField(max_length=100, unique=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "积分流水 points entry"
        verbose_name_plural = "积分流水 points ledger"
        indexes = [models.Index(fields=["customer", "-at"], name="points_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.points:+d}"


class BenefitUse(models.Model):
    """A benefit a member used (a free check, a voucher for points): counted against its
    yearly allowance."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="uses")
    benefit = models.CharField("权益 benefit", max_length=32)
    name = models.CharField("名称 name", max_length=64)
    points = models.PositiveIntegerField("消耗积分 points spent", default=0)
    note = models.CharField("备注 note", max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    used_on = models.DateField("使用日期 used on")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "权益使用 benefit use"
        verbose_name_plural = "权益使用 benefit uses"
        indexes = [models.Index(fields=["membership", "benefit", "used_on"], name="benefit_use")]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.benefit}"
