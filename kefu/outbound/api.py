"""/api/v1/segments, /api/v1/call-campaigns and /api/v1/campaign-calls: outbound work
(R-9.3) — segments with their preview, campaigns with their list built, shared and started,
the agent's next call and its outcome, the results and their XLSX."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from kefu.core.api import ERRORS, Id
from kefu.core.tables import xlsx_book
from kefu.outbound import choices as ch
from kefu.outbound import selectors as sel
from kefu.outbound import services as svc
from kefu.outbound.segments import describe, field_catalogue

segments_router = Router(tags=["segments 客户分群"])
campaigns_router = Router(tags=["call campaigns 外呼活动"])
calls_router = Router(tags=["campaign calls 外呼名单"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Condition(Schema):
    field: str = Field(..., max_length=60, description="see GET /segments/fields")
    op: str = Field(..., max_length=12)
    value: Any = Field(..., description="a list (any of), a text, a number or days")
    days: int | None = Field(None, ge=1, le=3650, description="event, satisfaction: within")


class SegmentIn(Schema):
    name: str = Field(..., max_length=64)
    description: str = Field("", max_length=200)
    filters: list[Condition] = Field([], max_length=20)


class SegmentPatch(Schema):
    name: str | None = Field(None, max_length=64)
    description: str | None = Field(None, max_length=200)
    filters: list[Condition] | None = Field(None, max_length=20)


class SegmentOut(Schema):
    id: int
    name: str
    description: str
    filters: list[dict]
    words: list[str] = Field(..., description="each condition in words")
    last_count: int | None
    counted_at: dt.datetime | None


class PreviewIn(Schema):
    filters: list[Condition] = Field([], max_length=20)


class SampleOut(Schema):
    id: int
    number: str
    name: str
    level: str


class PreviewOut(Schema):
    count: int = Field(..., description="active customers the conditions find now")
    sample: list[SampleOut]


class FieldOut(Schema):
    key: str
    label: list[str]
    ops: list[list]
    value: str
    days: bool
    options: list[list[str]]


def _segment(s) -> dict:
    return {"id": s.pk, "name": s.name, "description": s.description, "filters": s.filters,
            "words": describe(s.filters), "last_count": s.last_count,
            "counted_at": s.counted_at}  # fmt: skip


def _conditions(items) -> list[dict]:
    return [c.dict(exclude_none=True) for c in items]


@segments_router.get("/fields", response={200: list[FieldOut], **ERRORS},
                     summary="Fields a segment may use 可用条件")  # fmt: skip
def segment_fields(request: HttpRequest, limit: int = Query(200, ge=1, le=500)):
    """Every field with its operators and choices; profile fields are `extra.<key>`."""
    sel.segments(user=request.user)
    return field_catalogue()[:limit]


@segments_router.get("", response={200: list[SegmentOut], **ERRORS}, summary="Segments 分群")
def segment_list(request: HttpRequest, limit: int = Query(100, ge=1, le=500)):
    return [_segment(s) for s in sel.segments(user=request.user)[:limit]]


@segments_router.post("", response={201: SegmentOut, **ERRORS}, summary="Save a segment 新建")
def segment_create(request: HttpRequest, payload: SegmentIn):
    data = {**payload.dict(), "filters": _conditions(payload.filters)}
    return Status(201, _segment(svc.segment_save(actor=request.user, data=data)))


@segments_router.post("/preview", response={200: PreviewOut, **ERRORS},
                      summary="Count and sample 预览")  # fmt: skip
def segment_preview(request: HttpRequest, payload: PreviewIn):
    found = svc.segment_preview(actor=request.user, filters=_conditions(payload.filters))
    return {"count": found["count"], "sample": [
        {"id": r["pk"], "number": r["number"], "name": r["name"], "level": r["level"]}
        for r in found["sample"]]}  # fmt: skip


@segments_router.get("/{segment_id}", response={200: SegmentOut, **ERRORS})
def segment_get(request: HttpRequest, segment_id: Id):
    return _segment(sel.segment_get(user=request.user, segment_id=segment_id))


@segments_router.patch("/{segment_id}", response={200: SegmentOut, **ERRORS})
def segment_update(request: HttpRequest, segment_id: Id, payload: SegmentPatch):
    segment = sel.segment_get(user=request.user, segment_id=segment_id)
    data = payload.dict(exclude_none=True)
    if payload.filters is not None:
        data["filters"] = _conditions(payload.filters)
    return _segment(svc.segment_save(actor=request.user, data=data, segment=segment))


# -- campaigns --------------------------------------------------------------------------------


class CampaignIn(Schema):
    name: str = Field(..., max_length=64)
    kind: str = Field(..., max_length=16, description="telemarketing, win_back, renewal, "
                      "invitation")  # fmt: skip
    segment_id: Id
    script: str = Field(..., max_length=32, description="a sales script's code")
    starts_on: dt.date
    ends_on: dt.date
    hours: list[list[str]] = Field(..., max_length=6, description='[["09:00", "12:00"], …]')
    agents: list[str] = Field(..., max_length=200, description="usernames")
    cool_off_days: int = Field(7, ge=0, le=365)
    max_attempts: int = Field(3, ge=1, le=10)
    retry_hours: int = Field(4, ge=1, le=168)
    conversion_events: list[str] = Field([], max_length=10)
    conversion_days: int = Field(30, ge=1, le=365)


class CampaignPatch(Schema):
    name: str | None = Field(None, max_length=64)
    segment_id: Id | None = None
    script: str | None = Field(None, max_length=32)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    hours: list[list[str]] | None = Field(None, max_length=6)
    agents: list[str] | None = Field(None, max_length=200)
    cool_off_days: int | None = Field(None, ge=0, le=365)
    max_attempts: int | None = Field(None, ge=1, le=10)
    retry_hours: int | None = Field(None, ge=1, le=168)
    conversion_events: list[str] | None = Field(None, max_length=10)
    conversion_days: int | None = Field(None, ge=1, le=365)


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    segment_id: int
    segment: str
    script: str
    starts_on: dt.date
    ends_on: dt.date
    hours: list[list[str]]
    agents: list[str]
    cool_off_days: int
    max_attempts: int
    retry_hours: int
    conversion_events: list[str]
    conversion_days: int
    list_size: int
    excluded: dict[str, int] = Field(..., description="kept off the list, by reason")
    built_at: dt.datetime | None
    distributed_at: dt.datetime | None


def _campaign(c) -> dict:
    return {"id": c.pk, "name": c.name, "kind": c.kind, "status": c.status,
            "segment_id": c.segment_id, "segment": c.segment.name, "script": c.script.code,
            "starts_on": c.starts_on, "ends_on": c.ends_on, "hours": c.hours,
            "agents": sel.campaign_agents(c),
            "cool_off_days": c.cool_off_days, "max_attempts": c.max_attempts,
            "retry_hours": c.retry_hours, "conversion_events": c.conversion_events,
            "conversion_days": c.conversion_days, "list_size": c.list_size,
            "excluded": c.excluded, "built_at": c.built_at,
            "distributed_at": c.distributed_at}  # fmt: skip


class BuildOut(Schema):
    list_size: int
    excluded: dict[str, int]


class StatusIn(Schema):
    status: str = Field(..., max_length=8, description="active, paused or closed")


class FiguresOut(Schema):
    total: int
    called: int
    reached: int
    left: int
    reach_rate: str
    progress: str
    sold_rate: str
    converted: int | None = None
    converted_rate: str
    outcomes: dict[str, int]


class AgentFiguresOut(FiguresOut):
    agent: str


class ResultsOut(Schema):
    whole: FiguresOut
    agents: list[AgentFiguresOut]


class SegmentResultOut(Schema):
    segment_id: int
    segment: str
    campaigns: int
    total: int
    called: int
    reached: int
    sold: int
    reach_rate: str
    sold_rate: str


def _figures(row: dict) -> dict:
    return {**row, "outcomes": {o: row[o] for o in ch.Outcome.values}}


@campaigns_router.get("", response={200: list[CampaignOut], **ERRORS}, summary="Campaigns 活动")
def campaign_list(request: HttpRequest, limit: int = Query(50, ge=1, le=200),
                  status: str = Query("", max_length=8)):  # fmt: skip
    """A lead's: every campaign; an agent's: the ones they call for."""
    return [_campaign(c) for c in sel.campaigns(user=request.user, status=status)[:limit]]


@campaigns_router.post("", response={201: CampaignOut, **ERRORS}, summary="New campaign 新建")
def campaign_create(request: HttpRequest, payload: CampaignIn):
    return Status(201, _campaign(svc.campaign_save(actor=request.user, data=payload.dict())))


@campaigns_router.get("/segments", response={200: list[SegmentResultOut], **ERRORS},
                      summary="Results per segment 分群效果")  # fmt: skip
def campaign_segments(request: HttpRequest, limit: int = Query(100, ge=1, le=500)):
    """Per segment over all its campaigns: on the lists, called, reached, sold."""
    return sel.segment_results(user=request.user)[:limit]


@campaigns_router.get("/{campaign_id}", response={200: CampaignOut, **ERRORS})
def campaign_get(request: HttpRequest, campaign_id: Id):
    return _campaign(sel.campaign_get(user=request.user, campaign_id=campaign_id))


@campaigns_router.patch("/{campaign_id}", response={200: CampaignOut, **ERRORS})
def campaign_update(request: HttpRequest, campaign_id: Id, payload: CampaignPatch):
    c = sel.campaign_get(user=request.user, campaign_id=campaign_id)
    data = payload.dict(exclude_none=True)
    return _campaign(svc.campaign_save(actor=request.user, data=data, campaign=c))


@campaigns_router.post("/{campaign_id}/build", response={200: BuildOut, **ERRORS},
                       summary="Build the call list 生成名单")  # fmt: skip
def campaign_build(request: HttpRequest, campaign_id: Id):
    """The segment's customers now, less whom the do-not-call rules forbid (a draft's
    list is built anew each time)."""
    c = sel.campaign_get(user=request.user, campaign_id=campaign_id)
    return svc.campaign_build(actor=request.user, campaign=c)


@campaigns_router.post("/{campaign_id}/distribute", response={200: dict[str, int], **ERRORS},
                       summary="Share the list 分配名单")  # fmt: skip
def campaign_distribute(request: HttpRequest, campaign_id: Id):
    """How many names each agent was given."""
    c = sel.campaign_get(user=request.user, campaign_id=campaign_id)
    return svc.campaign_distribute(actor=request.user, campaign=c)


@campaigns_router.post("/{campaign_id}/status", response={200: CampaignOut, **ERRORS},
                       summary="Start, pause, close 启动/暂停/结束")  # fmt: skip
def campaign_status(request: HttpRequest, campaign_id: Id, payload: StatusIn):
    c = sel.campaign_get(user=request.user, campaign_id=campaign_id)
    return _campaign(svc.campaign_set_status(actor=request.user, campaign=c,
                                             status=payload.status))  # fmt: skip


@campaigns_router.get("/{campaign_id}/results", response={200: ResultsOut, **ERRORS},
                      summary="Results 结果")  # fmt: skip
def campaign_results(request: HttpRequest, campaign_id: Id):
    c = sel.campaign_get(user=request.user, campaign_id=campaign_id)
    res = sel.campaign_results(user=request.user, campaign=c)
    return {"whole": _figures(res["whole"]), "agents": [_figures(a) for a in res["agents"]]}


@campaigns_router.get("/{campaign_id}/xlsx", response={200: None, **ERRORS},
                      summary="Results as XLSX 导出")  # fmt: skip
def campaign_xlsx(request: HttpRequest, campaign_id: Id):
    """The figures, per agent, and every call (logged as an export of personal data)."""
    c = sel.campaign_get(user=request.user, campaign_id=campaign_id)
    response = HttpResponse(xlsx_book(sel.campaign_xlsx_rows(user=request.user, campaign=c)),
                            content_type=XLSX)  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="campaign-{c.pk}.xlsx"'
    return response


# -- calls ------------------------------------------------------------------------------------


class CallOut(Schema):
    id: int
    campaign_id: int
    campaign: str
    customer_id: int
    customer_number: str
    customer_name: str
    phone: str = Field(..., description="masked; the number to dial comes from /dial")
    status: str
    outcome: str
    attempts: int
    next_call_at: dt.datetime | None
    appointment_at: dt.datetime | None
    note: str
    script: dict


class OutcomeIn(Schema):
    outcome: str = Field(..., max_length=16, description=", ".join(ch.Outcome.values))
    note: str = Field("", max_length=2000)
    call_back_at: str = Field("", max_length=32, description="call_back: when")
    appointment_at: str = Field("", max_length=32, description="appointment: when")


class DialOut(Schema):
    number: str


def _call(call) -> dict:
    return {"id": call.pk, "campaign_id": call.campaign_id, "campaign": call.campaign.name,
            "customer_id": call.customer_id, "customer_number": call.customer.number,
            "customer_name": call.customer.name, "phone": sel.masked_phone(call),
            "status": call.status, "outcome": call.outcome, "attempts": call.attempts,
            "next_call_at": call.next_call_at, "appointment_at": call.appointment_at,
            "note": call.note, "script": sel.script_for(call)}  # fmt: skip


@calls_router.get("/next", response={200: CallOut | None, **ERRORS}, summary="My next call 下一位")
def call_next(request: HttpRequest):
    """The signed-in agent's next call now (null: nothing to call now)."""
    nxt = sel.call_next(user=request.user)
    return _call(sel.call_get(user=request.user, call_id=nxt.pk)) if nxt else None


@calls_router.get("/{call_id}", response={200: CallOut, **ERRORS})
def call_get(request: HttpRequest, call_id: Id):
    return _call(sel.call_get(user=request.user, call_id=call_id))


@calls_router.post("/{call_id}/outcome", response={200: CallOut, **ERRORS},
                   summary="Record a call 记录结果")  # fmt: skip
def call_outcome(request: HttpRequest, call_id: Id, payload: OutcomeIn):
    call = sel.call_get(user=request.user, call_id=call_id)
    call, _warnings = svc.call_record(actor=request.user, call=call, data=payload.dict())
    return _call(sel.call_get(user=request.user, call_id=call.pk))


@calls_router.post("/{call_id}/dial", response={200: DialOut, **ERRORS},
                   summary="The number to dial 拨号")  # fmt: skip
def call_dial(request: HttpRequest, call_id: Id):
    """The full number, revealed and logged (R-0.5); refused once the customer opted out."""
    call = sel.call_get(user=request.user, call_id=call_id)
    return {"number": svc.call_dial_number(actor=request.user, call=call)}
