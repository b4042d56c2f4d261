"""Every write of membership (R-9.1): joining (a card number, the card's date), renewing,
upgrading when the spend or the years allow it, the points earned by service visits and
activities and spent on benefits (a ledger: every change a line with its reason), the daily
job that expires cards and tells members who reached a higher level (the care engine's
lifecycle rule on `member_upgrade_due` sends the message; the card-renewal reminder is the
care engine's member-card rule on the customer's card date)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.core.audit import audit_as
from kefu.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed, invalid
from kefu.core.inputs import text_value
from kefu.core.services import counter_reserve
from kefu.customers.choices import Level
from kefu.customers.flags import customer_set_level
from kefu.customers.models import Customer
from kefu.followups.events import event_record
from kefu.members import choices as ch
from kefu.members.models import BenefitUse, MemberLevel, Membership, PointsEntry
from kefu.reports.models import CustomerStanding


def _months_later(day: dt.date, months: int) -> dt.date:
    m = day.year * 12 + day.month - 1 + months
    year, month = m // 12, m % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    return dt.date(year, month, 28)


def points_balance(customer: Customer) -> int:
    return PointsEntry.objects.filter(customer=customer).aggregate(n=Sum("points"))["n"] or 0


def spend_of(customer: Customer) -> Decimal:
    """What the customer has spent, from the nightly standing (R-8.2)."""
    standing = CustomerStanding.objects.filter(customer=customer).first()
    return standing.amount if standing else Decimal(0)


def years_of(membership: Membership, today: dt.date) -> int:
    j = membership.joined_on
    return today.year - j.year - ((today.month, today.day) < (j.month, j.day))


def eligible(level: MemberLevel, *, spend: Decimal, years: int) -> bool:
    """A level's rule: reached by spend or by years, whichever it sets (none: open)."""
    rules = []
    if level.min_spend:
        rules.append(spend >= level.min_spend)
    if level.min_years:
        rules.append(years >= level.min_years)
    return not rules or any(rules)


def _level(code: str) -> MemberLevel:
    found = MemberLevel.objects.filter(code=str(code)[:32], active=True).first()
    if found is None:
        raise invalid("level", "not_found", f"没有会员等级 {str(code)[:32]}",
                      f"No member level {str(code)[:32]}")  # fmt: skip
    return found


def _sync(membership: Membership, actor: User | None, reason: str) -> None:
    active = membership.status == ch.MembershipStatus.ACTIVE
    customer_set_level(
        customer=membership.customer, actor=actor,
        level=membership.level.customer_level if active else Level.NORMAL,
        card_expires_on=membership.expires_on if active else None, reason=reason,
    )  # fmt: skip


@transaction.atomic
def member_join(*, actor: User, customer: Customer, data: dict[str, Any]) -> Membership:
    """A customer joins at a level their spend or years allow (the lowest is open to
    all), with a card number and the card's date; a former member joins again."""
    require(actor, P.EDIT_OWN_CUSTOMER)
    level = _level(data.get("level") or "")
    current = Membership.objects.select_for_update().filter(customer=customer).first()
    if current and current.status == ch.MembershipStatus.ACTIVE:
        raise Conflict(FieldError("customer", "already_member",
                                  f"客户已是{current.level.name}（{current.card_no}）",
                                  f"Already a member ({current.card_no})"))  # fmt: skip
    lowest = MemberLevel.objects.filter(active=True).order_by("rank").first()
    if level != lowest and not eligible(level, spend=spend_of(customer), years=0):
        raise invalid("level", "not_eligible", f"客户的消费未达到{level.name}的入会条件",
                      f"The customer's spend does not reach {level.code}")  # fmt: skip
    today = timezone.localdate()
    m = current or Membership(customer=customer)
    if not m.card_no:
        m.card_no = f"M{today:%y}{counter_reserve(name='member_card'):06d}"
    m.level, m.joined_on, m.club = level, today, bool(data.get("club"))
    m.expires_on, m.status = _months_later(today, level.card_months), ch.MembershipStatus.ACTIVE
    audit_as(m, actor, reason="入会 joined")
    m.save()
    _sync(m, actor, f"入会 joined {level.code}")
    return m


