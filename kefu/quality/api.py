"""/api/v1/quality: QA inspection (质检: samples, scores, appeals, the monthly summary,
R-7.1), the center's forbidden phrases (服务用语禁忌, R-7.2), a check of any text against
them (the console checks as the agent types), and who used which phrase."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from kefu.core.api import ERRORS, Id
from kefu.core.errors import FieldError, ValidationFailed
from kefu.core.inputs import choice_error
from kefu.core.wording import wording_check
from kefu.quality import choices as ch
from kefu.quality import duty as duty_svc
from kefu.quality import handover as handover_svc
from kefu.quality import inspections as qa
from kefu.quality import phrases as svc
from kefu.quality import roster as roster_svc
from kefu.quality import selectors as sel
from kefu.quality import transcripts as tx
from kefu.quality.presenters import (
    handover_payload,
    hit_payload,
    inspection_payload,
    phrase_payload,
    rule_payload,
    transcript_payload,
)

router = Router(tags=["quality 服务质量"])
cti_transcripts_router = Router(tags=["cti 电话系统"])


class PhraseOut(Schema):
    id: int
    phrase: str
    reason: str
    instead: str
    active: bool


class PhraseIn(Schema):
    phrase: str = Field(..., max_length=20)
    reason: str = Field("", max_length=200)
    instead: str = Field("", max_length=200)


class PhrasePatch(Schema):
    reason: str | None = Field(None, max_length=200)
    instead: str | None = Field(None, max_length=200)
    active: bool | None = None


class CheckIn(Schema):
    text: str = Field(..., max_length=20000)


class Warning(Schema):
    field: str
    code: str
    message: str
    message_en: str


class CheckOut(Schema):
    warnings: list[Warning]


class HitOut(Schema):
    id: int
    agent: str
    agent_name: str
    phrase: str
    written_in: str
    written_in_label: str
    written_in_label_en: str
    record_id: int
    field: str
    excerpt: str
    at: dt.datetime


class HitsQuery(Schema):
    agent: Id | None = None
    days: int = Field(30, ge=1, le=366)
    limit: int = Field(50, ge=1, le=500)


class DaysQuery(Schema):
    days: int = Field(30, ge=1, le=366)
    limit: int = Field(100, ge=1, le=500)


class PhrasesQuery(Schema):
    limit: int = Field(200, ge=1, le=1000)


class AgentCount(Schema):
    agent_id: int
    agent: str
    count: int
    top: str


@router.get("/phrases", response={200: list[PhraseOut], **ERRORS})
def list_phrases(request: HttpRequest, params: Query[PhrasesQuery]):
    """The forbidden phrases, with why and what to say instead."""
    return [phrase_payload(p) for p in sel.phrases(user=request.user)[: params.limit]]


@router.post("/phrases", response={201: PhraseOut, **ERRORS}, summary="Add a phrase 新增禁忌用语")
def add_phrase(request: HttpRequest, payload: PhraseIn):
    """Team lead, QA inspector and above; a phrase already listed is 409."""
    return Status(201, phrase_payload(svc.phrase_create(actor=request.user, data=payload.dict())))


@router.patch("/phrases/{int:phrase_id}", response={200: PhraseOut, **ERRORS})
def patch_phrase(request: HttpRequest, phrase_id: int, payload: PhrasePatch):
    """Change why, what to say instead, or switch a phrase off (`active: false`)."""
    data = payload.dict(exclude_unset=True, exclude_none=True)
    return phrase_payload(svc.phrase_update(actor=request.user, phrase_id=phrase_id, data=data))


@router.post("/phrases/check", response={200: CheckOut, **ERRORS}, summary="Check a text 检查用语")
def check_text(request: HttpRequest, payload: CheckIn):
    """The forbidden phrases in `text` (whole words: 不行 is not found in 不行驶), each with
    why and what to say instead. Nothing is stored."""
    sel.phrases(user=request.user)  # who may read the list may check a text
    return {"warnings": [w.as_dict() for w in wording_check({"text": payload.text})]}


@router.get("/phrase-hits", response={200: list[HitOut], **ERRORS})
def list_hits(request: HttpRequest, params: Query[HitsQuery]):
    """Forbidden phrases agents saved anyway, newest first, over the last `days`: everyone's
    for team leads, QA inspectors and managers; an agent's own otherwise."""
    since = timezone.now() - dt.timedelta(days=params.days)
    rows = sel.phrase_hits(user=request.user, since=since, agent_id=params.agent)
    return [hit_payload(h) for h in rows[: params.limit]]


