"""/api/v1/knowledge: the knowledge base (常见问题规范用语, R-7.2) — search by words,
pinyin and tags, suggestions for a contact being written, articles written, approved by a
team lead, versioned, retired and reviewed, and the agents' use and feedback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from kefu.accounts import permissions as P
from kefu.core.api import ERRORS
from kefu.core.errors import ValidationFailed
from kefu.core.inputs import choice_error
from kefu.interactions.choices import Category
from kefu.knowledge import choices as ch
from kefu.knowledge import selectors as sel
from kefu.knowledge import services as svc
from kefu.knowledge import training
from kefu.knowledge.presenters import (
    CERT_STATES,
    article_payload,
    attempt_payload,
    course_payload,
    plan_payload,
    question_payload,
    session_payload,
)

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


# -- /api/v1/training (R-7.4) ----------------------------------------------------------------

training_router = Router(tags=["training 培训"])


class CourseIn(Schema):
    title: str = Field(..., max_length=100)
    description: str = Field("", max_length=1000)
    article_ids: list[int] = Field([], max_length=100, description="the study articles")
    certifies: bool = Field(False, description="passing certifies the agent to take calls")
    cert_months: int = Field(12, ge=1, le=60)
    pass_percent: int = Field(80, ge=1, le=100)


class ArticleRef(Schema):
    id: int
    question: str


class CourseOut(Schema):
    id: int
    title: str
    description: str
    certifies: bool
    cert_months: int
    pass_percent: int
    active: bool
    articles: list[ArticleRef]
    questions: int


class QuestionOut(Schema):
    id: int
    kind: str
    kind_label: str
    kind_label_en: str
    text: str
    options: list[str]
    points: int
    order: int
    answer: str | None = Field(None, description="trainers only")


class AddedOut(Schema):
    added: int


class SessionIn(Schema):
    starts_at: str = Field(..., max_length=40)
    place: str = Field("", max_length=100)
    invited: list[str] = Field([], max_length=200, description="usernames")
    plan_id: int | None = Field(None, description="the training plan it fulfils")


class PersonOut(Schema):
    username: str
    name: str
    status: str
    status_label: str
    status_label_en: str


class SessionOut(Schema):
    id: int
    course_id: int
    course: str
    starts_at: dt.datetime
    place: str
    trainer: str
    plan_id: int | None
    attendance: list[PersonOut]


class MarksIn(Schema):
    marks: dict[str, str] = Field(..., description="username → present, late or absent")


class AnswersIn(Schema):
    answers: dict[str, str] = Field(..., description="question id → the answer (an option's "
                                    "index for a choice question)")  # fmt: skip


class GradeIn(Schema):
    points: dict[str, int] = Field(..., description="open question id → points")


class AttemptOut(Schema):
    id: int
    course_id: int
    course: str
    user: str
    name: str
    status: str
    status_label: str
    status_label_en: str
    score: int | None
    total: int
    passed: bool | None
    answers: dict[str, str]
    points: dict[str, int]
    submitted_at: dt.datetime
    graded_by: str


class PlanIn(Schema):
    title: str = Field(..., max_length=100)
    reason: str = Field(..., max_length=1000)
    agents: list[str] = Field([], max_length=200, description="usernames; none: whole team")
    course_id: int | None = None
    week: dt.date | None = None


class PlanAgent(Schema):
    username: str
    name: str


class PlanSession(Schema):
    id: int
    starts_at: dt.datetime


class PlanOut(Schema):
    id: int
    week: dt.date
    title: str
    reason: str
    agents: list[PlanAgent]
    whole_team: bool
    course_id: int | None
    course: str
    status: str
    status_label: str
    status_label_en: str
    sessions: list[PlanSession]
    created_by: str


class CertOut(Schema):
    username: str
    name: str
    certified_until: dt.date | None
    state: str
    state_label: str
    state_label_en: str


class AttemptsQuery(Schema):
    course: int | None = None
    status: str = Field("", max_length=10)
    limit: int = Field(50, ge=1, le=500)


class PlansQuery(Schema):
    status: str = Field("", max_length=8)
    limit: int = Field(50, ge=1, le=500)


@training_router.get("/courses", response={200: list[CourseOut], **ERRORS})
def list_courses(request: HttpRequest, params: Query[ListQuery]):
    return [course_payload(c) for c in sel.courses(user=request.user)[: params.limit]]


@training_router.post(
    "/courses", response={201: CourseOut, **ERRORS}, summary="New course 新建课程"
)
def create_course(request: HttpRequest, payload: CourseIn):
    """A course with its study articles; `certifies`: passing its exam is the 上岗认证."""
    course = training.course_create(actor=request.user, data=payload.dict())
    return Status(201, course_payload(course))


@training_router.get("/courses/{int:course_id}", response={200: CourseOut, **ERRORS})
def get_course(request: HttpRequest, course_id: int):
    return course_payload(sel.course_get(user=request.user, course_id=course_id))


@training_router.post("/courses/{int:course_id}/questions/from-articles",
                      response={200: AddedOut, **ERRORS})  # fmt: skip
def questions_from_articles(request: HttpRequest, course_id: int):
    """The exam from the course's articles: a choice of the standard answer among others',
    and the open question asking for it, per article."""
    return {"added": training.questions_from_articles(actor=request.user, course_id=course_id)}


@training_router.get("/courses/{int:course_id}/exam", response={200: list[QuestionOut], **ERRORS})
def exam(request: HttpRequest, course_id: int, params: Query[ListQuery]):
    """The exam's questions (with the answers for trainers only)."""
    trainer = P.has_perm(request.user, P.MANAGE_TRAINING)
    rows = sel.exam_questions(user=request.user, course_id=course_id)[: params.limit]
    return [question_payload(q, answer=trainer) for q in rows]


