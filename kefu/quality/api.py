"""/api/v1/quality: the center's forbidden phrases (服务用语禁忌, R-7.2), a check of any text
against them (the console checks as the agent types), and who used which phrase."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from kefu.core.api import ERRORS, Id
from kefu.core.wording import wording_check
from kefu.quality import phrases as svc
from kefu.quality import selectors as sel
from kefu.quality.presenters import hit_payload, phrase_payload

router = Router(tags=["quality 服务质量"])


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
