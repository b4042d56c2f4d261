"""Revealing a customer's full personal data (R-0.5): only for permitted roles, every
reveal logged in PiiAccessLog, at most KEFU["REVEALS_PER_HOUR"] a person an hour."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.core.errors import FieldError, TooManyRequests, ValidationFailed
from kefu.customers import choices as c
from kefu.customers import hooks
from kefu.customers.models import Customer, PiiAccessLog


def _reveal_rate(actor: User) -> None:
    """At most KEFU["REVEALS_PER_HOUR"] reveals a person an hour, read from the access log
    itself; past it the reveal is refused and the CS managers are told once that hour."""
    limit = settings.KEFU.get("REVEALS_PER_HOUR", 60)
    since = timezone.now() - dt.timedelta(hours=1)
    count = PiiAccessLog.objects.filter(user=actor, action="reveal", created_at__gte=since).count()
    if count < limit:
        return
    if cache.add(f"kefu:reveal-alarm:{actor.pk}", 1, 3600):
        hooks.reveal_refused(actor=actor, count=count, limit=limit)
    raise TooManyRequests(
        f"一小时内查看完整个人信息已达 {limit} 次，已暂停并通知客服经理",
        f"{limit} reveals of personal data within an hour: paused, and the CS managers are told",
        field="fields",
    )


def customer_reveal(
    *, customer: Customer, actor: User, fields: list[str], channel: str = "api"
) -> dict:
    """Full personal data for a permitted role, logged (R-0.5)."""
    require(actor, P.REVEAL_PII)
    bad = [f for f in fields if f not in c.PiiField.values]
    if bad or not fields:
        raise ValidationFailed(
            FieldError(
                "fields",
                "invalid_fields",
                f"可查看字段：{'、'.join(c.PiiField.values)}",
                f"fields must be among {', '.join(c.PiiField.values)}",
            )
        )
    _reveal_rate(actor)
    PiiAccessLog.objects.create(
        user=actor,
        action="reveal",
        customer=customer,
        fields=",".join(sorted(fields)),
        channel=channel,
    )
    out: dict[str, Any] = {}
    if "phones" in fields:
        out["phones"] = list(
            customer.phones.order_by("-is_primary", "id").values_list("number", flat=True)
        )
    if "id_number" in fields:
        out["id_number"] = customer.id_number
    if "address" in fields:
        out["address"] = customer.address
    if "email" in fields:
        out["email"] = customer.email
    return out