@training_router.post("/courses/{int:course_id}/attempts", response={201: AttemptOut, **ERRORS},
                      summary="Hand in the exam 交卷")  # fmt: skip
def submit(request: HttpRequest, course_id: int, payload: AnswersIn):
    """Choice questions are scored at once; open ones wait for a trainer."""
    done = training.exam_submit(actor=request.user, course_id=course_id, answers=payload.answers)
    return Status(201, attempt_payload(done))


@training_router.get("/attempts", response={200: list[AttemptOut], **ERRORS})
def list_attempts(request: HttpRequest, params: Query[AttemptsQuery]):
    """Exam attempts: an agent's own; every one for trainers (`status=submitted`: to grade)."""
    if params.status and params.status not in ch.AttemptStatus.values:
        raise ValidationFailed(choice_error("status", params.status, ch.AttemptStatus.values))
    rows = sel.attempts(user=request.user, course_id=params.course, status=params.status)
    return [attempt_payload(a) for a in rows[: params.limit]]


@training_router.post("/attempts/{int:attempt_id}/grade", response={200: AttemptOut, **ERRORS})
def grade(request: HttpRequest, attempt_id: int, payload: GradeIn):
    """A trainer grades the open questions; passing a certifying course certifies."""
    done = training.exam_grade(actor=request.user, attempt_id=attempt_id, points=payload.points)
    return attempt_payload(done)


@training_router.post("/courses/{int:course_id}/sessions", response={201: SessionOut, **ERRORS})
def schedule(request: HttpRequest, course_id: int, payload: SessionIn):
    """A session: when, where, who (a plan's agents when `plan_id` and nobody named)."""
    done = training.session_schedule(actor=request.user, course_id=course_id, data=payload.dict())
    return Status(201, session_payload(done))


@training_router.get("/sessions", response={200: list[SessionOut], **ERRORS})
def list_sessions(request: HttpRequest, params: Query[ListQuery]):
    return [session_payload(s) for s in sel.sessions(user=request.user)[: params.limit]]


@training_router.post("/sessions/{int:session_id}/attendance", response={200: SessionOut, **ERRORS})
def attendance(request: HttpRequest, session_id: int, payload: MarksIn):
    """The roll call: each invited person present, late or absent."""
    done = training.attendance_mark(actor=request.user, session_id=session_id,
                                    marks=payload.marks)  # fmt: skip
    return session_payload(done)


@training_router.get("/plans", response={200: list[PlanOut], **ERRORS})
def list_plans(request: HttpRequest, params: Query[PlansQuery]):
    if params.status and params.status not in ch.PlanStatus.values:
        raise ValidationFailed(choice_error("status", params.status, ch.PlanStatus.values))
    return [
        plan_payload(p) for p in sel.plans(user=request.user, status=params.status)[: params.limit]
    ]


@training_router.post("/plans", response={201: PlanOut, **ERRORS}, summary="Training plan 培训计划")
def create_plan(request: HttpRequest, payload: PlanIn):
    """A plan from the weekly QA analysis: the issue found, for whom, which course."""
    return Status(201, plan_payload(training.plan_create(actor=request.user, data=payload.dict())))


@training_router.post("/plans/{int:plan_id}/done", response={200: PlanOut, **ERRORS})
def plan_done(request: HttpRequest, plan_id: int):
    return plan_payload(training.plan_done(actor=request.user, plan_id=plan_id))


@training_router.get("/certifications", response={200: list[CertOut], **ERRORS})
def certifications(request: HttpRequest, params: Query[ListQuery]):
    """Every agent's 上岗认证: none, expired, expiring within 30 days, valid."""
    rows = sel.certifications(user=request.user)[: params.limit]
    return [{**r, "state_label": CERT_STATES[r["state"]][0],
             "state_label_en": CERT_STATES[r["state"]][1]} for r in rows]  # fmt: skip
