"""Writes of the knowledge base (R-7.2): an article written and sent to the team leads, a
lead's approval (publication) or sending back, a proposed change to a published article
waiting beside it, retirement, the periodic review, and the agents' use and feedback.
Every change is checked, locked and audited (R-0.3); the history is the version history."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import User
from kefu.core.audit import audit_as
from kefu.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from kefu.core.inputs import choice_error, date_value, plain, text_value
from kefu.core.search import jieba_cutter
from kefu.interactions.choices import Category, NoticeKind
from kefu.interactions.notices import notice_send, notices_send
from kefu.knowledge import choices as ch
from kefu.knowledge.models import Article, ArticleFeedback

EDITABLE = ("question", "answer", "category", "tags", "applies_to", "valid_from", "valid_until")
MAX_TAGS = 10


def pinyin_words(*texts: str) -> str:
    """Each word of `texts` in full pinyin and in initials: 保养预约 → "baoyang by yuyue yy
    baoyangyuyue byyy" — what an agent types on a keyboard without a Chinese input method."""
    out: list[str] = []
    for text in texts:
        words = [w for w in jieba_cutter().cut(plain(text or "")) if re.search(r"[一-鿿]", w)]
        syllables_all: list[str] = []
        for word in words:
            syllables = [s for s in lazy_pinyin(word, style=Style.NORMAL) if s.isascii()]
            if syllables:
                out += ["".join(syllables), "".join(s[0] for s in syllables)]
                syllables_all += syllables
        if 1 < len(words) <= 6 and syllables_all:
            out += ["".join(syllables_all), "".join(s[0] for s in syllables_all)]
    return " ".join(dict.fromkeys(out))[:600]


