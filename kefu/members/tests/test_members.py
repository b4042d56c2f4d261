"""Membership and the owners' club (R-9.1): joining and its card, renewal from the card's
date, upgrade by spend or years, the points ledger (visits earn once, benefits spend within
their allowance), and the daily job that expires cards and tells members of an upgrade."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.care.models import CareRule, Message
from kefu.core.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.customers.tests.factories import make_customer
from kefu.followups.events import event_record
from kefu.members import services as svc
from kefu.members.models import MemberLevel, Membership, PointsEntry
from kefu.members.selectors import member_summary
from kefu.reports.models import CustomerStanding
from kefu.setup.services import preset_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def levels(db):
    preset_load(code="auto")  # the auto preset's events, levels and the upgrade care rule
    return {lv.code: lv for lv in MemberLevel.objects.all()}


def spent(customer, amount):
    CustomerStanding.objects.update_or_create(customer=customer, defaults={
        "amount": Decimal(amount), "computed_on": timezone.localdate()})  # fmt: skip


def test_joining_gives_a_card_the_level_and_the_card_date(agent, levels):
    customer = make_customer(agent, name="王车主")
    m = svc.member_join(actor=agent, customer=customer, data={"level": "silver", "club": True})
    customer.refresh_from_db()
    assert m.card_no.startswith("M") and m.club
    assert m.expires_on == svc._months_later(timezone.localdate(), 12)
    assert customer.level == "member" and customer.card_expires_on == m.expires_on
    assert customer.history.first().history_change_reason == "入会 joined silver"
    with pytest.raises(Conflict):
        svc.member_join(actor=agent, customer=customer, data={"level": "silver"})


def test_a_higher_level_needs_its_spend(agent, levels):
    customer = make_customer(agent, name="李车主")
    with pytest.raises(ValidationFailed) as exc:
        svc.member_join(actor=agent, customer=customer, data={"level": "gold"})
    assert exc.value.errors[0].code == "not_eligible"
    spent(customer, 25000)
    assert svc.member_join(actor=agent, customer=customer, data={"level": "gold"}).level.code == (
        "gold")  # fmt: skip


def test_upgrade_by_spend_or_years_and_vip_follows(agent, levels):
    customer = make_customer(agent, name="赵车主")
    m = svc.member_join(actor=agent, customer=customer, data={"level": "silver"})
    with pytest.raises(ValidationFailed):
        svc.member_upgrade(actor=agent, customer=customer, level_code="gold")
    Membership.objects.filter(pk=m.pk).update(joined_on=dt.date(2022, 1, 1))  # 4 years
    assert svc.member_upgrade(actor=agent, customer=customer, level_code="gold").level.code == (
        "gold")  # fmt: skip
    spent(customer, 120000)
    svc.member_upgrade(actor=agent, customer=customer, level_code="diamond")
    customer.refresh_from_db()
    assert customer.level == "vip"


def test_renewal_counts_from_the_card_date_or_today(agent, levels):
    customer = make_customer(agent, name="钱车主")
    m = svc.member_join(actor=agent, customer=customer, data={"level": "silver"})
    first = m.expires_on
    m = svc.member_renew(actor=agent, customer=customer)
    assert m.expires_on == svc._months_later(first, 12)
    past = timezone.localdate() - dt.timedelta(days=40)
    Membership.objects.filter(pk=m.pk).update(expires_on=past, status="expired")
    m = svc.member_renew(actor=agent, customer=customer)
    assert m.status == "active" and m.expires_on == svc._months_later(timezone.localdate(), 12)


def test_a_service_visit_earns_points_once(agent, levels):
    customer = make_customer(agent, name="孙车主")
    svc.member_join(actor=agent, customer=customer, data={"level": "silver"})
    data = {"type": "repair_handed_back", "customer_id": customer.pk, "external_id": "RO-1"}
    event_record(actor=agent, data=data)
    event_record(actor=agent, data=data)  # the dealer system sends it twice
    event_record(actor=agent, data={"type": "delivery", "customer_id": customer.pk})
    assert svc.points_balance(customer) == 10
    assert PointsEntry.objects.get(customer=customer).reason == "到店服务 repair_handed_back"


def test_benefits_spend_points_and_their_yearly_allowance(agent, lead, levels):
    customer = make_customer(agent, name="周车主")
    svc.member_join(actor=agent, customer=customer, data={"level": "silver"})
    svc.benefit_redeem(actor=agent, customer=customer, data={"benefit": "check"})
    with pytest.raises(Conflict) as exc:  # one free check a year
        svc.benefit_redeem(actor=agent, customer=customer, data={"benefit": "check"})
    assert exc.value.errors[0].code == "used_up"
    with pytest.raises(Conflict) as exc:  # the wash costs 100 points
        svc.benefit_redeem(actor=agent, customer=customer, data={"benefit": "wash"})
    assert "积分不足：需要 100，现有 0" in exc.value.errors[0].message
    with pytest.raises(PermissionDenied):
        svc.points_adjust(actor=agent, customer=customer, data={"points": 150, "reason": "补录"})
    svc.points_adjust(actor=lead, customer=customer, data={"points": 150, "reason": "活动补录"})
    svc.benefit_redeem(actor=agent, customer=customer, data={"benefit": "wash", "note": "周六"})
    summary = member_summary(customer)
    assert summary["points"] == 50
    assert [(line["points"], line["reason"]) for line in summary["ledger"]] == [
        (-100, "兑换 精洗一次"), (150, "活动补录")]  # fmt: skip
    check = next(b for b in summary["benefits"] if b["code"] == "check")
    assert (check["used"], check["left"]) == (1, 0)
    with pytest.raises(ValidationFailed):  # never below zero
        svc.points_adjust(actor=lead, customer=customer, data={"points": -60, "reason": "更正"})


def test_the_daily_job_expires_cards_and_tells_of_upgrades(agent, levels):
    assert CareRule.objects.filter(event_type="member_upgrade_due", active=True).exists()
    old = make_customer(agent, name="吴车主")
    svc.member_join(actor=agent, customer=old, data={"level": "silver"})
    Membership.objects.filter(customer=old).update(expires_on=dt.date(2026, 1, 1))
    rich = make_customer(agent, name="郑车主")
    svc.member_join(actor=agent, customer=rich, data={"level": "silver"})
    spent(rich, 30000)
    today = timezone.localdate()
    assert svc.members_job(today) == {"expired": 1, "upgrade_due": 1}
    assert svc.members_job(today) == {"expired": 0, "upgrade_due": 0}  # once per level
    old.refresh_from_db()
    assert old.level == "normal" and old.membership.status == "expired"
    message = Message.objects.get(customer=rich)
    assert "郑车主" in message.body and "您已符合金卡会员的升级条件" in message.body
