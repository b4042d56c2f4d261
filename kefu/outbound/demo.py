"""The demo center's outbound work (R-9.3): a segment of members and VIPs, a renewal call
campaign over it shared among two agents and calling, with a few calls already made so the
results and the runner have something to show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.accounts.models import User
from kefu.outbound import services as svc
from kefu.outbound.models import CampaignCall


def demo_outbound() -> int:
    lead = User.objects.get(username="lead")
    callers = list(User.objects.filter(username__in=["agent1", "agent2"]).order_by("username"))
    segment = svc.segment_save(actor=lead, data={
        "name": "会员与VIP客户", "description": "续保、保养套餐的重点客户",
        "filters": [{"field": "level", "op": "in", "value": ["member", "vip"]}],
    })  # fmt: skip
    today = timezone.localdate()
    campaign = svc.campaign_save(actor=lead, data={
        "name": "会员续保季", "kind": "renewal", "segment_id": segment.pk, "script": "renewal",
        "starts_on": today - dt.timedelta(days=1), "ends_on": today + dt.timedelta(days=20),
        "hours": "09:00-12:00, 14:00-20:00", "agents": [u.username for u in callers],
        "cool_off_days": 3, "conversion_events": ["delivery", "repair_handed_back"],
    })  # fmt: skip
    svc.campaign_build(actor=lead, campaign=campaign)
    svc.campaign_distribute(actor=lead, campaign=campaign)
    svc.campaign_set_status(actor=lead, campaign=campaign, status="active")
    said = ["sold", "no_answer", "interested", "not_interested"]
    made = 0
    for agent in callers:
        calls = CampaignCall.objects.filter(campaign=campaign, agent=agent).order_by("pk")
        for call, outcome in zip(list(calls[: len(said)]), said, strict=False):
            svc.call_record(actor=agent, call=call, data={"outcome": outcome,
                            "note": "演示记录"})  # fmt: skip
            made += 1
    return made