@router.get("/phrase-hits/by-agent", response={200: list[AgentCount], **ERRORS})
def hits_by_agent(request: HttpRequest, params: Query[DaysQuery]):
    """How often each agent used a forbidden phrase over the last `days`, most first, with
    the phrase used most."""
    since = timezone.now() - dt.timedelta(days=params.days)
    return sel.phrase_hits_by_agent(user=request.user, since=since)[: params.limit]


class ContactOut(Schema):
    content: str
    demand: str
    outcome: str
    category_label: str
    call_id: str


class ItemOut(Schema):
    id: int
    section: str
    name: str
    description: str
    points: int
    given: int | None
    comment: str
    suggested: int | None = Field(None, description="the points the automatic QA suggests")


class SentenceIn(Schema):
    speaker: str = Field(..., max_length=10, description="agent (坐席) or customer (客户)")
    start: float = Field(..., ge=0, le=tx.MAX_SECONDS, description="seconds from the call's start")
    end: float | None = Field(None, ge=0, le=tx.MAX_SECONDS)
    text: str = Field(..., max_length=tx.MAX_SENTENCE)


class TranscriptIn(Schema):
    call_id: str = Field(..., min_length=1, max_length=64)
    sentences: list[SentenceIn] = Field(..., min_length=1, max_length=tx.MAX_SENTENCES)
    recording_url: str = Field("", max_length=tx.MAX_URL)


class TranscriptUploadIn(Schema):
    interaction_id: Id
    sentences: list[SentenceIn] | None = Field(None, max_length=tx.MAX_SENTENCES)
    text: str | None = Field(
        None, max_length=tx.MAX_CHARS * 2,
        description="the transcript as lines: [00:05-00:09] 坐席：您好，很高兴为您服务",
    )  # fmt: skip
    recording_url: str = Field("", max_length=tx.MAX_URL)


class HitOutT(Schema):
    at: float
    clock: str
    text: str
    word: str = ""
    seconds: float | None = None


class FindingOut(Schema):
    rule: str
    name: str
    kind: str
    kind_label: str
    kind_label_en: str
    points: int
    flags: bool
    item_id: int | None
    count: int
    hits: list[HitOutT]


class SentenceOut(Schema):
    speaker: str
    speaker_label: str
    speaker_label_en: str
    start: float
    end: float
    clock: str
    text: str
    marked: bool


class TranscriptOut(Schema):
    interaction_id: int
    source: str
    recording_url: str
    seconds: int
    length: str
    score: int | None
    flagged: bool
    findings: list[FindingOut]
    item_points: dict[str, int]
    received_at: dt.datetime
    sentences: list[SentenceOut] | None = None


class TranscriptsQuery(Schema):
    flagged: bool | None = None
    limit: int = Field(50, ge=1, le=500)


class RuleOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    kind_label_en: str
    words: list[str]
    seconds: int
    item: str
    points: int
    flags: bool
    active: bool


class InspectionOut(Schema):
    id: int
    agent: str
    agent_name: str
    month: str
    status: str
    status_label: str
    status_label_en: str
    interaction_id: int
    occurred_at: dt.datetime
    channel_label: str
    score: int | None
    total: int
    comment: str
    inspector_name: str
    appeal_reason: str
    decision: str
    decision_label: str
    decision_label_en: str
    decision_note: str
    flagged: bool = False
    contact: ContactOut | None = None
    items: list[ItemOut] | None = None
    transcript: TranscriptOut | None = None


