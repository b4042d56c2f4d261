"""Reads on complaints: the archive with search (R-4.4), one complaint with every stage, and
the classification statistics (顾客投诉分类统计表, R-4.1 总结 / R-8.1)."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import User
from kefu.complaints import choices as ch
from kefu.complaints import workflow
from kefu.complaints.models import (
    Complaint,
    ComplaintCompensation,
    ComplaintProposal,
    ComplaintStageRecord,
)
from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.paging import Page, page_of
from kefu.core.search import matching
from kefu.customers.selectors import caller_digits

PHONE_LIKE = re.compile(r"[\d\s\-+()]+")


def complaints(
    *,
    user: User,
    q: str = "",
    stage: str = "",
    complaint_class: str = "",
    department: str = "",
    handler: str = "",
    customer_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    overdue: bool = False,
) -> QuerySet:
    """The complaint archive, newest first. `q`: a TS number, the complainant's phone (or
    its last four digits), or words of the name, content or demand. A department handler
    sees their department's complaints."""
    if not P.has_perm(user, P.VIEW_COMPLAINTS):
        raise PermissionDenied()
    qs = Complaint.objects.select_related("department", "handler", "customer").order_by(
        "-received_at", "-id"
    )
    if user.role == Role.HANDLER:  # without a department, a handler sees none
        qs = qs.filter(department_id=user.department_id) if user.department_id else qs.none()
    q = q.strip()
    if q:
        digits = caller_digits(q)
        if q.upper().startswith("TS"):
            qs = qs.filter(number__startswith=q.upper())
        elif PHONE_LIKE.fullmatch(q) and len(digits) >= 4:
            if len(digits) == 4:
                qs = qs.filter(complainant_phone__endswith=digits)
            else:
                qs = qs.filter(complainant_phone=digits)
        else:  # words of the name, content, demand or cause (issue 11), best matches first
            qs = matching(qs, q)
    if stage == "open":
        qs = qs.filter(stage__in=workflow.OPEN)
    elif stage:
        qs = qs.filter(stage=stage)
    if complaint_class:
        qs = qs.filter(complaint_class=complaint_class)
    if department:
        qs = qs.filter(department__code=department)
    if handler:
        qs = qs.filter(handler__username=handler)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if since:
        qs = qs.filter(received_at__gte=since)
    if until:
        qs = qs.filter(received_at__lt=until)
    if overdue:
        qs = qs.filter(stage__in=workflow.OPEN, stage_due_at__lt=timezone.now())
    return qs


def worklist(
    *,
    user: User,
    q: str = "",
    stage: str = "open",
    complaint_class: str = "",
    overdue: bool = False,
) -> QuerySet:
    """The console's complaint list: the archive's filters, soonest stage deadline first
    (the open ones come by the `complaint_open_due` index)."""
    found = complaints(
        user=user, q=q, stage=stage, complaint_class=complaint_class, overdue=overdue
    )
    return found if q.strip() else found.order_by("stage_due_at", "id")


def workbench_complaints(*, user: User, limit: int = 10) -> Page:
    """The workbench's open complaints, soonest stage deadline first: everyone's for team
    leads and above, a department handler's department's (as `complaints` scopes them),
    an agent's those they handle."""
    qs = complaints(user=user, stage="open").order_by("stage_due_at", "id")
    if not P.has_perm(user, P.MANAGE_TASKS) and user.role != Role.HANDLER:
        qs = qs.filter(handler=user)
    return page_of(qs, size=limit)


def open_by_stage(*, user: User) -> dict[str, int]:
    """How many open complaints wait at each stage."""
    return dict(
        complaints(user=user, stage="open")
        .order_by()
        .values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )


WAITING_AT_MOST = 200  # the 待我审批 queue shows the oldest this many


def proposals_waiting(*, user: User) -> list[ComplaintProposal]:
    """待我审批 (issue 11): proposals waiting for a decision, longest waiting first, for
    whoever may approve complaints (the page says, per row, who must approve it)."""
    if not P.has_perm(user, P.APPROVE_COMPLAINTS):
        raise PermissionDenied()
    return list(
        ComplaintProposal.objects.filter(
            status=ch.ProposalStatus.PROPOSED,
            complaint__stage=ch.Stage.SOLUTION,
            round=F("complaint__reopen_count"),
        )
        .select_related("complaint", "proposed_by")
        .order_by("proposed_at", "id")[:WAITING_AT_MOST]
    )


def proposal_waiting_get(*, user: User, proposal_id: int) -> ComplaintProposal:
    """One proposal of the 待我审批 queue (any proposal: deciding a decided one is the
    service's 409)."""
    if not P.has_perm(user, P.APPROVE_COMPLAINTS):
        raise PermissionDenied()
    found = ComplaintProposal.objects.select_related("complaint").filter(pk=proposal_id).first()
    if found is None:
        raise NotFound(f"proposal {proposal_id}")
    return found


