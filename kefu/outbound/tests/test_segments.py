"""Segments (R-9.3): which customers a segment's conditions find, and the refusals."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.core.errors import PermissionDenied, ValidationFailed
from kefu.customers.models import ProfileField
from kefu.customers.tests.factories import make_customer, make_vehicle, valid_vin
from kefu.followups.models import LifecycleEvent
from kefu.interactions.models import Interaction
from kefu.outbound import services as svc
from kefu.outbound.segments import describe

pytestmark = pytest.mark.django_db


def names(lead, filters):
    preview = svc.segment_preview(actor=lead, filters=filters)
    return sorted(r["name"] for r in preview["sample"])


def test_level_and_tags_any_of(lead):
    make_customer(lead, name="王会员", level="member", tags=["车主俱乐部"])
    make_customer(lead, name="李普通", level="normal", tags=["车主俱乐部"])
    make_customer(lead, name="赵贵宾", level="vip")
    assert names(lead, [{"field": "level", "op": "in", "value": ["member", "vip"]}]) == [
        "王会员", "赵贵宾"]  # fmt: skip
    both = [{"field": "level", "op": "in", "value": "member, vip"},
            {"field": "tags", "op": "in", "value": ["车主俱乐部"]}]  # fmt: skip
    assert names(lead, both) == ["王会员"]
    assert names(lead, [{"field": "tags", "op": "not_in", "value": ["车主俱乐部"]}]) == ["赵贵宾"]


def test_profile_fields_match_by_contains_and_any_of(lead):
    """The 麦凯66 fields hold free text: 爱好 "钓鱼、高尔夫" is found by either word."""
    ProfileField.objects.create(key="hobbies", label="爱好", field_type="text")
    make_customer(lead, name="钱钓鱼", extra={"hobbies": "钓鱼、高尔夫"})
    make_customer(lead, name="孙读书", extra={"hobbies": "读书"})
    make_customer(lead, name="周无", extra={})
    assert names(lead, [{"field": "extra.hobbies", "op": "contains", "value": "高尔夫"}]) == [
        "钱钓鱼"]  # fmt: skip
    assert names(lead, [{"field": "extra.hobbies", "op": "any", "value": "高尔夫、读书"}]) == [
        "孙读书", "钱钓鱼"]  # fmt: skip
    assert names(lead, [{"field": "extra.hobbies", "op": "eq", "value": "读书"}]) == ["孙读书"]


def test_assets_events_and_last_contact(lead):
    today = timezone.localdate()
    old = make_customer(lead, name="吴老车主")
    make_vehicle(lead, old, model="凯美瑞", insurance_expires_on=today + dt.timedelta(days=20))
    new = make_customer(lead, name="郑新车主")
    make_vehicle(lead, new, vin=valid_vin("LSVAU2189N2123458"), plate="京A12346", model="雅阁",
                 insurance_expires_on=today + dt.timedelta(days=200))  # fmt: skip
    LifecycleEvent.objects.create(type="delivered", customer=new, key="d1",
                                  occurred_at=timezone.now() - dt.timedelta(days=10))  # fmt: skip
    Interaction.objects.create(channel="inbound_call", category="consultation", customer=old,
                               content="问保养", occurred_at=timezone.now(),
                               agent=lead)  # fmt: skip
    assert names(lead, [{"field": "insurance_due", "op": "due_within", "value": 30}]) == [
        "吴老车主"]  # fmt: skip
    assert names(lead, [{"field": "asset_model", "op": "any", "value": "雅"}]) == ["郑新车主"]
    assert names(lead, [{"field": "event", "op": "in", "value": ["delivered"], "days": 30}]) == [
        "郑新车主"]  # fmt: skip
    assert names(lead, [{"field": "event", "op": "in", "value": ["delivered"], "days": 5}]) == []
    assert names(lead, [{"field": "last_contact", "op": "not_within", "value": 7}]) == [
        "郑新车主"]  # fmt: skip
    assert names(lead, [{"field": "last_contact", "op": "within", "value": 7}]) == ["吴老车主"]


def test_obsolete_customers_are_not_counted(lead):
    make_customer(lead, name="有效")
    gone = make_customer(lead, name="作废")
    type(gone).objects.filter(pk=gone.pk).update(status="obsolete")
    preview = svc.segment_preview(actor=lead, filters=[])
    assert preview["count"] == 1 and [r["name"] for r in preview["sample"]] == ["有效"]


def test_bad_conditions_are_refused_naming_each(lead):
    with pytest.raises(ValidationFailed) as exc:
        svc.segment_save(actor=lead, data={"name": "坏的", "filters": [
            {"field": "level", "op": "in", "value": ["gold"]},
            {"field": "nope", "op": "in", "value": ["x"]},
            {"field": "last_contact", "op": "within", "value": "abc"},
            {"field": "level", "op": "gte", "value": "1"},
        ]})  # fmt: skip
    fields = [e.field for e in exc.value.errors]
    assert fields == ["filters[0].value", "filters[1].field", "filters[2].value", "filters[3].op"]
    assert "第 1 个条件" in exc.value.errors[0].message
    assert "Condition 2" in exc.value.errors[1].message_en


def test_a_saved_segment_keeps_its_count_and_reads_in_words(lead):
    make_customer(lead, name="王会员", level="member")
    segment = svc.segment_save(actor=lead, data={"name": "会员", "filters": [
        {"field": "level", "op": "in", "value": ["member"]}]})  # fmt: skip
    assert segment.last_count == 1
    assert describe(segment.filters) == ["会员等级 是其中之一 会员"]
    assert describe(segment.filters, english=True) == ["member level is any of member"]
    assert segment.history.first().history_user == lead


def test_agents_may_not_build_segments(agent):
    with pytest.raises(PermissionDenied):
        svc.segment_preview(actor=agent, filters=[])
