"""Training 培训 and certification 上岗认证 (R-7.4, R-2.5): courses with their study
articles, exams built from knowledge-base articles (a choice of the right standard answer
among others, and the open question "write the standard answer"), sessions with the people
invited and the roll call, attempts scored (choice questions at once, open ones by a
trainer), and a passed certifying course certifying the agent until an expiry — only
certified agents take calls. Training plans come from the weekly QA analysis and are
fulfilled by sessions. Every write is checked, locked and audited (R-0.3)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import User
from kefu.core.audit import audit_as
from kefu.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from kefu.core.inputs import date_value, int_value, parse_when, text_value
from kefu.interactions.choices import NoticeKind
from kefu.interactions.notices import notice_send, notices_send
from kefu.knowledge import choices as ch
from kefu.knowledge.models import (
    Article,
    Attendance,
    Course,
    ExamAttempt,
    Question,
    TrainingPlan,
    TrainingSession,
)

MAX_QUESTIONS = 100
MAX_INVITED = 200
OPTIONS = 4  # a choice question's options: the right answer and three others


def _id(value: Any) -> int:
    """A record id as given (a number, or digits); anything else finds nothing."""
    return int(value) if str(value).isdigit() and len(str(value)) < 12 else 0


def _required(value: str, field: str, zh: str, errors: list[FieldError]) -> None:
    if not value:
        errors.append(FieldError(field, "required", f"请填写{zh}", f"{field} is required"))


@transaction.atomic
def course_create(*, actor: User, data: dict[str, Any]) -> Course:
    """A course: title, description, the study articles, whether passing certifies."""
    P.require(actor, P.MANAGE_TRAINING)
    errors: list[FieldError] = []
    title = text_value(data, "title", 100, errors)
    _required(title, "title", "课程名称", errors)
    description = text_value(data, "description", 1000, errors)
    months = int_value(data, "cert_months", errors, low=1, high=60, default=12)
    pass_percent = int_value(data, "pass_percent", errors, low=1, high=100, default=80)
    ids = [int(x) for x in data.get("article_ids") or [] if str(x).isdigit()][:MAX_QUESTIONS]
    articles = list(Article.objects.filter(pk__in=ids, status=ch.ArticleStatus.PUBLISHED))
    if len(articles) != len(set(ids)):
        errors.append(FieldError("article_ids", "unknown", "有文章不存在或未发布",
                                 "an article is unknown or not published"))  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    course = Course(title=title, description=description, certifies=bool(data.get("certifies")),
                    cert_months=months, pass_percent=pass_percent, created_by=actor)  # fmt: skip
    audit_as(course, actor)
    course.save()
    course.articles.set(articles)
    return course


def _course(course_id: int) -> Course:
    found = Course.objects.select_for_update().filter(pk=course_id).first()
    if found is None:
        raise NotFound(f"course {course_id}")
    return found


@transaction.atomic
def questions_from_articles(*, actor: User, course_id: int, seed: int | None = None) -> int:
    """The exam from the course's articles: for each, a choice of its standard answer among
    three others' (10 points) and the open question asking for it (10 points, graded by a
    trainer against the article). Articles already asked are skipped; returns how many
    questions were added."""
    P.require(actor, P.MANAGE_TRAINING)
    course = _course(course_id)
    articles = list(course.articles.filter(status=ch.ArticleStatus.PUBLISHED).order_by("id"))
    if not articles:
        raise ValidationFailed(FieldError("article_ids", "required", "课程还没有学习文章",
                                          "the course has no articles"))  # fmt: skip
    asked = set(course.questions.values_list("article_id", flat=True))
    pool = list(Article.objects.filter(status=ch.ArticleStatus.PUBLISHED)
                .exclude(answer="").values_list("id", "answer")[:500])  # fmt: skip
    rnd = random.Random(seed if seed is not None else course.pk)
    order = course.questions.count()
    added = 0
    for article in articles:
        if article.pk in asked:
            continue
        if order + 2 > MAX_QUESTIONS:
            break
        others = [a for pk, a in pool if pk != article.pk and a != article.answer]
        options = [*rnd.sample(others, min(OPTIONS - 1, len(others))), article.answer]
        rnd.shuffle(options)
        if len(options) > 1:
            Question.objects.create(
                course=course, kind=ch.QuestionKind.CHOICE, article=article, order=order,
                text=f"客户问“{article.question}”，规范答复是哪一个？", options=options,
                answer=str(options.index(article.answer)),
            )  # fmt: skip
            order, added = order + 1, added + 1
        Question.objects.create(
            course=course, kind=ch.QuestionKind.OPEN, article=article, order=order,
            text=f"客户问“{article.question}”，请写出规范答复。", answer=article.answer,
        )  # fmt: skip
        order, added = order + 1, added + 1
    audit_as(course, actor, reason=f"{added} questions from articles")
    course.save()
    return added


@transaction.atomic
def session_schedule(*, actor: User, course_id: int, data: dict[str, Any]) -> TrainingSession:
    """A session of the course: when, where, who is invited (usernames; a training plan's
    agents, or the whole team when the plan names none). The invited are told."""
    P.require(actor, P.MANAGE_TRAINING)
    course = _course(course_id)
    errors: list[FieldError] = []
    starts = None
    try:
        starts = parse_when(data.get("starts_at"), field="starts_at")
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    place = text_value(data, "place", 100, errors)
    plan = None
    if data.get("plan_id"):
        plan = TrainingPlan.objects.filter(pk=_id(data["plan_id"])).first()
        if plan is None:
            errors.append(FieldError("plan_id", "unknown", "培训计划不存在", "no such plan"))
    names = [str(n).strip() for n in data.get("invited") or [] if str(n).strip()]
    if len(names) > MAX_INVITED:
        errors.append(FieldError("invited", "too_many", f"一场最多 {MAX_INVITED} 人",
                                 f"at most {MAX_INVITED} people a session"))  # fmt: skip
    people = list(User.objects.filter(username__in=names, is_active=True))
    unknown = sorted(set(names) - {u.username for u in people})
    if unknown:
        listed = "、".join(unknown[:5])
        errors.append(FieldError("invited", "unknown", f"没有这些在职用户：{listed}",
                                 f"no active user: {', '.join(unknown[:5])}"))  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    if plan is not None and not names:
        people = list(plan.agents.all()) or list(
            User.objects.filter(role=Role.AGENT, is_active=True)
        )
    if not people:
        raise ValidationFailed(FieldError("invited", "required", "请选择参加培训的人",
                                          "invite someone"))  # fmt: skip
    assert starts is not None
    session = TrainingSession(course=course, starts_at=starts, place=place, trainer=actor,
                              plan=plan)  # fmt: skip
    audit_as(session, actor)
    session.save()
    for person in people:
        Attendance.objects.create(session=session, user=person)
    notices_send(kind=NoticeKind.MESSAGE, users=people, link=f"/training/courses/{course.pk}/",
                 text=f"培训通知：{course.title}，{timezone.localtime(starts):%m-%d %H:%M}"
                 f"{'，' + place if place else ''}")  # fmt: skip
    return session


@transaction.atomic
def attendance_mark(*, actor: User, session_id: int, marks: dict[str, str]) -> TrainingSession:
    """The roll call of a session: each invited person present, late or absent."""
    P.require(actor, P.MANAGE_TRAINING)
    session = TrainingSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise NotFound(f"session {session_id}")
    rows = {a.user.username: a for a in session.attendance.select_related("user")}
    errors = [
        FieldError(f"marks.{name}", "invalid", f"{name}：未受邀或状态无效",
                   f"{name}: not invited, or an invalid mark")
        for name, mark in marks.items()
        if name not in rows or mark not in ch.Attendance.values
    ]  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    for name, mark in marks.items():
        row = rows[name]
        if row.status != mark:
            row.status = mark
            audit_as(row, actor)
            row.save()
    return session


def _choice_points(q: Question, given: Any) -> int:
    return q.points if str(given).strip() == q.answer else 0


@transaction.atomic
def exam_submit(*, actor: User, course_id: int, answers: dict[str, Any]) -> ExamAttempt:
    """An agent hands in the course's exam: choice questions scored at once; open ones wait
    for a trainer (the leads are told). Every question must be answered."""
    P.require(actor, P.READ_KNOWLEDGE)
    course = Course.objects.filter(pk=course_id, active=True).first()
    if course is None:
        raise NotFound(f"course {course_id}")
    questions = list(course.questions.all())
    if not questions:
        raise ValidationFailed(FieldError("answers", "no_exam", "该课程还没有试题",
                                          "the course has no exam"))  # fmt: skip
    errors: list[FieldError] = []
    given: dict[str, str] = {}
    for q in questions:
        raw = answers.get(str(q.pk))
        value = str(raw).strip() if raw is not None else ""
        if not value:
            errors.append(FieldError(f"answers.{q.pk}", "required", f"第 {q.order + 1} 题未作答",
                                     f"question {q.order + 1} is not answered"))  # fmt: skip
        elif len(value) > 4000:
            errors.append(FieldError(f"answers.{q.pk}", "too_long", "答案过长",
                                     "the answer is too long"))  # fmt: skip
        given[str(q.pk)] = value
    if errors:
        raise ValidationFailed(errors)
    points = {str(q.pk): _choice_points(q, given[str(q.pk)])
              for q in questions if q.kind == ch.QuestionKind.CHOICE}  # fmt: skip
    attempt = ExamAttempt(course=course, user=actor, answers=given, points=points,
                          total=sum(q.points for q in questions),
                          status=ch.AttemptStatus.SUBMITTED)  # fmt: skip
    audit_as(attempt, actor)
    attempt.save()
    if all(q.kind == ch.QuestionKind.CHOICE for q in questions):
        _finish(attempt, actor)
    else:
        notices_send(kind=NoticeKind.MESSAGE,
                     users=User.objects.filter(role=Role.TEAM_LEAD, is_active=True),
                     link=f"/training/courses/{course.pk}/",
                     text=f"{actor.display_name or actor.username} 交了“{course.title}”的试卷，"
                     "待评阅问答题")  # fmt: skip
    return attempt


@transaction.atomic
def exam_grade(*, actor: User, attempt_id: int, points: dict[str, Any]) -> ExamAttempt:
    """A trainer gives each open question its points (0 to the question's); the score is
    then final: passed at the course's pass mark, and a certifying course certifies."""
    P.require(actor, P.MANAGE_TRAINING)
    attempt = ExamAttempt.objects.select_for_update().filter(pk=attempt_id).first()
    if attempt is None:
        raise NotFound(f"attempt {attempt_id}")
    if attempt.status != ch.AttemptStatus.SUBMITTED:
        raise Conflict(FieldError("status", "graded", "已评分", "already graded"))
    if attempt.user_id == actor.pk:
        raise PermissionDenied("不能评阅自己的试卷", "You cannot grade your own exam")
    errors: list[FieldError] = []
    got = dict(attempt.points)
    for q in attempt.course.questions.filter(kind=ch.QuestionKind.OPEN):
        got[str(q.pk)] = int_value(points, str(q.pk), errors, low=0, high=q.points, default=-1)
        if got[str(q.pk)] < 0:
            errors.append(FieldError(str(q.pk), "required", f"第 {q.order + 1} 题未评分",
                                     f"question {q.order + 1} is not graded"))  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    attempt.points = got
    _finish(attempt, actor)
    return attempt


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    following = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return dt.date(year, month + 1, min(day.day, (following - dt.timedelta(days=1)).day))


def _finish(attempt: ExamAttempt, actor: User) -> None:
    course = attempt.course
    attempt.score = sum(int(v) for v in attempt.points.values())
    attempt.passed = attempt.score * 100 >= course.pass_percent * max(attempt.total, 1)
    attempt.status, attempt.graded_at = ch.AttemptStatus.GRADED, timezone.now()
    attempt.graded_by = actor
    audit_as(attempt, actor)
    attempt.save()
    person = attempt.user
    text = f"“{course.title}”考试成绩：{attempt.score}/{attempt.total}，" + (
        "通过" if attempt.passed else "未通过"
    )
    if attempt.passed and course.certifies:
        until = months_after(timezone.localdate(), course.cert_months)
        person.is_certified, person.certified_until = True, until
        audit_as(person, actor, reason=f"certified by {course.title} until {until}")
        person.save(update_fields=["is_certified", "certified_until"])
        text += f"，上岗认证有效至 {until}"
    notice_send(kind=NoticeKind.MESSAGE, user=person, link=f"/training/courses/{course.pk}/",
                text=text)  # fmt: skip


@transaction.atomic
def plan_create(*, actor: User, data: dict[str, Any]) -> TrainingPlan:
    """A training plan from the weekly QA analysis: the issue, for whom, which course."""
    P.require(actor, P.MANAGE_TRAINING)
    errors: list[FieldError] = []
    title = text_value(data, "title", 100, errors)
    _required(title, "title", "计划名称", errors)
    reason = text_value(data, "reason", 1000, errors)
    _required(reason, "reason", "发现的问题", errors)
    names = [str(n).strip() for n in data.get("agents") or [] if str(n).strip()][:MAX_INVITED]
    agents = list(User.objects.filter(username__in=names, is_active=True))
    if len(agents) != len(set(names)):
        errors.append(FieldError("agents", "unknown", "有用户不存在或已离职",
                                 "a user is unknown or inactive"))  # fmt: skip
    course = None
    if data.get("course_id"):
        course = Course.objects.filter(pk=_id(data["course_id"])).first()
        if course is None:
            errors.append(FieldError("course_id", "unknown", "课程不存在", "no such course"))
    week = date_value(data.get("week"), "week", errors)
    if errors:
        raise ValidationFailed(errors)
    day = week or timezone.localdate()
    plan = TrainingPlan(title=title, reason=reason, course=course, created_by=actor,
                        week=day - dt.timedelta(days=day.weekday()))  # fmt: skip
    audit_as(plan, actor)
    plan.save()
    plan.agents.set(agents)
    if agents:
        notices_send(kind=NoticeKind.MESSAGE, users=agents, link="/training/",
                     text=f"培训计划：{title} — {reason[:80]}")  # fmt: skip
    return plan


@transaction.atomic
def plan_done(*, actor: User, plan_id: int) -> TrainingPlan:
    """A plan is fulfilled (its sessions held)."""
    P.require(actor, P.MANAGE_TRAINING)
    plan = TrainingPlan.objects.select_for_update().filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(f"plan {plan_id}")
    if not plan.sessions.exists():
        raise Conflict(FieldError("sessions", "none", "还没有安排培训场次",
                                  "no session fulfils the plan yet"))  # fmt: skip
    plan.status, plan.done_at = ch.PlanStatus.DONE, timezone.now()
    audit_as(plan, actor)
    plan.save()
    return plan
