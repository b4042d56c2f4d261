"""Segments and campaigns made through the services."""

import datetime as dt

from kefu.outbound import services as svc


def make_segment(actor, filters=None, name="全部客户"):
    return svc.segment_save(actor=actor, data={"name": name, "filters": filters or []})


def make_campaign(actor, segment, agents, **data):
    svc.sales_scripts_seed()
    return svc.campaign_save(actor=actor, data={
        "name": data.pop("name", "续保季"), "kind": data.pop("kind", "renewal"),
        "segment_id": segment.pk, "script": data.pop("script", "renewal"),
        "starts_on": data.pop("starts_on", dt.date(2026, 11, 2)),
        "ends_on": data.pop("ends_on", dt.date(2026, 11, 30)),
        "hours": data.pop("hours", "09:00-12:00, 14:00-18:00"),
        "agents": [a.username for a in agents], **data,
    })  # fmt: skip
