"""How a contact and a callback task are shown (masked numbers, where a contact went): the
same dicts for the API schemas and the console."""

from __future__ import annotations

from django.utils import timezone

from kefu.core.inputs import label_halves
from kefu.customers.validation import mask_phone
from kefu.interactions.models import CallbackTask, Interaction


def routed_to(i: Interaction) -> list[dict]:
    """What the contact became (R-2.3): its work orders and its complaint."""
    items = [
        {"kind": "work_order", "id": o.id, "number": o.number, "status": o.status}
        for o in i.work_orders.all()
    ]
    complaint = getattr(i, "complaint", None)  # the reverse of Complaint.interaction
    if complaint is not None:
        items.append(
            {
                "kind": "complaint",
                "id": complaint.id,
                "number": complaint.number,
                "status": complaint.stage,
            }
        )
    return items


def interaction_payload(i: Interaction, warnings=(), routes: bool = False) -> dict:
    return {
        "routed_to": routed_to(i) if routes else [],
        **{
            k: getattr(i, k)
            for k in (
                "id",
                "channel",
                "category",
                "customer_id",
                "contact_name",
                "subject",
                "content",
                "demand",
                "outcome",
                "occurred_at",
                "routing",
                "call_id",
                "ring_at",
                "answered_at",
                "ended_at",
                "ring_seconds",
            )
        },
        "customer_number": i.customer.number if i.customer else None,
        "caller_number": mask_phone(i.caller_number) if i.caller_number else "",
        "agent": i.agent.username if i.agent else None,
        "warnings": [w.as_dict() for w in warnings],
    }


def task_payload(t: CallbackTask) -> dict:
    return {
        "id": t.id,
        "kind": t.kind,
        "status": t.status,
        "assignee": t.assignee.username,
        "due_at": t.due_at,
        "overdue": t.status == "open" and t.due_at < timezone.now(),
        "customer_number": t.customer.number if t.customer else None,
        "caller_number": mask_phone(t.caller_number) if t.caller_number else "",
        "note": t.note,
        "result": t.result,
        "interaction_id": t.interaction_id,
    }


def notice_payload(n) -> dict:
    """A notice as the inbox and the API show it: its kind in both languages, where it
    leads, and whether (and by whom) it was read."""
    zh, en = label_halves(n.get_kind_display())
    return {
        "id": n.id,
        "kind": n.kind,
        "kind_label": zh,
        "kind_label_en": en,
        "text": n.text,
        "link": n.link,
        "to_department": n.user_id is None,
        "created_at": timezone.localtime(n.created_at),
        "read_at": timezone.localtime(n.read_at) if n.read_at else None,
        "read_by": (n.read_by.display_name or n.read_by.username) if n.read_by_id else None,
    }
