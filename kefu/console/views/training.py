"""培训 (R-7.4) and the weekly QA analysis (R-7.1): the training page (courses, the plans
and sessions that concern me, my exams, and for trainers the exams to grade, the plans, who
is certified until when), a course's page (its articles, its exam to take or to build, its
sessions with the roll call, the attempts to grade) and the QA week's report whose issues
become training plans."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts import permissions as P
from kefu.accounts.selectors import agents_for_handover
from kefu.console.views.base import console, field_errors, posted_id
from kefu.core.errors import KefuError
from kefu.knowledge import selectors as kb_sel
from kefu.knowledge import training as svc
from kefu.knowledge.presenters import (
    CERT_STATES,
    attempt_payload,
    course_payload,
    plan_payload,
    question_payload,
    session_payload,
)
from kefu.quality.analysis import qa_week_report, week_of


def _names(raw: str) -> list[str]:
    return [n for n in raw.replace("，", ",").replace(" ", ",").split(",") if n][:200]


@console
def training(request: HttpRequest) -> HttpResponse:
    user = request.user
    trainer = P.has_perm(user, P.MANAGE_TRAINING)
    errors: dict = {}
    if request.method == "POST" and trainer:
        data = {"title": request.POST.get("title", ""),
                "description": request.POST.get("description", ""),
                "article_ids": request.POST.getlist("article_ids"),
                "certifies": request.POST.get("certifies") == "1",
                "cert_months": request.POST.get("cert_months") or 12,
                "pass_percent": request.POST.get("pass_percent") or 80}  # fmt: skip
        try:
            course = svc.course_create(actor=user, data=data)
            messages.success(request, _("课程已建立"))
            return redirect(f"/training/courses/{course.pk}/")
        except KefuError as exc:
            errors = field_errors(exc)
    context = {
        "trainer": trainer,
        "courses": [course_payload(c) for c in kb_sel.courses(user=user)[:50]],
        "plans": [plan_payload(p) for p in kb_sel.plans(user=user)[:30]],
        "sessions": [session_payload(s) for s in kb_sel.sessions(user=user)[:20]],
        "attempts": [
            attempt_payload(a)
            for a in kb_sel.attempts(user=user, status="submitted" if trainer else "")[:30]
        ],
        "certs": [{**r, "label": CERT_STATES[r["state"]]} for r in kb_sel.certifications(user=user)]
        if trainer
        else [],
        "articles": kb_sel.articles_search(user=user)[:100] if trainer else [],
        "errors": errors,
    }
    return render(request, "console/training.html", context, status=422 if errors else 200)


@console
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    user = request.user
    found = kb_sel.course_get(user=user, course_id=course_id)
    trainer = P.has_perm(user, P.MANAGE_TRAINING)
    errors: dict = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "build":
                added = svc.questions_from_articles(actor=user, course_id=found.pk)
                messages.success(request, _("已从文章生成 %(n)s 道题") % {"n": added})
            elif action == "schedule":
                svc.session_schedule(actor=user, course_id=found.pk, data={
                    "starts_at": request.POST.get("starts_at", ""),
                    "place": request.POST.get("place", ""),
                    "invited": request.POST.getlist("invited"),
                    "plan_id": posted_id(request, "plan_id")})  # fmt: skip
                messages.success(request, _("培训已安排，已通知参加人"))
            elif action == "roll":
                marks = {k[len("mark_"):]: v for k, v in request.POST.items()
                         if k.startswith("mark_") and v}  # fmt: skip
                svc.attendance_mark(actor=user, session_id=posted_id(request, "session") or 0,
                                    marks=marks)  # fmt: skip
                messages.success(request, _("已点名"))
            elif action == "exam":
                answers = {k[len("q_") :]: v for k, v in request.POST.items() if k.startswith("q_")}
                attempt = svc.exam_submit(actor=user, course_id=found.pk, answers=answers)
                messages.success(request, _("已交卷") if attempt.score is None else
                                 _("已交卷：%(s)s/%(t)s") % {"s": attempt.score,
                                                           "t": attempt.total})  # fmt: skip
            elif action == "grade":
                points = {k[len("p_") :]: v for k, v in request.POST.items() if k.startswith("p_")}
                svc.exam_grade(actor=user, attempt_id=posted_id(request, "attempt") or 0,
                               points=points)  # fmt: skip
                messages.success(request, _("已评分，已通知考生"))
            return redirect(f"/training/courses/{found.pk}/")
        except KefuError as exc:
            errors = field_errors(exc)
    questions = [question_payload(q, answer=trainer)
                 for q in kb_sel.exam_questions(user=user, course_id=found.pk)]  # fmt: skip
    attempts = [attempt_payload(a) for a in kb_sel.attempts(user=user, course_id=found.pk)[:30]]
    for a in attempts:  # the open answers next to the reference, for the grader
        a["open"] = [{**q, "given": a["answers"].get(str(q["id"]), "")}
                     for q in questions if q["kind"] == "open"]  # fmt: skip
    context = {
        "c": course_payload(found),
        "trainer": trainer,
        "questions": questions,
        "sessions": [
            session_payload(s) for s in kb_sel.sessions(user=user, course_id=found.pk)[:20]
        ],
        "attempts": attempts,
        "people": agents_for_handover(user=user) if trainer else [],
        "plans": [plan_payload(p) for p in kb_sel.plans(user=user, status="open")[:30]]
        if trainer
        else [],
        "marks": [("present", _("出席")), ("late", _("迟到")), ("absent", _("缺席"))],
        "errors": errors,
        "posted": request.POST,
    }
    return render(request, "console/course.html", context, status=422 if errors else 200)


@console
def qa_week(request: HttpRequest) -> HttpResponse:
    """质检周分析: the week's QA and its issues; an issue becomes a training plan."""
    user = request.user
    try:
        week = dt.date.fromisoformat(request.GET.get("week", "")[:10])
    except ValueError:
        week = week_of(timezone.localdate())
    errors: dict = {}
    if request.method == "POST":
        data = {"title": request.POST.get("title", ""), "reason": request.POST.get("reason", ""),
                "agents": _names(request.POST.get("agents", "")), "week": week.isoformat(),
                "course_id": posted_id(request, "course_id")}  # fmt: skip
        try:
            svc.plan_create(actor=user, data=data)
            messages.success(request, _("培训计划已建立，已通知相关坐席"))
            return redirect(f"/quality/week/?week={week_of(week)}")
        except KefuError as exc:
            errors = field_errors(exc)
    report = qa_week_report(user=user, week=week)
    context = {
        "r": report,
        "previous": report["week"] - dt.timedelta(days=7),
        "following": report["week"] + dt.timedelta(days=7),
        "may_plan": P.has_perm(user, P.MANAGE_TRAINING),
        "courses": [course_payload(c) for c in kb_sel.courses(user=user)[:50]],
        "errors": errors,
    }
    return render(request, "console/qa_week.html", context, status=422 if errors else 200)