def _clean(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    errors: list[FieldError] = []
    v: dict[str, Any] = {}
    for field, limit in (("question", 200), ("answer", 4000), ("applies_to", 64)):
        if field in data or not partial:
            v[field] = text_value(data, field, limit, errors)
    for field in ("question", "answer"):
        if field in v and not v[field]:
            label = "问题" if field == "question" else "规范答复"
            errors.append(FieldError(field, "required", f"请填写{label}", f"{field} is required"))
    if "category" in data or not partial:
        v["category"] = str(data.get("category") or "")
        if v["category"] and v["category"] not in Category.values:
            errors.append(choice_error("category", v["category"], Category.values))
    if "tags" in data or not partial:
        raw = data.get("tags") or ""
        raw = " ".join(raw) if isinstance(raw, list) else str(raw)
        tags = list(dict.fromkeys(t for t in re.split(r"[\s,，、;；]+", plain(raw)) if t))
        if len(tags) > MAX_TAGS or any(len(t) > 20 for t in tags):
            errors.append(FieldError("tags", "too_many",
                                     f"最多 {MAX_TAGS} 个标签，每个不超过 20 字",
                                     f"at most {MAX_TAGS} tags of 20 characters"))  # fmt: skip
        v["tags"] = " ".join(tags)[:200]
    for field in ("valid_from", "valid_until"):
        if field in data or not partial:
            v[field] = date_value(data.get(field), field, errors)
    if v.get("valid_from") and v.get("valid_until") and v["valid_until"] < v["valid_from"]:
        errors.append(FieldError("valid_until", "before_start", "失效日期早于生效日期",
                                 "valid_until is before valid_from"))  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    return v


def _locked(article_id: int) -> Article:
    found = Article.objects.select_for_update().filter(pk=article_id).first()
    if found is None:
        raise NotFound(f"article {article_id}")
    return found


def _leads() -> Any:
    return User.objects.filter(role=Role.TEAM_LEAD, is_active=True)


def _save(article: Article, actor: User, reason: str = "") -> None:
    article.pinyin = pinyin_words(article.question, article.tags)
    audit_as(article, actor, reason=reason)
    article.save()


@transaction.atomic
def article_create(*, actor: User, data: dict[str, Any]) -> Article:
    """A new article, sent to the team leads for approval (not yet shown to agents)."""
    P.require(actor, P.WRITE_ARTICLES)
    v = _clean(data, partial=False)
    article = Article(author=actor, status=ch.ArticleStatus.PENDING, **v)
    _save(article, actor)
    notices_send(kind=NoticeKind.APPROVAL, users=_leads(), link=f"/knowledge/{article.pk}/",
                 text=f"知识库新文章待审核：{article.question}")  # fmt: skip
    return article


@transaction.atomic
def article_update(*, actor: User, article_id: int, data: dict[str, Any]) -> Article:
    """Change an article. One not yet published is edited and sent for approval again; a
    published one keeps its approved text, the change waits beside it as a proposal."""
    P.require(actor, P.WRITE_ARTICLES)
    article = _locked(article_id)
    if article.status == ch.ArticleStatus.RETIRED:
        raise Conflict(FieldError("status", "retired", "文章已停用", "the article is retired"))
    if article.author_id != actor.pk and not P.has_perm(actor, P.APPROVE_ARTICLES) \
            and article.status != ch.ArticleStatus.PUBLISHED:  # fmt: skip
        raise PermissionDenied("只能修改自己的草稿", "You can edit only your own drafts")
    v = _clean({k: data[k] for k in EDITABLE if k in data}, partial=True)
    if article.status == ch.ArticleStatus.PUBLISHED:
        current = {k: getattr(article, k) for k in EDITABLE}
        merged = {**current, **article.proposal.get("fields", {}), **v}
        changed = {k: (x.isoformat() if isinstance(x, dt.date) else x)
                   for k, x in merged.items() if x != current[k]}  # fmt: skip
        if not changed:
            return article
        article.proposal = {"fields": changed, "by": actor.username,
                            "by_name": actor.display_name or actor.username,
                            "at": timezone.now().isoformat()}  # fmt: skip
        _save(article, actor, reason="change proposed")
    else:
        for key, value in v.items():
            setattr(article, key, value)
        article.status = ch.ArticleStatus.PENDING
        _save(article, actor)
    notices_send(kind=NoticeKind.APPROVAL, users=_leads(), link=f"/knowledge/{article.pk}/",
                 text=f"知识库文章修改待审核：{article.question}")  # fmt: skip
    return article


def _as_date(value: Any) -> Any:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else value or None


@transaction.atomic
def article_approve(*, actor: User, article_id: int, note: str = "") -> Article:
    """A team lead publishes the article, or its proposed change: a new version."""
    P.require(actor, P.APPROVE_ARTICLES)
    article = _locked(article_id)
    if article.status != ch.ArticleStatus.PENDING and not article.proposal:
        raise Conflict(FieldError("status", "nothing_to_approve", "没有待审核的内容",
                                  "nothing waits for approval"))  # fmt: skip
    for key, value in article.proposal.get("fields", {}).items():
        setattr(article, key, _as_date(value) if key.startswith("valid_") else value)
    now = timezone.now()
    article.proposal, article.status = {}, ch.ArticleStatus.PUBLISHED
    article.version += 1
    article.approved_by, article.approved_at, article.reviewed_at = actor, now, now
    article.review_note = plain(note)[:500]
    _save(article, actor, reason=f"published version {article.version}")
    notice_send(kind=NoticeKind.APPROVAL, user=article.author, link=f"/knowledge/{article.pk}/",
                text=f"知识库文章已发布（第{article.version}版）：{article.question}")  # fmt: skip
    return article


@transaction.atomic
def article_reject(*, actor: User, article_id: int, note: str) -> Article:
    """A team lead sends an article (or a proposed change) back to its writer, saying why."""
    P.require(actor, P.APPROVE_ARTICLES)
    errors: list[FieldError] = []
    note = text_value({"note": note}, "note", 500, errors)
    if not note:
        errors.append(FieldError("note", "required", "请说明退回原因", "say why"))
    if errors:
        raise ValidationFailed(errors)
    article = _locked(article_id)
    writer = article.author
    if article.proposal:
        by = User.objects.filter(username=article.proposal.get("by")).first()
        writer = by or writer
        article.proposal = {}
    elif article.status == ch.ArticleStatus.PENDING:
        article.status = ch.ArticleStatus.REJECTED
    else:
        raise Conflict(FieldError("status", "nothing_to_approve", "没有待审核的内容",
                                  "nothing waits for approval"))  # fmt: skip
    article.review_note = note
    _save(article, actor, reason=f"sent back: {note}")
    notice_send(kind=NoticeKind.APPROVAL, user=writer, link=f"/knowledge/{article.pk}/",
                text=f"知识库文章被退回：{article.question} — {note}")  # fmt: skip
    return article


@transaction.atomic
def article_retire(*, actor: User, article_id: int, note: str = "") -> Article:
    """A team lead takes an article off the agents' screens (the history keeps it)."""
    P.require(actor, P.APPROVE_ARTICLES)
    article = _locked(article_id)
    article.status, article.proposal = ch.ArticleStatus.RETIRED, {}
    article.review_note = plain(note)[:500]
    _save(article, actor, reason="retired")
    return article


@transaction.atomic
def article_review(*, actor: User, article_id: int) -> Article:
    """A team lead confirms a published answer still holds: off the stale list."""
    P.require(actor, P.APPROVE_ARTICLES)
    article = _locked(article_id)
    if article.status != ch.ArticleStatus.PUBLISHED:
        raise Conflict(FieldError("status", "not_published", "只能审核已发布的文章",
                                  "only a published article is reviewed"))  # fmt: skip
    article.reviewed_at = timezone.now()
    _save(article, actor, reason="reviewed")
    return article


def article_use(*, actor: User, article_id: int) -> int:
    """An agent used the answer (opened it in a call, copied it into a reply): counted."""
    P.require(actor, P.READ_KNOWLEDGE)
    done = Article.objects.filter(pk=article_id, status=ch.ArticleStatus.PUBLISHED).update(
        uses=F("uses") + 1
    )
    if not done:
        raise NotFound(f"article {article_id}")
    return Article.objects.values_list("uses", flat=True).get(pk=article_id)


@transaction.atomic
def article_feedback(*, actor: User, article_id: int, helpful: bool, comment: str = "") -> Article:
    """ "This answer helped" (or not), once per person — the last word counts; an unhelpful
    one with a comment tells the author."""
    P.require(actor, P.READ_KNOWLEDGE)
    article = _locked(article_id)
    if article.status != ch.ArticleStatus.PUBLISHED:
        raise NotFound(f"article {article_id}")
    errors: list[FieldError] = []
    comment = text_value({"comment": comment}, "comment", 300, errors)
    if errors:
        raise ValidationFailed(errors)
    ArticleFeedback.objects.update_or_create(
        article=article, user=actor, defaults={"helpful": helpful, "comment": comment}
    )
    counts = ArticleFeedback.objects.filter(article=article).aggregate(
        yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
    )
    Article.objects.filter(pk=article.pk).update(helpful=counts["yes"], unhelpful=counts["no"])
    article.helpful, article.unhelpful = counts["yes"], counts["no"]
    if not helpful and comment and article.author_id != actor.pk:
        text = f"知识库文章“{article.question}”没帮上忙：{comment}"
        notice_send(kind=NoticeKind.MESSAGE, user=article.author,
                    link=f"/knowledge/{article.pk}/", text=text)  # fmt: skip
    return article
