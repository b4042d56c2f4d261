"""/api/v1/events and /api/v1/followups: lifecycle events in, follow-up tasks out, their
calls and results, and the follow-up reports (R-5)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from kefu.core.api import ERRORS, Id
from kefu.customers.files import upload_bytes as read_upload
from kefu.customers.inputs import parse_date
from kefu.followups import events, hooks, transfer
from kefu.followups import selectors as sel
from kefu.followups import services as svc
from kefu.followups.models import LifecycleEvent
from kefu.followups.presenters import payload

router = Router(tags=["followups 回访"])
events_router = Router(tags=["events 客户事件"])


class FollowUpOut(Schema):
    id: int
    kind: str
    family: str
    label: str
    rule: str | None
    channel: str
    customer_id: int | None
    customer_name: str | None
    customer_number: str | None
    complaint_id: int | None
    work_order_id: int | None
    event_id: int | None
    owner: str | None
    due_on: dt.date
    due_by: dt.date
    next_call_at: dt.datetime | None
    appointment_at: dt.datetime | None
    overdue: bool
    attempts: int
    status: str
    reached: bool | None
    result: str
    answers: dict
    score: float | None
    note: str
    done_at: dt.datetime | None
    script: dict | None = None
    attempt_log: list[dict] = []
    raised: list[dict] = []


class ResultIn(Schema):
    result: str | None = None
    answers: dict = {}
    note: str = ""


class AttemptIn(Schema):
    outcome: str
    appointment_at: str | None = None
    note: str = ""


class EventIn(Schema):
    type: str
    customer_id: Id
    asset_id: Id | None = None
    occurred_at: str | None = None
    attributes: dict = {}
    external_id: str = ""


@router.get("", response={200: list[FollowUpOut], **ERRORS}, summary="Follow-ups 回访任务")
def list_followups(
    request: HttpRequest,
    due_on: str | None = None,
    status: str = "pending",
    family: str = "",
    rule: str = "",
    owner: str = "",
    everyone: bool = False,
    q: str = Query("", max_length=100),
    limit: int = Query(200, ge=1, le=1000),
):
    """An agent's list (R-5.2): `due_on=YYYY-MM-DD` gives the calls to make that day
    (overdue ones included, retries and appointments set for later left out); `family`
    (7DC, 3DC …), `owner` or `everyone=true` for team leads; `q`: words of the notes."""
    day = parse_date(due_on, field="due_on") if due_on else None
    rows = sel.followups(
        user=request.user,
        everyone=everyone,
        status=status,
        due_on=day,
        family=family,
        owner=owner,
        rule=rule,
        q=q,
    )
    return [payload(f) for f in sel.page(rows, limit=limit)]


@router.get("/rules", response={200: list[dict], **ERRORS}, summary="Follow-up rules 回访规则")
def list_rules(request: HttpRequest, limit: int = Query(200, ge=1, le=500)):
    """The rules in force (edited in the admin: data, not code, R-5.1)."""
    return [
        {
            "code": r.code,
            "family": r.family,
            "name": r.name,
            "trigger": r.trigger,
            "event_type": r.event_type,
            "offset_days": r.offset_days,
            "window_days": r.window_days,
            "day_kind": r.day_kind,
            "condition": r.condition,
            "sample_percent": r.sample_percent,
            "owner_mode": r.owner_mode,
            "script": r.script.code if r.script_id else None,
            "active": r.active,
        }
        for r in sel.rules(user=request.user)[:limit]
    ]


@router.get("/reports/summary", response={200: dict, **ERRORS}, summary="Follow-up report 回访报表")
def report_summary(request: HttpRequest, family: str, period: str = "day", date: str = ""):
    """R-5.5: daily / weekly / monthly report of a rule family (7DC, 3DC …): due, done, on
    time, reached, satisfaction per question, reasons for dissatisfaction."""
    day = parse_date(date, field="date") if date else timezone.localdate()
    return sel.summary(user=request.user, family=family, period=period, day=day)


@router.get(
    "/reports/coverage", response={200: dict, **ERRORS}, summary="Member coverage 会员回访覆盖"
)
def report_coverage(request: HttpRequest, since: str, until: str):
    """R-5.2: every member and VIP follow-up due in [since, until), done or missing."""
    return sel.coverage(
        user=request.user,
        since=parse_date(since, field="since"),
        until=parse_date(until, field="until"),
    )


@router.get("/{int:followup_id}", response={200: FollowUpOut, **ERRORS})
def get_followup(request: HttpRequest, followup_id: int):
    """One task with its script (placeholders filled), attempts and what it raised."""
    return payload(sel.followup_get(user=request.user, followup_id=followup_id), True)


@router.post("/{int:followup_id}/attempt", response={200: FollowUpOut, **ERRORS})
def record_attempt(request: HttpRequest, followup_id: int, body: AttemptIn):
    """A call that did not complete it: `no_answer` / `busy` (retried by the rule, outside
    the quiet hours, then unreachable), `wrong_number`, or `appointment` with
    `appointment_at` (the task moves there)."""
    followup = sel.followup_get(user=request.user, followup_id=followup_id)
    svc.followup_attempt(actor=request.user, followup=followup, data=body.dict())
    return payload(sel.followup_get(user=request.user, followup_id=followup_id), True)


@router.post("/{int:followup_id}/result", response={200: FollowUpOut, **ERRORS})
def record_result(request: HttpRequest, followup_id: int, body: ResultIn):
    """The call reached the customer: `answers` to the script's questions (scores, choices,
    text), an optional overall `result` (derived otherwise) and `note`. Unsatisfied items
    raise a work order or complaint for their department (R-5.4); unsatisfied on a
    complaint's or work order's own follow-up reopens it (R-4.2, R-3.3)."""
    followup = sel.followup_get(user=request.user, followup_id=followup_id)
    svc.followup_complete(actor=request.user, followup=followup, data=body.dict())
    return payload(sel.followup_get(user=request.user, followup_id=followup_id), True)


def event_payload(event: LifecycleEvent, created: bool) -> dict:
    return {
        "id": event.id,
        "type": event.type,
        "customer_id": event.customer_id,
        "asset_id": event.asset_id,
        "occurred_at": event.occurred_at,
        "attributes": event.attributes,
        "created": created,
        "followups": [
            payload(f) for f in event.followups.select_related("customer", "owner", "rule")
        ],
        **hooks.event_details(event),  # e.g. "messages": the care app's notices
    }


@events_router.post(
    "", response={200: dict, 201: dict, **ERRORS}, summary="Record an event 客户事件"
)
def record_event(request: HttpRequest, body: EventIn):
    """R-5.1: a lifecycle event (`type` from the preset: delivery, invoice,
    repair_handed_back, deposit, contract, goods_delivered, installed, purchase,
    consultation, move_in …). Answers 201 with the follow-ups the rules scheduled; the same
    event again (same `external_id`, or same type, customer, asset and time) answers 200
    with the first record and schedules nothing twice."""
    event, created = events.event_record(actor=request.user, data=body.dict())
    return Status(201 if created else 200, event_payload(event, created))


@events_router.post("/import", response={200: dict, **ERRORS}, summary="Import events 导入事件")
def import_events(request: HttpRequest, file: File[UploadedFile], dry_run: bool = False):
    """CSV or XLSX from a DMS: columns 事件/type, 客户编号/customer_number (or 手机/phone, or
    VIN), 时间/occurred_at, optional 单号/external_id and any other column as an attribute.
    All or nothing, with a line-by-line report; rows already imported are counted, not
    repeated."""
    return transfer.import_events(
        actor=request.user, filename=file.name, content=read_upload(file), dry_run=dry_run
    )
