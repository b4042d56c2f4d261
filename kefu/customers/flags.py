"""What other apps set on a customer's file for them (R-6.4, R-9.1, R-9.3): the opt-out
registry (a refusal heard on a call or an SMS 退订) and the level and card date a membership
gives. Each change is audited with its reason."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.core.audit import audit_as
from kefu.core.bulk import bulk_set_with_history
from kefu.customers.models import Customer
from kefu.customers.services import _lock


@transaction.atomic
def customer_opt_out(*, customer: Customer, actor: User, channel: str, reason: str) -> Customer:
    """The customer asked not to be called (`phone`) or sent SMS (`sms`) again: the opt-out
    registry is the customer's flags, each change in their history with who and why
    (R-6.4, R-9.3). Any signed-in agent may record it for any customer: a refusal heard on
    a call must never wait for the customer's own agent. (The customers' own SMS replies
    go through `customers_opt_out_by_reply`.)"""
    require(actor, P.LOG_INTERACTIONS)
    customer = _lock(customer)
    field = {"phone": "phone_opt_out", "sms": "sms_opt_out"}[channel]
    if getattr(customer, field):
        return customer
    setattr(customer, field, True)
    audit_as(customer, actor, reason=reason[:100])
    customer.save(update_fields=[field, "updated_at"])
    return customer


@transaction.atomic
def customers_opt_out_by_reply(*, customers: list[Customer], reason: str) -> int:
    """Many customers' own SMS replies (TD/退订) at once (R-6.4): their SMS opt-out set in
    one write, each change in their history with the reason. Returns how many changed."""
    now = timezone.now()
    changed = list(
        Customer.objects.select_for_update().filter(
            pk__in=[c.pk for c in customers], sms_opt_out=False
        )
    )
    for c in changed:
        c.sms_opt_out, c.updated_at = True, now
    bulk_set_with_history(Customer, changed, ["sms_opt_out", "updated_at"], user=None,
                          reason=reason[:100])  # fmt: skip
    return len(changed)


@transaction.atomic
def customer_set_level(
    *, customer: Customer, actor: User | None, level: str, card_expires_on: dt.date | None,
    reason: str,
) -> Customer:  # fmt: skip
    """The level and card date a membership gives the customer (R-9.1): what follow-up
    sampling (members always followed, R-5.2) and the card-renewal reminders read. Written
    by the members app's services, which checked who may; audited with the reason."""
    customer = _lock(customer)
    if customer.level == level and customer.card_expires_on == card_expires_on:
        return customer
    customer.level, customer.card_expires_on = level, card_expires_on
    audit_as(customer, actor, reason=reason[:100])
    customer.save(update_fields=["level", "card_expires_on", "updated_at"])
    return customer
