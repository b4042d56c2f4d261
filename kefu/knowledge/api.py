"""/api/v1/knowledge: the knowledge base (常见问题规范用语, R-7.2) — search by words,
pinyin and tags, suggestions for a contact being written, articles written, approved by a
team lead, versioned, retired and reviewed, and the agents' use and feedback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from kefu.core.api import ERRORS
from kefu.core.errors import ValidationFailed
from kefu.core.inputs import choice_error
from kefu.interactions.choices import Category
from kefu.knowledge import choices as ch
from kefu.knowledge import selectors as sel
from kefu.knowledge import services as svc
from kefu.knowledge.presenters import article_payload

router = Router(tags=["knowledge 知识库"])


class ArticleOut(Schema):
    id: int
    question: str
    answer: str = Field(..., description="whole on one article; the first 120 characters in lists")
    category: str
    category_label: str
    category_label_en: str
    tags: list[str]
    applies_to: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    status: str
    status_label: str
    status_label_en: str
    version: int
    author: str
    uses: int
    helpful: int
    unhelpful: int
    reviewed_at: dt.datetime | None
    review_note: str
    proposal: dict[str, Any] | None = Field(None, description="a change waiting for approval")


class ArticleIn(Schema):
    question: str = Field(..., max_length=200)
    answer: str = Field(..., max_length=4000)
    category: str = Field("", max_length=16)
    tags: list[str] | str = Field("", description="space-separated, or a list; at most 10")
    applies_to: str = Field("", max_length=64, description="a preset or an asset model")
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class ArticlePatch(Schema):
    question: str | None = Field(None, max_length=200)
    answer: str | None = Field(None, max_length=4000)
    category: str | None = Field(None, max_length=16)
    tags: list[str] | str | None = None
    applies_to: str | None = Field(None, max_length=64)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class SearchQuery(Schema):
    q: str = Field("", max_length=100)
    category: str = Field("", max_length=16)
    tag: str = Field("", max_length=20)
    status: str = Field("", max_length=10)
    limit: int = Field(20, ge=1, le=200)


class SuggestIn(Schema):
    category: str = Field("", max_length=16)
    text: str = Field("", max_length=20000)


class NoteIn(Schema):
    note: str = Field("", max_length=500)


class FeedbackIn(Schema):
    helpful: bool
    comment: str = Field("", max_length=300)


class UsedOut(Schema):
    uses: int


class ListQuery(Schema):
    limit: int = Field(100, ge=1, le=500)


class VersionOut(Schema):
    version: int
    question: str
    answer: str
    published_at: dt.datetime
    approved_by: str


def _check(category: str = "", status: str = "") -> None:
    if category and category not in Category.values:
        raise ValidationFailed(choice_error("category", category, Category.values))
    if status and status not in ch.ArticleStatus.values:
        raise ValidationFailed(choice_error("status", status, ch.ArticleStatus.values))


@router.get("/articles", response={200: list[ArticleOut], **ERRORS}, summary="Search 搜索知识库")
def search(request: HttpRequest, params: Query[SearchQuery]):
    """Articles holding every word of `q` — Chinese words, a word's full pinyin or initials
    (baoyang, by), tags — best first; without `q` the most used. Agents get the published
    articles valid today; writers and leads may ask for a `status`."""
    _check(params.category, params.status)
    rows = sel.articles_search(user=request.user, q=params.q, category=params.category,
                               tag=params.tag, status=params.status)  # fmt: skip
    return [article_payload(a) for a in rows[: params.limit]]


@router.post("/articles", response={201: ArticleOut, **ERRORS}, summary="Write an article 新建")
def create(request: HttpRequest, payload: ArticleIn):
    """A new article; published once a team lead approves it (the leads are told)."""
    article = svc.article_create(actor=request.user, data=payload.dict())
    return Status(201, article_payload(article, detail=True))


@router.post("/articles/suggest", response={200: list[ArticleOut], **ERRORS},
             summary="Suggestions 推荐答复")  # fmt: skip
def suggest(request: HttpRequest, payload: SuggestIn):
    """Up to three answers for a contact being written: its keywords searched, the contact's
    category breaking ties (what the call page shows as the agent types)."""
    _check(payload.category)
    found = sel.articles_suggest(user=request.user, category=payload.category, text=payload.text)
    return [article_payload(a) for a in found]


@router.get("/articles/waiting", response={200: list[ArticleOut], **ERRORS})
def waiting(request: HttpRequest, params: Query[ListQuery]):
    """New articles and proposed changes waiting for a team lead, oldest first."""
    return [article_payload(a) for a in sel.articles_waiting(user=request.user)[: params.limit]]


@router.get("/articles/stale", response={200: list[ArticleOut], **ERRORS})
def stale(request: HttpRequest, params: Query[ListQuery]):
    """Published articles not reviewed for KEFU_KB_STALE_MONTHS months, or expired."""
    return [article_payload(a) for a in sel.articles_stale(user=request.user)[: params.limit]]


@router.get("/articles/{int:article_id}", response={200: ArticleOut, **ERRORS})
def get(request: HttpRequest, article_id: int):
    return article_payload(sel.article_get(user=request.user, article_id=article_id), detail=True)


@router.get("/articles/{int:article_id}/versions", response={200: list[VersionOut], **ERRORS})
def versions(request: HttpRequest, article_id: int, params: Query[ListQuery]):
    """The published versions, newest first."""
    rows = sel.article_versions(user=request.user, article_id=article_id)[: params.limit]
    return [{"version": r["version"], "question": r["question"], "answer": r["answer"],
             "published_at": r["history_date"],
             "approved_by": r["approved_by__display_name"] or ""} for r in rows]  # fmt: skip


@router.patch("/articles/{int:article_id}", response={200: ArticleOut, **ERRORS})
def update(request: HttpRequest, article_id: int, payload: ArticlePatch):
    """Change an article: a draft is edited; a published one gets a proposal the agents do
    not see until a team lead approves it."""
    data = payload.dict(exclude_unset=True)
    article = svc.article_update(actor=request.user, article_id=article_id, data=data)
    return article_payload(article, detail=True)


@router.post("/articles/{int:article_id}/approve", response={200: ArticleOut, **ERRORS})
def approve(request: HttpRequest, article_id: int, payload: NoteIn):
    """A team lead publishes the article or its proposed change (a new version)."""
    article = svc.article_approve(actor=request.user, article_id=article_id, note=payload.note)
    return article_payload(article, detail=True)


@router.post("/articles/{int:article_id}/reject", response={200: ArticleOut, **ERRORS})
def reject(request: HttpRequest, article_id: int, payload: NoteIn):
    """A team lead sends it back with a reason; the writer is told."""
    article = svc.article_reject(actor=request.user, article_id=article_id, note=payload.note)
    return article_payload(article, detail=True)


@router.post("/articles/{int:article_id}/retire", response={200: ArticleOut, **ERRORS})
def retire(request: HttpRequest, article_id: int, payload: NoteIn):
    article = svc.article_retire(actor=request.user, article_id=article_id, note=payload.note)
    return article_payload(article, detail=True)


@router.post("/articles/{int:article_id}/review", response={200: ArticleOut, **ERRORS})
def review(request: HttpRequest, article_id: int):
    """A team lead confirms the answer still holds (off the stale list)."""
    article = svc.article_review(actor=request.user, article_id=article_id)
    return article_payload(article, detail=True)


@router.post("/articles/{int:article_id}/use", response={200: UsedOut, **ERRORS})
def use(request: HttpRequest, article_id: int):
    """Count one use of the answer (the console counts when an agent copies it)."""
    return {"uses": svc.article_use(actor=request.user, article_id=article_id)}


@router.post("/articles/{int:article_id}/feedback", response={200: ArticleOut, **ERRORS})
def feedback(request: HttpRequest, article_id: int, payload: FeedbackIn):
    """ "This answer helped" or not (once per person; the last word counts)."""
    article = svc.article_feedback(actor=request.user, article_id=article_id,
                                   helpful=payload.helpful, comment=payload.comment)  # fmt: skip
    return article_payload(article, detail=True)