def _membership(customer: Customer) -> Membership:
    m = Membership.objects.select_for_update().select_related("level").filter(
        customer=customer).first()  # fmt: skip
    if m is None:
        raise invalid("customer", "not_member", "客户还不是会员", "The customer is not a member")
    return m


@transaction.atomic
def member_renew(*, actor: User, customer: Customer) -> Membership:
    """Another period of the level's months, from the card's date (or today, if past)."""
    require(actor, P.EDIT_OWN_CUSTOMER)
    m = _membership(customer)
    if m.status == ch.MembershipStatus.CANCELLED:
        raise Conflict(FieldError("status", "cancelled", "已退会，请重新入会",
                                  "Cancelled: join again"))  # fmt: skip
    start = max(m.expires_on, timezone.localdate())
    m.expires_on, m.status = _months_later(start, m.level.card_months), ch.MembershipStatus.ACTIVE
    audit_as(m, actor, reason="续期 renewed")
    m.save()
    _sync(m, actor, "会员续期 renewed")
    return m


@transaction.atomic
def member_upgrade(*, actor: User, customer: Customer, level_code: str) -> Membership:
    """To a higher level the customer's spend or years reach."""
    require(actor, P.EDIT_OWN_CUSTOMER)
    m = _membership(customer)
    level = _level(level_code)
    if m.status != ch.MembershipStatus.ACTIVE or level.rank <= m.level.rank:
        raise invalid("level", "not_higher", "只能升到更高的等级（有效会员）",
                      "Only an active member moves to a higher level")  # fmt: skip
    today = timezone.localdate()
    if not eligible(level, spend=spend_of(customer), years=years_of(m, today)):
        raise invalid("level", "not_eligible", f"未达到{level.name}的升级条件",
                      f"The spend or years do not reach {level.code}")  # fmt: skip
    m.level = level
    audit_as(m, actor, reason=f"升级 upgraded to {level.code}")
    m.save()
    _sync(m, actor, f"会员升级 upgraded {level.code}")
    return m


@transaction.atomic
def member_cancel(*, actor: User, customer: Customer, reason: str) -> Membership:
    require(actor, P.EDIT_ANY_CUSTOMER)
    m = _membership(customer)
    m.status = ch.MembershipStatus.CANCELLED
    audit_as(m, actor, reason=(reason or "退会 cancelled")[:100])
    m.save()
    _sync(m, actor, "退会 cancelled")
    return m


def points_earn(*, customer: Customer, kind: str, points: int, key: str, reason: str,
                actor: User | None = None) -> PointsEntry | None:  # fmt: skip
    """Points for a visit or an activity, once per `key` (None when already given or the
    customer is no active member)."""
    m = Membership.objects.filter(customer=customer, status=ch.MembershipStatus.ACTIVE).first()
    if m is None or points <= 0 or PointsEntry.objects.filter(key=key[:100]).exists():
        return None
    try:
        with transaction.atomic():
            return PointsEntry.objects.create(
                customer=customer, kind=kind, points=points, key=key[:100],
                reason=reason[:200], by=actor,
            )  # fmt: skip
    except IntegrityError:  # the same occasion recorded at the same moment elsewhere
        return None


def visit_points(event: Any) -> PointsEntry | None:
    """A service visit (the level's visit events) earns the level's points (R-9.1)."""
    m = Membership.objects.select_related("level").filter(
        customer_id=event.customer_id, status=ch.MembershipStatus.ACTIVE).first()  # fmt: skip
    if m is None or event.type not in (m.level.visit_events or []):
        return None
    return points_earn(customer=m.customer, kind=ch.PointsKind.VISIT,
                       points=m.level.points_per_visit, key=f"visit:{event.pk}",
                       reason=f"到店服务 {event.type}")  # fmt: skip


