"""How articles are shown, by the API and the console alike."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kefu.core.inputs import label_halves
from kefu.interactions.choices import Category
from kefu.knowledge.models import (
    Article,
    Course,
    ExamAttempt,
    Question,
    TrainingPlan,
    TrainingSession,
)

EXCERPT = 120


def article_payload(a: Article, *, detail: bool = False) -> dict[str, Any]:
    status, status_en = label_halves(a.get_status_display())
    category = label_halves(Category(a.category).label) if a.category else ("", "")
    out: dict[str, Any] = {
        "id": a.pk,
        "question": a.question,
        "answer": a.answer if detail else a.answer[:EXCERPT],
        "category": a.category,
        "category_label": category[0],
        "category_label_en": category[1],
        "tags": a.tags.split() if a.tags else [],
        "applies_to": a.applies_to,
        "valid_from": a.valid_from,
        "valid_until": a.valid_until,
        "status": a.status,
        "status_label": status,
        "status_label_en": status_en,
        "version": a.version,
        "author": a.author.display_name or a.author.username,
        "uses": a.uses,
        "helpful": a.helpful,
        "unhelpful": a.unhelpful,
        "reviewed_at": timezone.localtime(a.reviewed_at) if a.reviewed_at else None,
        "review_note": a.review_note,
        "proposal": a.proposal or None,
    }
    return out


def _name(u: Any) -> str:
    return (u.display_name or u.username) if u else ""


def course_payload(c: Course) -> dict[str, Any]:
    return {
        "id": c.pk, "title": c.title, "description": c.description, "certifies": c.certifies,
        "cert_months": c.cert_months, "pass_percent": c.pass_percent, "active": c.active,
        "articles": [{"id": a.pk, "question": a.question} for a in c.articles.all()],
        "questions": c.questions.count(),
    }  # fmt: skip


def question_payload(q: Question, *, answer: bool = False) -> dict[str, Any]:
    """A question as the agent sees it (no answer), or as the trainer (with it)."""
    kind, kind_en = label_halves(q.get_kind_display())
    return {
        "id": q.pk, "kind": q.kind, "kind_label": kind, "kind_label_en": kind_en,
        "text": q.text, "options": q.options, "points": q.points, "order": q.order,
        "answer": q.answer if answer else None,
    }  # fmt: skip


def session_payload(s: TrainingSession) -> dict[str, Any]:
    people = []
    for a in s.attendance.all():
        label, label_en = label_halves(a.get_status_display())
        people.append({"username": a.user.username, "name": _name(a.user), "status": a.status,
                       "status_label": label, "status_label_en": label_en})  # fmt: skip
    return {
        "id": s.pk, "course_id": s.course_id, "course": s.course.title,
        "starts_at": timezone.localtime(s.starts_at), "place": s.place,
        "trainer": _name(s.trainer), "plan_id": s.plan_id, "attendance": people,
    }  # fmt: skip


def attempt_payload(a: ExamAttempt) -> dict[str, Any]:
    status, status_en = label_halves(a.get_status_display())
    return {
        "id": a.pk, "course_id": a.course_id, "course": a.course.title,
        "user": a.user.username, "name": _name(a.user), "status": a.status,
        "status_label": status, "status_label_en": status_en, "score": a.score,
        "total": a.total, "passed": a.passed, "answers": a.answers, "points": a.points,
        "submitted_at": timezone.localtime(a.submitted_at), "graded_by": _name(a.graded_by),
    }  # fmt: skip


def plan_payload(p: TrainingPlan) -> dict[str, Any]:
    status, status_en = label_halves(p.get_status_display())
    return {
        "id": p.pk, "week": p.week, "title": p.title, "reason": p.reason,
        "agents": [{"username": u.username, "name": _name(u)} for u in p.agents.all()],
        "whole_team": not p.agents.all(), "course_id": p.course_id,
        "course": p.course.title if p.course else "", "status": p.status,
        "status_label": status, "status_label_en": status_en,
        "sessions": [{"id": s.pk, "starts_at": timezone.localtime(s.starts_at)}
                     for s in p.sessions.all()],
        "created_by": _name(p.created_by),
    }  # fmt: skip


CERT_STATES = {
    "none": ("未认证", "not certified"),
    "expired": ("已过期", "expired"),
    "expiring": ("即将到期", "expiring soon"),
    "valid": ("有效", "valid"),
}
