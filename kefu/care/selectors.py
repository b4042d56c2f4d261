"""Reads on care messages: what is due today, a customer's messages."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from kefu.care import choices as ch
from kefu.care.models import Message


def messages_due_count(day: dt.date) -> int:
    """Messages still to send on `day`: a range on `scheduled_for`, so the (status,
    scheduled_for) index serves it."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
    return Message.objects.filter(
        status__in=(ch.Status.QUEUED, ch.Status.SENDING),
        scheduled_for__gte=start,
        scheduled_for__lt=start + dt.timedelta(days=1),
    ).count()


def customer_messages(*, customer_id: int, limit: int = 20) -> QuerySet[Message]:
    """A customer's messages, newest first (the customer page's timeline)."""
    return Message.objects.filter(customer_id=customer_id).order_by("-scheduled_for")[:limit]
