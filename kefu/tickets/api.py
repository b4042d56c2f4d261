"""/api/v1/tickets: work orders (R-3), thin doors over the services and selectors."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from kefu.core.api import ERRORS, Id
from kefu.tickets import selectors as sel
from kefu.tickets import services as svc
from kefu.tickets.presenters import payload

router = Router(tags=["tickets 工单"])


class WorkOrderIn(Schema):
    category: str = "other"
    title: str
    description: str = ""
    department: str
    priority: str = "normal"
    customer_id: Id | None = None
    assignee: str | None = None


class TransitionIn(Schema):
    to: str
    assignee: str | None = None
    result: str | None = None
    reason: str | None = None
    note: str | None = None


class UrgeIn(Schema):
    note: str = ""


class WorkOrderOut(Schema):
    id: int
    number: str
    category: str
    title: str
    description: str
    department: str
    assignee: str | None
    priority: str
    status: str
    allowed: list[str]
    customer_number: str | None
    interaction_id: int | None
    dispatch_due_at: dt.datetime | None
    due_at: dt.datetime | None
    overdue: bool
    result: str
    escalation_level: int
    urge_count: int
    events: list[dict] = []


@router.post("", response={201: WorkOrderOut, **ERRORS}, summary="Raise a work order 新建工单")
def create(request: HttpRequest, payload_in: WorkOrderIn):
    """R-3.1: a work order for a department; dispatch and resolve deadlines come from the
    SLA rules (calendar or working hours). With `assignee` it is dispatched at once."""
    order = svc.work_order_create(actor=request.user, data=payload_in.dict())
    return Status(201, payload(sel.work_order_get(user=request.user, order_id=order.pk), True))


@router.get("", response={200: list[WorkOrderOut], **ERRORS})
def list_orders(
    request: HttpRequest,
    status: str = "",
    department: str = "",
    assignee: str = "",
    customer: Id | None = None,
    stalled: bool = False,
    q: str = Query("", max_length=100),
    limit: int = Query(100, ge=1, le=500),
):
    """Work orders, soonest due first; `stalled=true`: open and past a deadline (R-3.2);
    `q`: a GD number, or words of the title, description and result (best matches first)."""
    rows = (
        sel.stalled(user=request.user)
        if stalled
        else sel.work_orders(
            user=request.user,
            status=status,
            department=department,
            assignee=assignee,
            customer_id=customer,
            q=q,
        )
    )
    return [payload(o) for o in sel.page(rows, limit=limit)]


@router.get("/{int:order_id}", response={200: WorkOrderOut, **ERRORS})
def get_order(request: HttpRequest, order_id: int):
    """A work order with its full timeline."""
    return payload(sel.work_order_get(user=request.user, order_id=order_id), True)


@router.post("/{int:order_id}/transition", response={200: WorkOrderOut, **ERRORS})
def transition(request: HttpRequest, order_id: int, body: TransitionIn):
    """R-3.1: `{"to": "dispatched", "assignee": …}`, `in_progress`, `done` (`result`),
    `verified`, `reopened` (`reason`), `cancelled` (`reason`). Not allowed now: 409 with the
    allowed ones; a missing field: 422."""
    order = sel.work_order_get(user=request.user, order_id=order_id)
    svc.work_order_transition(
        actor=request.user, order=order, to=body.to, fields=body.dict(exclude={"to"})
    )
    return payload(sel.work_order_get(user=request.user, order_id=order_id), True)


@router.post("/{int:order_id}/urge", response={200: WorkOrderOut, **ERRORS})
def urge(request: HttpRequest, order_id: int, body: UrgeIn):
    """R-3.2: 催办 — a logged reminder to the department and assignee (team leads)."""
    order = sel.work_order_get(user=request.user, order_id=order_id)
    svc.work_order_urge(actor=request.user, order=order, note=body.note)
    return payload(sel.work_order_get(user=request.user, order_id=order_id), True)
