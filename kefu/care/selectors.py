"""Reads on care messages: what is due today, a customer's messages."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.care import choices as ch
from kefu.care.models import InboundSms, Message, SmsSurvey
from kefu.core.errors import ValidationFailed
from kefu.core.inputs import choice_error


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


def messages(
    *,
    user: User,
    customer_id: int | None = None,
    status: str = "",
    channel: str = "",
    day: dt.date | None = None,
) -> QuerySet[Message]:
    """The message log (R-6.4), newest first, by customer, outcome, channel or day."""
    require(user, P.VIEW_INTERACTIONS)
    qs = Message.objects.select_related("customer", "rule").order_by("-scheduled_for", "-id")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if day:
        start = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
        qs = qs.filter(scheduled_for__gte=start, scheduled_for__lt=start + dt.timedelta(days=1))
    return qs


def survey_of(*, followup_id: int) -> SmsSurvey | None:
    """The follow-up's SMS survey, if one was sent (R-9.4): the follow-up page says the call
    waits for the reply, or what the customer replied."""
    return SmsSurvey.objects.filter(followup_id=followup_id).first()


def replies(*, user: User, outcome: str = "", phone: str = "") -> QuerySet[InboundSms]:
    """SMS replies, newest first (team leads and above: the numbers and words of customers,
    masked where shown, R-0.5)."""
    require(user, P.MANAGE_TASKS)
    if outcome and outcome not in ch.ReplyOutcome.values:
        raise ValidationFailed(choice_error("outcome", outcome, ch.ReplyOutcome.values))
    qs = InboundSms.objects.select_related("customer", "survey").order_by("-received_at", "-id")
    if outcome:
        qs = qs.filter(outcome=outcome)
    if phone:
        qs = qs.filter(phone=phone)
    return qs
