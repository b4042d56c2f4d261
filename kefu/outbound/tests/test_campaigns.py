"""Call campaigns (R-9.3): the list with the do-not-call rules applied, its even sharing,
the outcome rules of each call, and the results."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from kefu.accounts.tests.factories import UserFactory
from kefu.core.errors import Conflict, ValidationFailed
from kefu.customers.tests.factories import make_customer
from kefu.followups.models import LifecycleEvent
from kefu.interactions.models import Interaction
from kefu.outbound import choices as ch
from kefu.outbound import selectors as sel
from kefu.outbound import services as svc
from kefu.outbound.models import CampaignCall
from kefu.outbound.tests.factories import make_campaign, make_segment

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=TZ)  # a working Monday, inside the hours


def started(lead, campaign, now=MONDAY_10):
    svc.campaign_build(actor=lead, campaign=campaign, now=now)
    svc.campaign_distribute(actor=lead, campaign=campaign)
    return svc.campaign_set_status(actor=lead, campaign=campaign, status="active")


def test_the_list_leaves_out_whom_the_rules_forbid(lead, agent):
    make_customer(lead, name="可拨打")
    make_customer(lead, name="拒接", phone_opt_out=True)
    recent = make_customer(lead, name="刚联系")
    Interaction.objects.create(channel="inbound_call", category="consultation", customer=recent,
                               content="咨询", occurred_at=MONDAY_10 - dt.timedelta(days=2),
                               agent=lead)  # fmt: skip
    nophone = make_customer(lead, name="没电话")
    nophone.phones.all().delete()
    gone = make_customer(lead, name="作废")
    type(gone).objects.filter(pk=gone.pk).update(status="obsolete")
    campaign = make_campaign(lead, make_segment(lead), [agent], cool_off_days=7)
    built = svc.campaign_build(actor=lead, campaign=campaign, now=MONDAY_10)
    on_list = CampaignCall.objects.filter(campaign=campaign).values_list("customer__name",
                                                                         flat=True)  # fmt: skip
    assert list(on_list) == ["可拨打"]
    assert built == {"list_size": 1, "excluded": {"opt_out": 1, "cool_off": 1, "no_phone": 1,
                                                  "inactive": 1}}  # fmt: skip
    # a cool-off of 1 day lets the customer contacted two days ago back on (built anew)
    svc.campaign_save(actor=lead, campaign=campaign, data={"cool_off_days": 1})
    assert svc.campaign_build(actor=lead, campaign=campaign, now=MONDAY_10)["list_size"] == 2


def test_the_list_is_shared_evenly_and_by_skill(lead):
    senior = UserFactory(username="senior", skill_level=5)
    juniors = [UserFactory(username=f"junior{i}", skill_level=2) for i in range(2)]
    own = make_customer(lead, name="自己的客户", owner="junior1")
    vips = [make_customer(lead, name=f"贵宾{i}", level="vip") for i in range(2)]
    for i in range(4):
        make_customer(lead, name=f"普通{i}")
    campaign = make_campaign(lead, make_segment(lead), [senior, *juniors])
    svc.campaign_build(actor=lead, campaign=campaign, now=MONDAY_10)
    shares = svc.campaign_distribute(actor=lead, campaign=campaign)
    assert sorted(shares.values()) == [2, 2, 3]  # 7 names: nobody more than one over another
    calls = CampaignCall.objects.filter(campaign=campaign)
    assert calls.get(customer=own).agent.username == "junior1"  # the customer's own agent
    assert {calls.get(customer=v).agent.username for v in vips} == {"senior"}  # most skilled


def test_no_answer_retries_inside_the_calling_hours_then_gives_up(lead, agent):
    make_customer(lead, name="客户")
    started(lead, make_campaign(lead, make_segment(lead), [agent], max_attempts=2, retry_hours=4))
    call = sel.call_next(user=agent, now=MONDAY_10)
    call, _w = svc.call_record(actor=agent, call=call, data={"outcome": "no_answer"},
                               now=MONDAY_10)  # fmt: skip
    # 10:00 + 4 h = 14:00, after the lunch rest (12:00–14:00), inside the afternoon hours
    assert timezone.localtime(call.next_call_at) == MONDAY_10.replace(hour=14)
    assert call.status == ch.CallStatus.PENDING
    assert sel.call_next(user=agent, now=MONDAY_10.replace(hour=11)) is None  # not yet due
    late = MONDAY_10.replace(hour=16)
    assert sel.call_next(user=agent, now=late) == call
    call, _w = svc.call_record(actor=agent, call=call, data={"outcome": "busy"}, now=late)
    assert call.status == ch.CallStatus.UNREACHABLE and call.attempts == 2
    assert not Interaction.objects.filter(customer=call.customer).exists()  # never reached


def test_do_not_call_again_opts_the_customer_out_everywhere(lead, agent):
    customer = make_customer(lead, name="不要再打")
    started(lead, make_campaign(lead, make_segment(lead), [agent]))
    call = sel.call_next(user=agent, now=MONDAY_10)
    call, _w = svc.call_record(actor=agent, call=call, data={"outcome": "do_not_call",
                               "note": "客户要求不再来电"}, now=MONDAY_10)  # fmt: skip
    customer.refresh_from_db()
    assert call.status == ch.CallStatus.DO_NOT_CALL and customer.phone_opt_out
    assert customer.history.first().history_user == agent  # the registry's change, audited
    logged = Interaction.objects.get(customer=customer)
    assert logged.channel == "outbound_call" and "勿再致电" in logged.content
    # the next campaign leaves the customer off its list
    second = make_campaign(lead, make_segment(lead, name="再来一次"), [agent], name="第二季")
    assert svc.campaign_build(actor=lead, campaign=second, now=MONDAY_10)["excluded"] == {
        "opt_out": 1}  # fmt: skip


def test_a_customer_who_opts_out_after_the_list_is_built_is_not_offered(lead, agent):
    customer = make_customer(lead, name="后来拒接")
    started(lead, make_campaign(lead, make_segment(lead), [agent]))
    type(customer).objects.filter(pk=customer.pk).update(phone_opt_out=True)
    assert sel.call_next(user=agent, now=MONDAY_10) is None


def test_no_call_in_the_rest_time_or_outside_the_hours_but_the_customers_own_time(lead, agent):
    make_customer(lead, name="甲")
    make_customer(lead, name="乙")
    started(lead, make_campaign(lead, make_segment(lead), [agent]))
    assert sel.call_next(user=agent, now=MONDAY_10.replace(hour=12, minute=30)) is None  # rest
    assert sel.call_next(user=agent, now=MONDAY_10.replace(hour=19)) is None  # after the hours
    call = sel.call_next(user=agent, now=MONDAY_10)
    back = MONDAY_10.replace(hour=12, minute=30)
    svc.call_record(actor=agent, call=call, data={"outcome": "call_back",
                    "call_back_at": back.isoformat()}, now=MONDAY_10)  # fmt: skip
    # the customer chose half past twelve: offered then, rest time or not
    assert sel.call_next(user=agent, now=back) == call


def test_outcomes_need_their_time_and_a_closed_call_cannot_be_recorded_twice(lead, agent):
    make_customer(lead, name="甲")
    started(lead, make_campaign(lead, make_segment(lead), [agent]))
    call = sel.call_next(user=agent, now=MONDAY_10)
    with pytest.raises(ValidationFailed) as exc:
        svc.call_record(actor=agent, call=call, data={"outcome": "appointment"}, now=MONDAY_10)
    assert exc.value.errors[0].field == "appointment_at"
    with pytest.raises(ValidationFailed):
        svc.call_record(actor=agent, call=call, data={"outcome": "maybe"}, now=MONDAY_10)
    svc.call_record(actor=agent, call=call, data={"outcome": "sold"}, now=MONDAY_10)
    with pytest.raises(Conflict):
        svc.call_record(actor=agent, call=call, data={"outcome": "sold"}, now=MONDAY_10)


def test_results_count_reach_sales_and_later_conversions(lead, agent, other_agent):
    for i in range(4):
        make_customer(lead, name=f"客户{i}")
    campaign = started(
        lead,
        make_campaign(
            lead,
            make_segment(lead),
            [agent, other_agent],
            conversion_events=["delivered"],
            conversion_days=30,
        ),
    )
    outcomes = {agent: ["sold", "interested"], other_agent: ["no_answer", "not_interested"]}
    for user, said in outcomes.items():
        for outcome in said:
            call = sel.call_next(user=user, now=MONDAY_10)
            svc.call_record(actor=user, call=call, data={"outcome": outcome}, now=MONDAY_10)
    interested = CampaignCall.objects.get(campaign=campaign, outcome="interested")
    LifecycleEvent.objects.create(type="delivered", customer=interested.customer, key="d",
                                  occurred_at=MONDAY_10 + dt.timedelta(days=12))  # fmt: skip
    res = sel.campaign_results(user=lead, campaign=campaign)
    w = res["whole"]
    assert (w["total"], w["called"], w["reached"], w["sold"], w["converted"]) == (4, 4, 3, 1, 1)
    assert w["reach_rate"] == "75.0%" and w["sold_rate"] == "33.3%"
    by_agent = {a["agent"]: a for a in res["agents"]}
    assert by_agent[agent.display_name]["sold_rate"] == "50.0%"
    assert by_agent[other_agent.display_name]["reached"] == 1
    segments = sel.segment_results(user=lead)
    assert segments[0]["sold"] == 1 and segments[0]["reach_rate"] == "75.0%"


def test_a_campaign_starts_only_with_a_distributed_list(lead, agent):
    campaign = make_campaign(lead, make_segment(lead), [agent])
    with pytest.raises(ValidationFailed) as exc:
        svc.campaign_set_status(actor=lead, campaign=campaign, status="active")
    assert exc.value.errors[0].code == "not_distributed"


def test_campaign_fields_are_checked(lead):
    segment = make_segment(lead)
    with pytest.raises(ValidationFailed) as exc:
        make_campaign(lead, segment, [], hours="18:00-09:00", starts_on="2026-12-01",
                      ends_on="2026-11-01", max_attempts=0)  # fmt: skip
    fields = {e.field for e in exc.value.errors}
    assert fields == {"hours", "agents", "ends_on", "max_attempts"}