class HandoverItemOut(Schema):
    kind: str
    kind_label: str
    kind_label_en: str
    id: int
    label: str
    due: str
    moves: bool


class HandoverOut(Schema):
    id: int
    giver: str
    giver_name: str
    taker: str
    taker_name: str
    notes: str
    drafted_at: dt.datetime
    giver_confirmed_at: dt.datetime | None
    taker_confirmed_at: dt.datetime | None
    confirmed: bool
    moved: dict[str, int]
    items: list[HandoverItemOut]


class DrawIn(Schema):
    month: str = Field("", max_length=7, description="YYYY-MM; this month when empty")
    per_agent: int = Field(3, ge=1, le=5)
    channels: list[str] = Field([], max_length=10, description="only these channels")
    categories: list[str] = Field([], max_length=10, description="only these categories")


class DrawOut(Schema):
    added: int


class InspectionsQuery(Schema):
    month: str = Field("", max_length=7)
    status: str = Field("", max_length=8)
    agent: Id | None = None
    limit: int = Field(50, ge=1, le=500)


class ScoreIn(Schema):
    scores: dict[str, Any] = Field(
        ..., description='item id → points, or {"points": n, "comment": "…"}'
    )
    comment: str = Field("", max_length=1000)


class AppealIn(Schema):
    reason: str = Field(..., max_length=1000)


class DecideIn(Schema):
    upheld: bool
    note: str = Field(..., max_length=1000)
    score: int | None = Field(None, ge=0, le=1000)


class SummaryQuery(Schema):
    month: str = Field("", max_length=7)
    limit: int = Field(200, ge=1, le=1000)


class SummaryRow(Schema):
    agent_id: int
    agent: str
    count: int
    average: float | None
    previous: float | None
    lost_most: str


@router.post("/inspections/draw", response={200: DrawOut, **ERRORS}, summary="Draw samples 抽检")
def draw(request: HttpRequest, payload: DrawIn):
    """Sample each certified agent's contacts of the month (1–5 each; the same draw every
    time, never a contact twice, topped up when more contacts came in) — R-7.1."""
    month = qa.month_of(payload.month)
    added = qa.samples_draw(
        actor=request.user,
        month=month,
        per_agent=payload.per_agent,
        channels=payload.channels,
        categories=payload.categories,
    )
    return {"added": added}


@router.get("/inspections", response={200: list[InspectionOut], **ERRORS})
def list_inspections(request: HttpRequest, params: Query[InspectionsQuery]):
    """Sampled contacts and their QA (an agent: their own only)."""
    if params.status and params.status not in ch.InspectionStatus.values:
        raise ValidationFailed(choice_error("status", params.status, ch.InspectionStatus.values))
    rows = sel.inspections(
        user=request.user,
        month=qa.month_of(params.month) if params.month else None,
        status=params.status,
        agent_id=params.agent,
    )
    return [inspection_payload(i) for i in rows[: params.limit]]


@router.get("/inspections/summary", response={200: list[SummaryRow], **ERRORS})
def summary(request: HttpRequest, params: Query[SummaryQuery]):
    """Each agent's QA of the month: scored contacts, average, last month's, the item that
    lost most points — lowest average first (R-7.1's monthly summary)."""
    month = qa.month_of(params.month)
    return sel.qa_month_summary(user=request.user, month=month)[: params.limit]


@router.get("/inspections/{int:inspection_id}", response={200: InspectionOut, **ERRORS})
def get_inspection(request: HttpRequest, inspection_id: int):
    found = sel.inspection_get(user=request.user, inspection_id=inspection_id)
    return inspection_payload(found, detail=True)


@router.post("/inspections/{int:inspection_id}/score", response={200: InspectionOut, **ERRORS})
def score(request: HttpRequest, inspection_id: int, payload: ScoreIn):
    """Score every item of the form (0 to its points), with comments; the agent is told."""
    done = qa.inspection_score(actor=request.user, inspection_id=inspection_id,
                               data=payload.dict())  # fmt: skip
    return inspection_payload(done, detail=True)


