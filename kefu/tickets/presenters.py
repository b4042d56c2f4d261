"""How a work order is shown: the same dicts for the API schemas and the console."""

from __future__ import annotations

from django.utils import timezone

from kefu.tickets import workflow
from kefu.tickets.models import WorkOrder


def payload(order: WorkOrder, with_events: bool = False) -> dict:
    out = {
        **{
            k: getattr(order, k)
            for k in (
                "id",
                "number",
                "category",
                "title",
                "description",
                "priority",
                "status",
                "interaction_id",
                "dispatch_due_at",
                "due_at",
                "result",
                "escalation_level",
                "urge_count",
            )
        },
        "department": order.department.code,
        "assignee": order.assignee.username if order.assignee else None,
        "allowed": workflow.allowed(order.status),
        "customer_number": order.customer.number if order.customer else None,
        "overdue": bool(
            order.due_at and order.status in workflow.OPEN and order.due_at < timezone.now()
        ),
    }
    if with_events:
        out["events"] = [
            {
                "at": e.created_at,
                "kind": e.kind,
                "from": e.from_status,
                "to": e.to_status,
                "actor": e.actor.username if e.actor else None,
                "actor_name": str(e.actor) if e.actor else None,
                "note": e.note,
            }
            for e in order.events.all()
        ]
    return out
