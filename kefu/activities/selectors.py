"""Reads of customer activities (R-9.2): the list, one activity with its registrations and
waiting list, and its report — invited, registered, attended, no-shows, satisfaction,
cost per attendee and the sales that followed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.activities import choices as ch
from kefu.activities.models import Activity, Registration
from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.inputs import choice_label
from kefu.customers.validation import mask_phone
from kefu.followups.models import FollowUp, LifecycleEvent

REGISTRATIONS_SHOWN = 500


def activities(*, user: User, status: str = "") -> QuerySet[Activity]:
    if not P.has_perm(user, P.LOG_INTERACTIONS):
        raise PermissionDenied()
    qs = Activity.objects.select_related("segment")
    return qs.filter(status=status) if status else qs


def activity_get(*, user: User, activity_id: int) -> Activity:
    found = activities(user=user).filter(pk=activity_id).first()
    if found is None:
        raise NotFound(f"activity {activity_id}")
    return found


def registration_get(*, user: User, registration_id: int) -> Registration:
    if not P.has_perm(user, P.LOG_INTERACTIONS):
        raise PermissionDenied()
    found = Registration.objects.select_related("activity", "customer").filter(
        pk=registration_id).first()  # fmt: skip
    if found is None:
        raise NotFound(f"registration {registration_id}")
    return found


def registrations(activity: Activity) -> list[dict[str, Any]]:
    """Places first (by time), then the waiting list in its order, then the rest."""
    order: dict[str, int] = {s: i for i, s in enumerate([ch.RegistrationStatus.ATTENDED,
             ch.RegistrationStatus.REGISTERED, ch.RegistrationStatus.WAITING,
             ch.RegistrationStatus.NO_SHOW, ch.RegistrationStatus.CANCELLED])}  # fmt: skip
    rows = list(Registration.objects.filter(activity=activity).select_related("customer")
                .prefetch_related("customer__phones")[:REGISTRATIONS_SHOWN])  # fmt: skip
    rows.sort(key=lambda r: (order.get(r.status, 9), r.created_at, r.pk))
    out = []
    waiting = 0
    for r in rows:
        phones = sorted(r.customer.phones.all(), key=lambda p: (not p.is_primary, p.pk))
        if r.status == ch.RegistrationStatus.WAITING:
            waiting += 1
        out.append({"id": r.pk, "customer_id": r.customer_id, "number": r.customer.number,
                    "name": r.customer.name, "phone": mask_phone(phones[0].number) if phones
                    else "", "status": r.status,
                    "status_label": choice_label(r.get_status_display()),
                    "source": choice_label(r.get_source_display()), "guests": r.guests,
                    "position": waiting if r.status == ch.RegistrationStatus.WAITING else None,
                    "checked_in_at": r.checked_in_at, "created_at": r.created_at})  # fmt: skip
    return out


def activity_report(activity: Activity) -> dict[str, Any]:
    """What the activity came to (R-9.2)."""
    rows = Registration.objects.filter(activity=activity)
    counts = rows.aggregate(
        registered=Count("pk", filter=Q(status__in=[*ch.SEATED, ch.RegistrationStatus.NO_SHOW])),
        waiting=Count("pk", filter=Q(status=ch.RegistrationStatus.WAITING)),
        attended=Count("pk", filter=Q(status=ch.RegistrationStatus.ATTENDED)),
        no_show=Count("pk", filter=Q(status=ch.RegistrationStatus.NO_SHOW)),
        cancelled=Count("pk", filter=Q(status=ch.RegistrationStatus.CANCELLED)),
    )  # fmt: skip
    followups = FollowUp.objects.filter(source_key__startswith=f"activity:{activity.pk}:")
    scored = followups.filter(score__isnull=False).aggregate(avg=Avg("score"), n=Count("pk"))
    sales = 0
    if activity.conversion_events:
        until = activity.ends_at + dt.timedelta(days=activity.conversion_days)
        sales = rows.filter(status=ch.RegistrationStatus.ATTENDED).filter(Exists(
            LifecycleEvent.objects.filter(customer_id=OuterRef("customer_id"),
                                          type__in=activity.conversion_events,
                                          occurred_at__gte=activity.starts_at,
                                          occurred_at__lte=until))).count()  # fmt: skip
    attended = counts["attended"]
    per_head = (Decimal(activity.cost) / attended).quantize(Decimal("0.01")) if attended else None
    return {
        **counts, "invited": activity.invited,
        "attendance_rate": f"{attended * 100 / counts['registered']:.1f}%"
        if counts["registered"] else "—",
        "satisfaction": f"{scored['avg']:.2f}" if scored["avg"] is not None else "—",
        "surveyed": scored["n"], "cost": activity.cost, "cost_per_attendee": per_head,
        "sales": sales,
    }  # fmt: skip