@router.post("/inspections/{int:inspection_id}/appeal", response={200: InspectionOut, **ERRORS})
def appeal(request: HttpRequest, inspection_id: int, payload: AppealIn):
    """The agent appeals their score once, with a reason; the team leads are told."""
    sel.inspection_get(user=request.user, inspection_id=inspection_id)
    done = qa.inspection_appeal(actor=request.user, inspection_id=inspection_id,
                                reason=payload.reason)  # fmt: skip
    return inspection_payload(done, detail=True)


@router.post("/inspections/{int:inspection_id}/decide", response={200: InspectionOut, **ERRORS})
def decide(request: HttpRequest, inspection_id: int, payload: DecideIn):
    """A team lead upholds (with the corrected score) or rejects an appeal; final."""
    done = qa.inspection_decide(
        actor=request.user,
        inspection_id=inspection_id,
        upheld=payload.upheld,
        note=payload.note,
        score=payload.score,
    )
    return inspection_payload(done, detail=True)


class HandoverIn(Schema):
    taker: str = Field(..., max_length=150, description="the incoming agent's username")
    notes: str = Field("", max_length=2000)


class HandoversQuery(Schema):
    limit: int = Field(20, ge=1, le=200)


@router.post("/handovers", response={201: HandoverOut, **ERRORS}, summary="Hand over 交班")
def handover_draft(request: HttpRequest, payload: HandoverIn):
    """The outgoing agent hands over: the system lists their pending callbacks, follow-ups
    due, open work orders and complaints; the incoming agent is told (R-7.3)."""
    done = handover_svc.handover_draft(actor=request.user, data=payload.dict())
    return Status(201, handover_payload(done))


@router.get("/handovers", response={200: list[HandoverOut], **ERRORS})
def handovers(request: HttpRequest, params: Query[HandoversQuery]):
    """Handovers newest first: one's own; every one for team leads."""
    return [handover_payload(h) for h in sel.handovers(user=request.user)[: params.limit]]


@router.post("/handovers/{int:handover_id}/confirm", response={200: HandoverOut, **ERRORS})
def handover_confirm(request: HttpRequest, handover_id: int):
    """Each of the two agents confirms with their own sign-in; when both have, the callbacks
    and follow-ups move to the incoming agent."""
    sel.handover_get(user=request.user, handover_id=handover_id)
    done = handover_svc.handover_confirm(actor=request.user, handover_id=handover_id)
    return handover_payload(done)


class RosterIn(Schema):
    user: str = Field(..., max_length=150)
    shift: str = Field("", max_length=20, description="a shift code; empty: off those days")
    start: str = Field(..., max_length=10, description="YYYY-MM-DD")
    end: str = Field(..., max_length=10, description="YYYY-MM-DD, at most 62 days on")
    seat: str = Field("", max_length=16, description="the seat or phone extension (座席·分机)")


class RosterOut(Schema):
    days: int


class OnShift(Schema):
    shift: str
    seats: int
    used: int
    people: list[str]


@router.post("/roster", response={200: RosterOut, **ERRORS}, summary="Set the roster 排班")
def roster_set(request: HttpRequest, payload: RosterIn):
    """Team leads: put a person on a shift (or off) for a run of days (R-7.6)."""
    return {"days": roster_svc.roster_set(actor=request.user, data=payload.dict())}


class ShiftsQuery(Schema):
    limit: int = Field(20, ge=1, le=100)


@router.get("/roster/now", response={200: list[OnShift], **ERRORS})
def roster_now(request: HttpRequest, params: Query[ShiftsQuery]):
    """Who is on shift now, by shift, with its seats."""
    sel.phrases(user=request.user)  # anyone who works in the center may see it
    return roster_svc.on_shift()[: params.limit]


class DutyOpenIn(Schema):
    day: dt.date
    shift: str = Field(..., max_length=20)


class DutyPatch(Schema):
    problems: str | None = Field(None, max_length=5000)
    roll_call: dict[str, str] | None = Field(None, description="username → on_time|late|absent")