@transaction.atomic
def benefit_redeem(*, actor: User, customer: Customer, data: dict[str, Any]) -> BenefitUse:
    """A member uses a benefit: within its yearly allowance, paying its points from the
    balance (a ledger line), the use recorded."""
    require(actor, P.EDIT_OWN_CUSTOMER)
    m = _membership(customer)
    errors: list[FieldError] = []
    note = text_value(data, "note", 200, errors)
    if errors:
        raise ValidationFailed(errors)
    if m.status != ch.MembershipStatus.ACTIVE:
        raise Conflict(FieldError("status", "not_active", "会员卡已过期或已退会",
                                  "The card is expired or cancelled"))  # fmt: skip
    code = str(data.get("benefit") or "")[:32]
    benefit = next((b for b in m.level.benefits if b.get("code") == code), None)
    if benefit is None:
        raise invalid("benefit", "not_found", f"{m.level.name}没有此权益",
                      f"{m.level.code} has no benefit {code}")  # fmt: skip
    today = timezone.localdate()
    per_year = benefit.get("per_year")
    if per_year:
        used = BenefitUse.objects.filter(membership=m, benefit=code,
                                         used_on__year=today.year).count()  # fmt: skip
        if used >= int(per_year):
            name = benefit.get("name")
            raise Conflict(FieldError(
                "benefit", "used_up", f"{name}今年已用 {used} 次（每年 {per_year} 次）",
                f"Used {used} of {per_year} times this year"))  # fmt: skip
    cost = int(benefit.get("points") or 0)
    if cost:
        # the ledger's lines of this customer are locked with the membership row above
        balance = points_balance(customer)
        if balance < cost:
            raise Conflict(FieldError(
                "benefit", "not_enough_points", f"积分不足：需要 {cost}，现有 {balance}",
                f"Not enough points: {cost} needed, {balance} held"))  # fmt: skip
    use = BenefitUse.objects.create(membership=m, benefit=code, name=str(benefit.get("name"))[:64],
                                    points=cost, note=note, by=actor, used_on=today)  # fmt: skip
    if cost:
        PointsEntry.objects.create(customer=customer, kind=ch.PointsKind.REDEEM, points=-cost,
                                   key=f"redeem:{use.pk}", reason=f"兑换 {use.name}",
                                   by=actor)  # fmt: skip
    return use


@transaction.atomic
def points_adjust(*, actor: User, customer: Customer, data: dict[str, Any]) -> PointsEntry:
    """A correction by a team lead or manager, with its reason; never below zero."""
    if not P.has_perm(actor, P.EDIT_ANY_CUSTOMER):
        raise PermissionDenied("只有班长和经理可调整积分", "Points adjustments: leads and above")
    _membership(customer)
    errors: list[FieldError] = []
    reason = text_value(data, "reason", 200, errors)
    if not reason:
        errors.append(FieldError("reason", "required", "请填写调整原因", "reason is required"))
    try:
        points = int(data.get("points") or 0)
    except (TypeError, ValueError):
        points = 0
    if not points or abs(points) > 100_000:
        errors.append(FieldError("points", "invalid", "调整积分须为非零整数（±100000 内）",
                                 "points: a non-zero whole number within ±100000"))  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    if points_balance(customer) + points < 0:
        raise invalid("points", "below_zero", "调整后积分不能为负", "The balance cannot go below 0")
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return PointsEntry.objects.create(customer=customer, kind=ch.PointsKind.ADJUST, points=points,
                                      key=f"adjust:{customer.pk}:{stamp}", reason=reason,
                                      by=actor)  # fmt: skip


