"""Reads of the knowledge base (R-7.2): search by Chinese words, pinyin and tags (agents see
published articles valid today; writers and leads every state), the suggestions for what an
agent is typing, the team lead's approvals and stale list, an article's versions."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import User
from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.inputs import plain
from kefu.core.search import jieba_cutter, matching
from kefu.knowledge import choices as ch
from kefu.knowledge.models import (
    Article,
    Course,
    ExamAttempt,
    Question,
    TrainingPlan,
    TrainingSession,
)

SUGGESTED = 3
KEYWORDS = 5  # words of what is typed that suggestions are searched by
CANDIDATES = 30  # the most used matches ranked for suggestions
TOP = 200  # the most matches a search lists (the API's largest page)
TYPED_AT_MOST = 2000  # characters of the typed text read for suggestions


def _readable(user: Any) -> None:
    if not P.has_perm(user, P.READ_KNOWLEDGE):
        raise PermissionDenied()


def published(*, today: dt.date | None = None) -> QuerySet[Article]:
    """What agents read: published and valid today."""
    today = today or timezone.localdate()
    return Article.objects.filter(status=ch.ArticleStatus.PUBLISHED).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
    )


def _with_tag(qs: QuerySet[Article], tag: str) -> QuerySet[Article]:
    tag = plain(tag).strip()
    return qs.filter(
        Q(tags=tag)
        | Q(tags__startswith=f"{tag} ")
        | Q(tags__endswith=f" {tag}")
        | Q(tags__contains=f" {tag} ")
    )


def articles_search(
    *, user: Any, q: str = "", category: str = "", tag: str = "", status: str = ""
) -> QuerySet[Article]:
    """Articles holding every word of `q` (汉字 words, full pinyin or initials of a word,
    tags), the most used first (with or without `q`). Agents get the published ones valid
    today; a `status` (pending, rejected, retired, published) is for writers and leads."""
    _readable(user)
    if status and (P.has_perm(user, P.WRITE_ARTICLES) or P.has_perm(user, P.APPROVE_ARTICLES)):
        qs = Article.objects.filter(status=status)
        if not P.has_perm(user, P.APPROVE_ARTICLES) and status != ch.ArticleStatus.PUBLISHED:
            qs = qs.filter(author=user)  # an agent's own drafts
    else:
        qs = published()
    qs = qs.select_related("author")
    if category:
        qs = qs.filter(category=category)
    if tag:
        qs = _with_tag(qs, tag)
    if q.strip():
        return _most_used(matching(qs, q, rank=False))
    return qs.order_by("-uses", "-id")


def _most_used(found: QuerySet[Article]) -> QuerySet[Article]:
    """The TOP most used of the matches, most used first. The matches' ids are read whole
    through the word index and the top picked here: with ORDER BY uses in the query,
    PostgreSQL walks the use index instead and cuts every row's words on its way — ten
    times slower on a two-word search of 20,000 articles."""
    top = heapq.nlargest(TOP, found.order_by().values_list("uses", "id"))
    return (
        Article.objects.filter(pk__in=[pk for _uses, pk in top])
        .select_related("author")
        .order_by("-uses", "-id")
    )


def article_get(*, user: Any, article_id: int) -> Article:
    """One article: published ones for every reader; others for their writer and leads."""
    _readable(user)
    found = Article.objects.select_related("author", "approved_by").filter(pk=article_id).first()
    if found is None or (
        found.status != ch.ArticleStatus.PUBLISHED
        and found.author_id != user.pk
        and not P.has_perm(user, P.APPROVE_ARTICLES)
    ):
        raise NotFound(f"article {article_id}")
    return found


def article_versions(*, user: Any, article_id: int) -> list[dict[str, Any]]:
    """The published versions of an article, newest first: what agents read, when, who
    approved it."""
    article = article_get(user=user, article_id=article_id)
    rows = (
        article.history.filter(status=ch.ArticleStatus.PUBLISHED)
        .order_by("-history_date")
        .values("version", "question", "answer", "history_date", "approved_by__display_name")
    )
    seen: dict[int, dict[str, Any]] = {}
    for r in rows[:200]:
        seen.setdefault(r["version"], r)
    return list(seen.values())


def articles_suggest(*, user: Any, category: str = "", text: str = "") -> list[Article]:
    """The answers for what the agent is typing (R-7.2): the text's keywords (jieba's
    TF-IDF) — articles holding the three strongest, else the two strongest, else the most
    used of those holding any, ranked by how many keywords they hold, the contact's category
    breaking ties, then use; with no text, the category's most used."""
    _readable(user)
    base = published()
    words = []
    text = plain(text or "")[:TYPED_AT_MOST]
    if text.strip():
        import jieba.analyse

        jieba_cutter()
        words = jieba.analyse.extract_tags(text, topK=KEYWORDS)
    if not words:
        qs = base.filter(category=category) if category else base
        return list(qs.select_related("author").order_by("-uses", "-id")[:SUGGESTED])
    found: dict[int, Article] = {}
    for n in (3, 2):
        if len(words) >= n and len(found) < SUGGESTED:
            both = _most_used(matching(base, " ".join(words[:n]), rank=False))
            found.update((a.pk, a) for a in both[:CANDIDATES])
    if len(found) < SUGGESTED:
        some = _most_used(matching(base, " ".join(words), rank=False, any_word=True))
        found.update((a.pk, a) for a in some[:CANDIDATES])
    hits: Counter[int] = Counter()
    for a in found.values():
        held = set(a.search_words.split())
        hits[a.pk] = sum(w in held for w in words)
    ranked = sorted(
        found.values(),
        key=lambda a: (-hits[a.pk], a.category != category if category else False, -a.uses),
    )
    return ranked[:SUGGESTED]