class DutyLogOut(Schema):
    id: int
    day: dt.date
    shift: str
    lead: str
    counts: dict[str, int]
    problems: str
    roll_call: dict[str, str]


def _duty(log) -> dict[str, Any]:
    return {"id": log.pk, "day": log.day, "shift": log.shift.code, "lead": log.lead.username,
            "counts": log.counts, "problems": log.problems, "roll_call": log.roll_call}  # fmt: skip


@router.post("/duty-logs", response={200: DutyLogOut, **ERRORS}, summary="Open a duty log 值班日志")
def duty_open(request: HttpRequest, payload: DutyOpenIn):
    """Team leads: the duty log of a shift and day (made on first call), its counts filled
    in from what was recorded in the shift's hours (R-7.3)."""
    return _duty(duty_svc.duty_log_open(actor=request.user, day=payload.day,
                                        shift_code=payload.shift))  # fmt: skip


@router.patch("/duty-logs/{int:log_id}", response={200: DutyLogOut, **ERRORS})
def duty_patch(request: HttpRequest, log_id: int, payload: DutyPatch):
    """The problems of the shift and the roll call of the people rostered."""
    data = payload.dict(exclude_none=True)
    return _duty(duty_svc.duty_log_update(actor=request.user, log_id=log_id, data=data))


@cti_transcripts_router.post("", response={200: TranscriptOut, **ERRORS},
                             summary="Call transcript 通话转写")  # fmt: skip
def cti_transcript(request: HttpRequest, payload: TranscriptIn):
    """R-7.5: the phone system posts a call's transcript (sentences labelled agent or
    customer, seconds from the call's start) after the call, with the recording's address.
    It is scored at once by the center's rules; a flagged call goes first in the inspector's
    queue and the team leads are told. The same call again replaces its transcript."""
    done = tx.transcript_receive(
        actor=request.user,
        call_id=payload.call_id,
        sentences=[s.dict() for s in payload.sentences],
        recording_url=payload.recording_url,
    )
    return transcript_payload(done)


@router.post("/transcripts", response={200: TranscriptOut, **ERRORS},
             summary="Upload a transcript 上传通话转写")  # fmt: skip
def upload_transcript(request: HttpRequest, payload: TranscriptUploadIn):
    """An inspector uploads a contact's transcript — as sentences, or as the text lines
    `[00:05-00:09] 坐席：…` — and it is scored like one from the phone system."""
    if payload.sentences is None and payload.text is None:
        raise ValidationFailed(FieldError("sentences", "required", "请提供 sentences 或 text",
                                          "give sentences or text"))  # fmt: skip
    rows = (
        [s.dict() for s in payload.sentences]
        if payload.sentences is not None
        else tx.transcript_parse(payload.text or "")
    )
    done = tx.transcript_receive(
        actor=request.user,
        interaction_id=payload.interaction_id,
        sentences=rows,
        recording_url=payload.recording_url,
        source=ch.TranscriptSource.UPLOAD,
    )
    return transcript_payload(done)


@router.get("/transcripts", response={200: list[TranscriptOut], **ERRORS})
def list_transcripts(request: HttpRequest, params: Query[TranscriptsQuery]):
    """Scored calls newest first (`flagged=true`: the ones the rules flagged), without their
    sentences."""
    rows = sel.transcripts(user=request.user, flagged=params.flagged)[: params.limit]
    return [transcript_payload(t, sentences=False) for t in rows]


@router.get("/transcripts/{int:interaction_id}", response={200: TranscriptOut, **ERRORS})
def get_transcript(request: HttpRequest, interaction_id: int):
    """One call's transcript, its findings and the points per evaluation item."""
    return transcript_payload(sel.transcript_get(user=request.user, interaction_id=interaction_id))


@router.get("/transcript-rules", response={200: list[RuleOut], **ERRORS})
def list_rules(request: HttpRequest, params: Query[PhrasesQuery]):
    """The automatic QA rules (edited by an administrator in the admin)."""
    return [rule_payload(r) for r in sel.transcript_rules(user=request.user)[: params.limit]]
