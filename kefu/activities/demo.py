"""The demo center's activities (R-9.2) and club members (R-9.1): a few VIPs in the club
with points, a lecture next week open for registration (some registered, one waiting), and
last month's club meeting, done, with its attendees' follow-ups."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.accounts.models import User
from kefu.activities import services as svc
from kefu.customers.models import Customer
from kefu.members.services import member_join, points_adjust
from kefu.outbound.models import Segment


def demo_activities() -> int:
    lead = User.objects.get(username="lead")
    agent = User.objects.get(username="agent1")
    people = list(Customer.objects.filter(status="active").order_by("pk")[:8])
    for c in people[:5]:
        member_join(actor=agent, customer=c, data={"level": "silver", "club": True})
        points_adjust(actor=lead, customer=c, data={"points": 120, "reason": "入会礼 welcome"})
    segment = Segment.objects.filter(name="会员与VIP客户").first()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    lecture = svc.activity_save(actor=lead, data={
        "name": "冬季用车知识讲座", "kind": "lecture", "place": "展厅二楼会议室",
        "capacity": 4, "cost": "800", "reply_code": "8",
        "starts_at": (now + dt.timedelta(days=6, hours=2)).isoformat(),
        "ends_at": (now + dt.timedelta(days=6, hours=4)).isoformat(),
        "segment_id": segment.pk if segment else None,
        "conversion_events": ["repair_handed_back"]})  # fmt: skip
    svc.activity_open(actor=lead, activity=lecture)
    for i, c in enumerate(people[:5]):
        svc.registration_add(actor=agent, activity=lecture, customer=c, source="console",
                             guests=1 if i == 0 else 0)  # fmt: skip
    meeting = svc.activity_save(actor=lead, data={
        "name": "车主俱乐部秋季聚会", "kind": "club_meeting", "place": "城郊露营地",
        "capacity": 30, "cost": "3000",
        "starts_at": (now - dt.timedelta(days=1, hours=5)).isoformat(),
        "ends_at": (now - dt.timedelta(days=1, hours=1)).isoformat()})  # fmt: skip
    svc.activity_open(actor=lead, activity=meeting)
    for c in people[3:8]:
        svc.registration_add(actor=agent, activity=meeting, customer=c, source="console")
    for c in people[3:6]:
        phone = c.phones.order_by("-is_primary", "pk").first()
        if phone:
            svc.checkin(actor=agent, activity=meeting, query=phone.number)
    svc.activity_close(actor=lead, activity=meeting)
    return 2