def stale_after() -> dt.timedelta:
    months = int(getattr(settings, "KEFU_KB_STALE_MONTHS", 6))
    return dt.timedelta(days=30 * months)


def articles_stale(*, user: Any) -> QuerySet[Article]:
    """Published articles not reviewed for KEFU_KB_STALE_MONTHS months (or expired): what
    the team lead checks, oldest first."""
    if not P.has_perm(user, P.APPROVE_ARTICLES):
        raise PermissionDenied()
    before = timezone.now() - stale_after()
    return (
        Article.objects.filter(status=ch.ArticleStatus.PUBLISHED)
        .filter(
            Q(reviewed_at__lt=before)
            | Q(reviewed_at__isnull=True)
            | Q(valid_until__lt=timezone.localdate())
        )
        .select_related("author")
        .order_by("reviewed_at", "id")
    )


def articles_waiting(*, user: Any) -> QuerySet[Article]:
    """New articles and proposed changes waiting for a team lead."""
    if not P.has_perm(user, P.APPROVE_ARTICLES):
        raise PermissionDenied()
    return (
        Article.objects.filter(Q(status=ch.ArticleStatus.PENDING) | ~Q(proposal={}))
        .exclude(status=ch.ArticleStatus.RETIRED)
        .select_related("author")
        .order_by("updated_at", "id")
    )


# -- training (R-7.4) ------------------------------------------------------------------------


def courses(*, user: Any) -> QuerySet[Course]:
    """The active courses (everyone who reads the knowledge base sees them)."""
    _readable(user)
    return Course.objects.filter(active=True).order_by("-certifies", "title", "id")


def course_get(*, user: Any, course_id: int) -> Course:
    _readable(user)
    found = Course.objects.filter(pk=course_id).first()
    if found is None or not (found.active or P.has_perm(user, P.MANAGE_TRAINING)):
        raise NotFound(f"course {course_id}")
    return found


def exam_questions(*, user: Any, course_id: int) -> QuerySet[Question]:
    """A course's exam in order (the caller hides the answers from agents)."""
    return course_get(user=user, course_id=course_id).questions.order_by("order", "id")


def attempts(*, user: Any, course_id: int | None = None, status: str = "") -> QuerySet[ExamAttempt]:
    """Exam attempts newest first: trainers see everyone's, an agent their own."""
    _readable(user)
    qs = ExamAttempt.objects.select_related("user", "course", "graded_by")
    if not P.has_perm(user, P.MANAGE_TRAINING):
        qs = qs.filter(user=user)
    if course_id:
        qs = qs.filter(course_id=course_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-submitted_at", "-id")


def sessions(*, user: Any, course_id: int | None = None) -> QuerySet[TrainingSession]:
    """Sessions newest first: trainers see all, others those they are invited to."""
    _readable(user)
    qs = TrainingSession.objects.select_related("course", "trainer", "plan")
    if not P.has_perm(user, P.MANAGE_TRAINING):
        qs = qs.filter(attendance__user=user)
    if course_id:
        qs = qs.filter(course_id=course_id)
    return qs.prefetch_related("attendance__user").order_by("-starts_at", "-id")


def plans(*, user: Any, status: str = "") -> QuerySet[TrainingPlan]:
    """Training plans, open first and newest week first: trainers see all; an agent the
    plans naming them and the whole team's."""
    _readable(user)
    qs = TrainingPlan.objects.select_related("course", "created_by").prefetch_related(
        "agents", "sessions"
    )
    if not P.has_perm(user, P.MANAGE_TRAINING):
        qs = qs.filter(Q(agents=user) | Q(agents__isnull=True)).distinct()
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-status", "-week", "-id")


def certifications(*, user: Any, within_days: int = 30) -> list[dict[str, Any]]:
    """Every active agent's certification: not certified, expired, expiring within
    `within_days`, or valid — the lead's list of who may take calls."""
    if not P.has_perm(user, P.MANAGE_TRAINING):
        raise PermissionDenied()
    today = timezone.localdate()
    out = []
    for u in User.objects.filter(role=Role.AGENT, is_active=True).order_by("username")[:500]:
        if not u.is_certified:
            state = "none"
        elif u.certified_until is not None and u.certified_until < today:
            state = "expired"
        elif u.certified_until is not None and u.certified_until <= today + dt.timedelta(
            days=within_days
        ):
            state = "expiring"
        else:
            state = "valid"
        out.append({"username": u.username, "name": u.display_name or u.username,
                    "certified_until": u.certified_until, "state": state})  # fmt: skip
    return out
