"""How a follow-up is shown (script, attempts, what it raised): the same dicts for the API
schemas and the console."""

from __future__ import annotations

from kefu.followups import selectors as sel
from kefu.followups import services as svc
from kefu.followups.models import FollowUp


def payload(f: FollowUp, full: bool = False) -> dict:
    out = {
        **{
            k: getattr(f, k)
            for k in (
                "id",
                "kind",
                "family",
                "label",
                "channel",
                "customer_id",
                "complaint_id",
                "work_order_id",
                "event_id",
                "due_on",
                "due_by",
                "next_call_at",
                "appointment_at",
                "status",
                "reached",
                "result",
                "answers",
                "note",
                "done_at",
            )
        },
        "rule": f.rule.code if f.rule else None,
        # the selectors annotate it; a task read another way counts its log
        "attempts": f.attempts if hasattr(f, "attempts") else f.attempt_log.count(),
        "score": float(f.score) if f.score is not None else None,
        "customer_name": f.customer.name if f.customer else None,
        "customer_number": f.customer.number if f.customer else None,
        "owner": f.owner.username if f.owner else None,
        "overdue": sel.overdue(f),
    }
    if full:
        out["script"] = svc.script_for(f)
        out["attempt_log"] = [
            {
                "at": a.at,
                "outcome": a.outcome,
                "by": a.by.username if a.by else None,
                "by_name": str(a.by) if a.by else "顾客短信 customer by SMS",
                "note": a.note,
            }
            for a in f.attempt_log.select_related("by")
        ]
        out["raised"] = [
            {"kind": "work_order", "id": o.id, "number": o.number, "status": o.status}
            for o in f.raised_work_orders.all()
        ] + [
            {"kind": "complaint", "id": c.id, "number": c.number, "status": c.stage}
            for c in f.raised_complaints.all()
        ]
    return out
