"""The demo center's SMS surveys (R-9.4): a few due follow-ups asked by SMS, and the
replies a lead finds on 短信回复 — scores recorded as results, an opt-out, a question
nobody's survey waits for. The survey rules are left as the preset has them (off: the
center chooses to survey instead of calling)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.accounts.models import User
from kefu.care import surveys
from kefu.care.inbound import Reply
from kefu.care.models import SmsSurvey, SurveyRule
from kefu.customers.models import CustomerPhone
from kefu.followups.events import event_record


def demo_surveys() -> int:
    now = timezone.now()
    agent = User.objects.get(username="agent1")
    mobiles = CustomerPhone.objects.filter(kind="mobile", customer__owner=agent)
    for cid in mobiles.order_by("customer_id").values_list("customer_id", flat=True)[:4]:
        # cars handed back after repair five days ago: their 3DC calls are due
        event_record(actor=agent, data={"type": "repair_handed_back", "customer_id": cid,
                                        "occurred_at": (now - dt.timedelta(days=5)).isoformat(),
                                        "external_id": f"demo-repair-{cid}"})  # fmt: skip
    rules = SurveyRule.objects.filter(active=False, followup_kind="rule", family="3DC")
    codes = list(rules.values_list("code", flat=True))
    rules.update(active=True)
    try:
        surveys.surveys_send(now, limit=4)
    finally:
        SurveyRule.objects.filter(code__in=codes).update(active=False)
    sent = list(SmsSurvey.objects.order_by("pk")[:4])
    texts = ["5", "4 服务很好，谢谢", "2 等太久了"]
    replies = [Reply("aliyun", f"demo-{s.pk}", s.phone, text, now + dt.timedelta(minutes=20 + n))
               for n, (s, text) in enumerate(zip(sent, texts, strict=False))]  # fmt: skip
    phones = list(CustomerPhone.objects.filter(kind="mobile").order_by("-pk")
                  .values_list("number", flat=True)[:2])  # fmt: skip
    extra = zip(phones, ["请问周六保养要预约吗", "TD"], strict=False)
    replies += [Reply("aliyun", f"demo-x{n}", p, text, now + dt.timedelta(minutes=30 + n))
                for n, (p, text) in enumerate(extra)]  # fmt: skip
    surveys.replies_receive(replies)
    return len(replies)
