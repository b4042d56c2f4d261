"""Customer reports: first contacts overdue (R-1.7) and late vehicle files (R-1.4)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.core.errors import PermissionDenied
from kefu.customers import choices as c
from kefu.customers.models import (
    AssetFile,
    Customer,
)


def _scoped(qs: QuerySet, user: User | None, owner_path: str) -> QuerySet:
    """Agents see their own rows of a report; leads, managers and admins see everyone's."""
    if (
        user is None
        or P.has_perm(user, P.EDIT_ANY_CUSTOMER)
        or P.has_perm(user, P.EXPORT_CUSTOMERS)
    ):
        return qs
    if P.has_perm(user, P.VIEW_CUSTOMERS):
        return qs.filter(**{owner_path: user})
    raise PermissionDenied()


def first_contact_overdue(*, user: User | None = None, now: dt.datetime | None = None) -> QuerySet:
    """Customers whose owner has not made first contact in time (R-1.7 report)."""
    now = now or timezone.now()
    qs = (
        Customer.objects.filter(
            status=c.Status.ACTIVE, first_contacted_at__isnull=True, first_contact_due_at__lt=now
        )
        .select_related("owner")
        .order_by("first_contact_due_at", "id")
    )
    return _scoped(qs, user, "owner")


def late_files(*, user: User | None = None, today: dt.date | None = None) -> QuerySet:
    """Vehicle files handed over late or still incomplete past their due date (R-1.4); each
    counts against its `responsible` salesperson or front desk in KPIs (R-8.3)."""
    today = today or timezone.localdate()
    qs = (
        AssetFile.objects.filter(
            Q(completed_on__gt=F("due_on")) | Q(completed_on__isnull=True, due_on__lt=today)
        )
        .select_related("asset__customer")
        .order_by("due_on", "id")
    )
    return _scoped(qs, user, "asset__customer__owner")