def members_job(day: dt.date | None = None) -> dict[str, int]:
    """Daily: cards past their date expire (the level back to normal); members whose spend
    or years reach the next level get a `member_upgrade_due` event, once per level — the
    care engine's lifecycle rule on it tells them (R-9.1, R-6.2)."""
    today = day or timezone.localdate()
    expired = 0
    for m in Membership.objects.filter(status=ch.MembershipStatus.ACTIVE, expires_on__lt=today):
        with transaction.atomic():
            m = Membership.objects.select_for_update().get(pk=m.pk)
            if m.status != ch.MembershipStatus.ACTIVE or m.expires_on >= today:
                continue
            m.status = ch.MembershipStatus.EXPIRED
            audit_as(m, None, reason="到期 expired")
            m.save()
            _sync(m, None, "会员卡到期 card expired")
            expired += 1
    levels = list(MemberLevel.objects.filter(active=True).order_by("rank"))
    spends = dict(CustomerStanding.objects.filter(
        customer__membership__status=ch.MembershipStatus.ACTIVE).values_list(
        "customer_id", "amount"))  # fmt: skip
    told = 0
    members = Membership.objects.filter(status=ch.MembershipStatus.ACTIVE).select_related(
        "level")  # fmt: skip
    for m in members.iterator(chunk_size=2000):
        higher = [lv for lv in levels if lv.rank > m.level.rank and eligible(
            lv, spend=spends.get(m.customer_id, Decimal(0)), years=years_of(m, today))]  # fmt: skip
        if not higher:
            continue
        target = higher[-1]
        _event, created = event_record(actor=None, data={
            "type": "member_upgrade_due", "customer_id": m.customer_id,
            "occurred_at": timezone.now().isoformat(),
            "external_id": f"upgrade:{m.pk}:{target.code}",
            "attributes": {"level": target.name, "card_no": m.card_no},
        })  # fmt: skip
        told += created
    return {"expired": expired, "upgrade_due": told}


LEVELS = {
    "auto": [
        {"code": "silver", "name": "银卡会员", "rank": 1, "customer_level": "member",
         "card_months": 12, "points_per_visit": 10, "points_per_activity": 20,
         "visit_events": ["repair_handed_back"], "benefits": [
             {"code": "labor5", "name": "工时费95折", "kind": "discount", "value": 5},
             {"code": "check", "name": "免费安全检测", "kind": "free_check", "per_year": 1},
             {"code": "wash", "name": "精洗一次", "kind": "voucher", "points": 100}]},
        {"code": "gold", "name": "金卡会员", "rank": 2, "customer_level": "member",
         "min_spend": 20000, "min_years": 3, "card_months": 12, "points_per_visit": 15,
         "points_per_activity": 30,
         "visit_events": ["repair_handed_back"], "benefits": [
             {"code": "labor10", "name": "工时费9折", "kind": "discount", "value": 10},
             {"code": "check", "name": "免费安全检测", "kind": "free_check", "per_year": 2},
             {"code": "wash", "name": "精洗一次", "kind": "voucher", "points": 100}]},
        {"code": "diamond", "name": "钻石VIP", "rank": 3, "customer_level": "vip",
         "min_spend": 100000, "min_years": 5, "card_months": 24, "points_per_visit": 20,
         "points_per_activity": 40,
         "visit_events": ["repair_handed_back"], "benefits": [
             {"code": "labor15", "name": "工时费85折", "kind": "discount", "value": 15},
             {"code": "check", "name": "免费安全检测", "kind": "free_check", "per_year": 4},
             {"code": "priority", "name": "优先接车", "kind": "priority"},
             {"code": "loaner", "name": "代步车一天", "kind": "voucher", "points": 300}]},
    ],
}  # fmt: skip
GENERAL = [
    {"code": "member", "name": "普通会员", "rank": 1, "customer_level": "member",
     "visit_events": ["purchase"], "benefits": [
         {"code": "discount5", "name": "会员95折", "kind": "discount", "value": 5}]},
    {"code": "vip", "name": "VIP会员", "rank": 2, "customer_level": "vip", "min_spend": 50000,
     "min_years": 3, "visit_events": ["purchase"], "benefits": [
         {"code": "discount10", "name": "会员9折", "kind": "discount", "value": 10},
         {"code": "priority", "name": "优先服务", "kind": "priority"}]},
]  # fmt: skip


def member_levels_seed(preset: str) -> int:
    """The preset's levels, unless the center has levels of its own (edits are kept)."""
    if MemberLevel.objects.exists():
        return 0
    for level in LEVELS.get(preset, GENERAL):
        MemberLevel.objects.create(**level)
    return len(LEVELS.get(preset, GENERAL))
