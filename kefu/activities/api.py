"""/api/v1/activities: customer activities (R-9.2) — plan, open, invite (SMS with a reply
code, or an invitation call campaign), register (with the waiting list), import, check in
by phone or member card, close, and the report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from kefu.activities import selectors as sel
from kefu.activities import services as svc
from kefu.activities.transfer import rows_of
from kefu.core.api import ERRORS, Id
from kefu.core.errors import NotFound
from kefu.customers import selectors as customer_sel

router = Router(tags=["activities 客户活动"])


class ActivityIn(Schema):
    name: str = Field(..., max_length=64)
    kind: str = Field(..., max_length=16, description="lecture, club_meeting, road_trip, "
                      "anniversary, other")  # fmt: skip
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = Field(..., max_length=100)
    capacity: int = Field(..., ge=1, le=100_000)
    cost: Decimal = Field(Decimal(0), ge=0, le=100_000_000)
    segment_id: Id | None = None
    reply_code: str = Field("", max_length=6, description="texted back to register; not 1–5")
    conversion_events: list[str] = Field([], max_length=10)
    conversion_days: int = Field(30, ge=1, le=365)


class ActivityPatch(Schema):
    name: str | None = Field(None, max_length=64)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: str | None = Field(None, max_length=100)
    capacity: int | None = Field(None, ge=1, le=100_000)
    cost: Decimal | None = Field(None, ge=0, le=100_000_000)
    segment_id: Id | None = None
    reply_code: str | None = Field(None, max_length=6)


class ReportOut(Schema):
    invited: int
    registered: int
    waiting: int
    attended: int
    no_show: int
    cancelled: int
    attendance_rate: str
    satisfaction: str = Field(..., description="the follow-ups' average score")
    surveyed: int
    cost: Decimal
    cost_per_attendee: Decimal | None
    sales: int = Field(..., description="attendees with a sale event within the days after")


class ActivityOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    capacity: int
    cost: Decimal
    segment_id: int | None
    reply_code: str
    invited: int
    report: ReportOut


class RegistrationOut(Schema):
    id: int
    customer_id: int
    number: str
    name: str
    phone: str = Field(..., description="masked")
    status: str
    source: str
    guests: int
    position: int | None = Field(None, description="place on the waiting list")
    checked_in_at: dt.datetime | None


class RegisterIn(Schema):
    customer_id: Id
    guests: int = Field(0, ge=0, le=10)


class CheckinIn(Schema):
    query: str = Field(..., max_length=40, description="a phone number or a member card number")


class CampaignIn(Schema):
    agents: list[str] = Field(..., max_length=200)


class ImportOut(Schema):
    registered: int
    waiting: int
    problems: list[dict]


def _out(a) -> dict:
    return {"id": a.pk, "name": a.name, "kind": a.kind, "status": a.status,
            "starts_at": a.starts_at, "ends_at": a.ends_at, "place": a.place,
            "capacity": a.capacity, "cost": a.cost, "segment_id": a.segment_id,
            "reply_code": a.reply_code, "invited": a.invited,
            "report": sel.activity_report(a)}  # fmt: skip


def _activity(request: HttpRequest, activity_id: int):  # type: ignore[no-untyped-def]
    return sel.activity_get(user=request.user, activity_id=activity_id)


@router.get("", response={200: list[ActivityOut], **ERRORS}, summary="Activities 活动")
def activity_list(request: HttpRequest, limit: int = Query(50, ge=1, le=200),
                  status: str = Query("", max_length=10)):  # fmt: skip
    return [_out(a) for a in sel.activities(user=request.user, status=status)[:limit]]


@router.post("", response={201: ActivityOut, **ERRORS}, summary="Plan one 新建")
def activity_create(request: HttpRequest, payload: ActivityIn):
    data = {**payload.dict(), "starts_at": payload.starts_at.isoformat(),
            "ends_at": payload.ends_at.isoformat()}  # fmt: skip
    return Status(201, _out(svc.activity_save(actor=request.user, data=data)))


@router.get("/{activity_id}", response={200: ActivityOut, **ERRORS})
def activity_get(request: HttpRequest, activity_id: Id):
    return _out(_activity(request, activity_id))


@router.patch("/{activity_id}", response={200: ActivityOut, **ERRORS})
def activity_update(request: HttpRequest, activity_id: Id, payload: ActivityPatch):
    data = payload.dict(exclude_none=True)
    for field in ("starts_at", "ends_at"):
        if field in data:
            data[field] = data[field].isoformat()
    a = svc.activity_save(actor=request.user, data=data, activity=_activity(request, activity_id))
    return _out(a)


@router.post("/{activity_id}/open", response={200: ActivityOut, **ERRORS},
             summary="Open registration 开始报名")  # fmt: skip
def activity_open(request: HttpRequest, activity_id: Id):
    return _out(svc.activity_open(actor=request.user, activity=_activity(request, activity_id)))


@router.post("/{activity_id}/invite", response={200: dict[str, int], **ERRORS},
             summary="SMS invitation 短信邀请")  # fmt: skip
def activity_invite(request: HttpRequest, activity_id: Id):
    """The segment's customers get the invitation with the reply code, once each:
    `queued`, `skipped` (opted out, no mobile), `already`."""
    return svc.activity_invite(actor=request.user, activity=_activity(request, activity_id))


@router.post("/{activity_id}/call-campaign", response={200: dict[str, int], **ERRORS},
             summary="Invitation calls 电话邀约")  # fmt: skip
def activity_call_campaign(request: HttpRequest, activity_id: Id, payload: CampaignIn):
    """A draft invitation call campaign over the segment: `{"campaign_id"}`."""
    c = svc.activity_call_campaign(actor=request.user, activity=_activity(request, activity_id),
                                   agents=payload.agents)  # fmt: skip
    return {"campaign_id": c.pk}


@router.get("/{activity_id}/registrations", response={200: list[RegistrationOut], **ERRORS})
def registration_list(request: HttpRequest, activity_id: Id,
                      limit: int = Query(500, ge=1, le=500)):  # fmt: skip
    return sel.registrations(_activity(request, activity_id))[:limit]


@router.post("/{activity_id}/registrations", response={200: RegistrationOut, **ERRORS},
             summary="Register 报名")  # fmt: skip
def registration_add(request: HttpRequest, activity_id: Id, payload: RegisterIn):
    """A place, or the waiting list when full; twice changes nothing."""
    a = _activity(request, activity_id)
    customer = customer_sel.customer_by_id(user=request.user, customer_id=payload.customer_id)
    r = svc.registration_add(actor=request.user, activity=a, customer=customer,
                             source="console", guests=payload.guests)  # fmt: skip
    return next(row for row in sel.registrations(a) if row["id"] == r.pk)


@router.post("/{activity_id}/registrations/{registration_id}/cancel",
             response={200: list[int], **ERRORS}, summary="Cancel 取消报名")  # fmt: skip
def registration_cancel(request: HttpRequest, activity_id: Id, registration_id: Id):
    """Returns the registrations moved up from the waiting list."""
    r = sel.registration_get(user=request.user, registration_id=registration_id)
    if r.activity_id != activity_id:
        raise NotFound(f"registration {registration_id}")
    return [m.pk for m in svc.registration_cancel(actor=request.user, registration=r)]


@router.post("/{activity_id}/import", response={200: ImportOut, **ERRORS},
             summary="Import a sign-up sheet 导入报名")  # fmt: skip
def registration_import(request: HttpRequest, activity_id: Id, file: File[UploadedFile]):
    """CSV or XLSX: a phone number per row, guests beside it; ≤ 2,000 rows, ≤ 2 MB."""
    a = _activity(request, activity_id)
    return svc.registration_import(actor=request.user, activity=a, rows=rows_of(file))


@router.post("/{activity_id}/checkin", response={200: RegistrationOut, **ERRORS},
             summary="Check in 签到")  # fmt: skip
def activity_checkin(request: HttpRequest, activity_id: Id, payload: CheckinIn):
    a = _activity(request, activity_id)
    r = svc.checkin(actor=request.user, activity=a, query=payload.query)
    return next(row for row in sel.registrations(a) if row["id"] == r.pk)


@router.post("/{activity_id}/close", response={200: dict[str, int], **ERRORS},
             summary="Close 结束活动")  # fmt: skip
def activity_close(request: HttpRequest, activity_id: Id):
    """No-shows marked, attendees' satisfaction calls made: `no_show`, `followups`."""
    return svc.activity_close(actor=request.user, activity=_activity(request, activity_id))


@router.post("/{activity_id}/cancel", response={200: dict[str, int], **ERRORS},
             summary="Call off 取消活动")  # fmt: skip
def activity_cancel(request: HttpRequest, activity_id: Id):
    """Places and waiting list cancelled, those people told by SMS: `cancelled`, `queued`,
    `skipped` (opted out, no mobile), `already`."""
    return svc.activity_cancel(actor=request.user, activity=_activity(request, activity_id))