def proposal_get(*, complaint: Complaint, proposal_id: int):
    """A proposal of this complaint (the complaint was read through the user's scope)."""
    proposal = complaint.proposals.filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound(f"proposal {proposal_id}")
    return proposal


def complaint_get(*, user: User, complaint_id: int) -> Complaint:
    """One complaint with every stage record, proposal, penalty, compensation and event."""
    complaint = (
        complaints(user=user)
        .select_related("interaction", "responsible_user", "created_by")
        .prefetch_related(
            "stages__completed_by",
            "proposals__proposed_by",
            "proposals__decided_by",
            "penalties",
            "compensations",
            "events__actor",
            "followups",
        )
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None:
        raise NotFound(f"complaint {complaint_id}")
    return complaint


def classification(
    *, user: User, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> dict:
    """顾客投诉分类统计表: complaints received in [since, until) by class and by responsible
    department — how many, how many valid, closed, reopened, overdue now, the average days
    to close and the compensation paid — and the average hours each stage took."""
    base = complaints(user=user, since=since, until=until).order_by()
    now = timezone.now()
    to_close = ExpressionWrapper(F("closed_at") - F("received_at"), output_field=DurationField())
    measures = {
        f"m_{name}": aggregate
        for name, aggregate in {
            "total": Count("id"),
            "valid": Count("id", filter=Q(valid=True)),
            "invalid": Count("id", filter=Q(valid=False)),
            "open": Count("id", filter=Q(stage__in=workflow.OPEN)),
            "closed": Count("id", filter=Q(stage=ch.Stage.CLOSED)),
            "reopened": Count("id", filter=Q(reopen_count__gt=0)),
            "overdue": Count("id", filter=Q(stage__in=workflow.OPEN, stage_due_at__lt=now)),
            "avg_close": Avg(to_close, filter=Q(stage=ch.Stage.CLOSED)),
        }.items()
    }
    paid = dict(
        ComplaintCompensation.objects.filter(complaint__in=base.values("id"))
        .values_list("complaint__complaint_class")
        .annotate(total=Sum("amount"))
        .values_list("complaint__complaint_class", "total")
    )
    class_labels = dict(ch.ComplaintClass.choices)
    by_class = [
        {
            "complaint_class": row["complaint_class"] or None,
            "label": class_labels.get(row["complaint_class"], "未分类 unclassified"),
            **_measures(row),
            "compensation": f"{paid.get(row['complaint_class']) or 0:.2f}",
        }
        for row in base.values("complaint_class").annotate(**measures).order_by("-m_total")
    ]
    by_department = [
        {
            "department": row["department__code"],
            "label": row["department__name"] or "未定责任部门 no department yet",
            **_measures(row),
        }
        for row in base.values("department__code", "department__name")
        .annotate(**measures)
        .order_by("-m_total")
    ]
    took = ExpressionWrapper(F("completed_at") - F("entered_at"), output_field=DurationField())
    stage_labels = dict(ch.Stage.choices)
    stage_time = [
        {
            "stage": row["stage"],
            "label": stage_labels[row["stage"]],
            "completed": row["n"],
            "avg_hours": _hours(row["avg"]),
            "late": row["late"],
        }
        for row in ComplaintStageRecord.objects.filter(
            complaint__in=base.values("id"), completed_at__isnull=False
        )
        .exclude(stage=ch.Stage.INTAKE)
        .values("stage")
        .annotate(
            n=Count("id"),
            avg=Avg(took),
            late=Count("id", filter=Q(due_at__lt=F("completed_at"))),
        )
        .order_by("stage")
    ]
    order = list(ch.Stage.values)
    stage_time.sort(key=lambda r: order.index(r["stage"]))
    totals = base.aggregate(**measures)
    return {
        "since": since,
        "until": until,
        "totals": _measures(totals),
        "by_class": by_class,
        "by_department": by_department,
        "stage_time": stage_time,
    }


def _hours(value: dt.timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 1)


def _measures(row: dict) -> dict:
    out = {
        k: row[f"m_{k}"]
        for k in ("total", "valid", "invalid", "open", "closed", "reopened", "overdue")
    }
    close = row["m_avg_close"]
    out["avg_days_to_close"] = None if close is None else round(close.total_seconds() / 86400, 1)
    return out


def open_by_handler(*, user_ids: list[int]) -> dict[int, int]:
    """Per person: the open complaints they handle (the team view)."""
    rows = (
        Complaint.objects.filter(handler_id__in=user_ids, stage__in=workflow.OPEN)
        .values("handler_id")
        .annotate(n=Count("id"))
    )
    return {r["handler_id"]: r["n"] for r in rows}


def near_limit(*, user: User, hours: int = 24, limit: int = 20) -> list[Complaint]:
    """Open complaints past their stage limit or within `hours` of it, most urgent first."""
    soon = timezone.now() + dt.timedelta(hours=hours)
    return list(
        complaints(user=user, stage="open")
        .filter(stage_due_at__lt=soon)
        .order_by("stage_due_at", "id")[:limit]
    )
