"""Reads on work orders: lists with filters, stalled orders (工单滞留)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import User
from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.paging import Page, page_of
from kefu.core.search import matching
from kefu.tickets import workflow
from kefu.tickets.choices import EventKind
from kefu.tickets.models import WorkOrder, WorkOrderEvent


def work_orders(
    *,
    user: User,
    status: str = "",
    department: str = "",
    assignee: str = "",
    customer_id: int | None = None,
    q: str = "",
) -> QuerySet:
    """Work orders, soonest due first; a department handler sees their department's.
    `status="open"`: every open status. `q`: a GD number (or its start), or words of the
    title, description and result — best matches first (issue 11)."""
    if not P.has_perm(user, P.VIEW_INTERACTIONS):
        raise PermissionDenied()
    qs = WorkOrder.objects.select_related("department", "assignee", "customer").order_by(
        "due_at", "id"
    )
    if user.role == Role.HANDLER:  # a department handler works their department's orders
        qs = qs.filter(Q(department_id=user.department_id) | Q(assignee=user))
    if status == "open":
        qs = qs.filter(status__in=workflow.OPEN)
    elif status:
        qs = qs.filter(status=status)
    if department:
        qs = qs.filter(department__code=department)
    if assignee:
        qs = qs.filter(assignee__username=assignee)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    q = q.strip()
    if q.upper().startswith("GD") and q[2:].isdigit():
        qs = qs.filter(number__startswith=q.upper())
    elif q:
        qs = matching(qs, q)
    return qs


def page(qs: QuerySet, *, limit: int, offset: int = 0) -> list[WorkOrder]:
    """One page of orders, each with `urge_count`: how often it was urged is read from its
    timeline (not stored twice), counted for the page's rows only — never for every order
    the filter matches before the page is picked."""
    rows = list(qs[offset : offset + limit])
    counts = dict(
        WorkOrderEvent.objects.filter(work_order_id__in=[o.pk for o in rows], kind=EventKind.URGE)
        .values("work_order_id")
        .annotate(n=Count("id"))
        .values_list("work_order_id", "n")
    )
    for order in rows:
        order.urge_count = counts.get(order.pk, 0)
    return rows


def work_order_get(*, user: User, order_id: int) -> WorkOrder:
    order = work_orders(user=user).prefetch_related("events__actor").filter(pk=order_id).first()
    if order is None:
        raise NotFound(f"work order {order_id}")
    order.urge_count = sum(1 for e in order.events.all() if e.kind == EventKind.URGE)
    return order


def workbench_work_orders(*, user: User, limit: int = 10) -> Page:
    """The workbench's open orders: everyone's for team leads and above; a department
    handler's department's and their own (as `work_orders` scopes them); an agent's the
    ones they raised or were given."""
    qs = work_orders(user=user).filter(status__in=workflow.OPEN)
    if not P.has_perm(user, P.MANAGE_TASKS) and user.role != Role.HANDLER:
        qs = qs.filter(Q(created_by=user) | Q(assignee=user))
    return page_of(qs, size=limit, load=page)


def stalled(*, user: User, now: dt.datetime | None = None) -> QuerySet:
    """工单滞留 (R-3.2): open orders past their dispatch or resolve deadline."""
    if not P.has_perm(user, P.MANAGE_TASKS):
        raise PermissionDenied(
            "只有班长及以上可查看滞留工单", "Only team leads and above see stalled orders"
        )
    now = now or timezone.now()
    return (
        work_orders(user=user)
        .filter(status__in=workflow.OPEN)
        .filter(Q(due_at__lt=now) | Q(status="new", dispatch_due_at__lt=now))
    )


def overdue_by_department(now: dt.datetime | None = None) -> list[tuple[str, int, str]]:
    """Open orders past their resolve deadline now, per department: (department id or "",
    how many, the earliest deadline as local text) — for the reports, whose caller checks
    the reader may see them."""
    now = now or timezone.now()
    rows = (
        WorkOrder.objects.filter(status__in=workflow.OPEN, due_at__lt=now)
        .order_by()
        .values("department_id")
        .annotate(n=Count("id"), oldest=Min("due_at"))
        .values_list("department_id", "n", "oldest")
    )
    return [
        (str(dept or ""), n, f"{timezone.localtime(oldest):%Y-%m-%d %H:%M}")
        for dept, n, oldest in sorted(rows, key=lambda r: -r[1])
    ]
