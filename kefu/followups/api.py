"""/api/v1/followups: follow-up tasks and their results (R-5; R-4.2 for complaints)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from kefu.customers.api import ERRORS
from kefu.followups import selectors as sel
from kefu.followups import services as svc
from kefu.followups.models import FollowUp

router = Router(tags=["followups 回访"])


class FollowUpOut(Schema):
    id: int
    kind: str
    customer_id: int | None
    customer_name: str | None
    complaint_id: int | None
    complaint_number: str | None
    owner: str | None
    window_start: dt.datetime
    window_end: dt.datetime
    overdue: bool
    status: str
    result: str
    note: str
    done_at: dt.datetime | None


class ResultIn(Schema):
    result: str
    note: str = ""


def payload(f: FollowUp) -> dict:
    return {
        **{
            k: getattr(f, k)
            for k in (
                "id",
                "kind",
                "customer_id",
                "complaint_id",
                "window_start",
                "window_end",
                "status",
                "result",
                "note",
                "done_at",
            )
        },
        "customer_name": f.customer.name if f.customer_id else None,
        "complaint_number": f.complaint.number if f.complaint_id else None,
        "owner": f.owner.username if f.owner_id else None,
        "overdue": sel.overdue(f),
    }


@router.get("", response={200: list[FollowUpOut], **ERRORS}, summary="Follow-ups 回访任务")
def list_followups(
    request: HttpRequest,
    everyone: bool = False,
    status: str = "pending",
    due: bool = False,
    limit: int = Query(100, ge=1, le=500),
):
    """Your follow-ups (`everyone=true`: the whole center's, team leads), earliest window
    first; `due=true`: only those whose window has opened."""
    rows = sel.followups(
        user=request.user,
        everyone=everyone,
        status=status,
        due_by=timezone.now() if due else None,
    )
    return [payload(f) for f in rows[:limit]]


@router.post("/{int:followup_id}/result", response={200: FollowUpOut, **ERRORS})
def record_result(request: HttpRequest, followup_id: int, body: ResultIn):
    """Record the call: `satisfied`, `neutral` or `unsatisfied` (with the reason in `note`).
    Unsatisfied on a complaint reopens it (R-4.2)."""
    followup = sel.followup_get(user=request.user, followup_id=followup_id)
    svc.followup_complete(actor=request.user, followup=followup, data=body.dict())
    return payload(sel.followup_get(user=request.user, followup_id=followup_id))
