"""Forbidden phrases (服务用语禁忌, R-7.2): the center's list, the check of what agents
write, and the findings kept for the team lead.

A phrase matches whole words only: the text is cut by jieba and an occurrence counts when it
starts and ends on a word boundary — 不行 is found in 这个真不行了 (这个|真|不行|了) and in
不知道 of 我不知道啊 (我|不|知道|啊), never in 车辆不行驶 (车辆|不|行驶)."""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django.db.models import Count, Max

from kefu.accounts import permissions as P
from kefu.core.audit import audit_as
from kefu.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from kefu.core.inputs import plain, text_value
from kefu.core.search import jieba_cutter
from kefu.quality import choices as ch
from kefu.quality.models import ForbiddenPhrase, PhraseHit

MAX_TEXT = 20_000  # characters of one text checked (the longest field agents write)

# The default list (seed 001 服务用语禁忌; 电话礼仪): loaded with a preset, edited by the lead.
DEFAULT_PHRASES = [
    ("不知道", "推脱，让客户觉得没人负责", "我帮您确认一下，稍后给您答复"),
    ("不清楚", "推脱", "我马上为您查询"),
    ("不行", "生硬拒绝", "很抱歉，这个确实有难度，我们看看还有什么办法"),
    ("不可以", "生硬拒绝", "很抱歉，按规定暂时无法办理，我为您说明原因"),
    ("没办法", "放弃客户", "我们一起想想其他办法"),
    ("不归我管", "推诿", "我帮您联系负责的同事"),
    ("你听我说", "打断、压制客户", "请允许我为您解释一下"),
    ("你自己看", "不耐烦", "我为您查一下，您稍等"),
    ("这是规定", "拿规定压客户", "根据公司的服务标准，我们是这样处理的"),
    ("随便", "敷衍", "您看这样安排是否合适"),
    ("不是告诉过你了", "指责客户", "我再为您说明一下"),
    ("不可能", "否定客户", "我理解您的担心，我们核实后给您答复"),
]

Found = tuple[str, str, str, int]  # phrase, say instead, why, id
_cache: dict[str, Any] = {"stamp": None}
_phrases: list[Found] = []


FRESH_SECONDS = 1.0  # a changed list is noticed within this long by every process


def _active() -> list[Found]:
    """The active phrases, read again when the list changed: this process's own changes at
    once, another's within FRESH_SECONDS (a small query at most that often)."""
    now = time.monotonic()
    if _cache["stamp"] is not None and now - _cache.get("checked", 0.0) < FRESH_SECONDS:
        return list(_phrases)
    _cache["checked"] = now
    stamp = ForbiddenPhrase.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    key = (stamp["n"], stamp["at"])
    if _cache["stamp"] != key:
        _phrases[:] = [
            (p.phrase, p.instead, p.reason, p.pk)
            for p in ForbiddenPhrase.objects.filter(active=True).order_by("-phrase")
        ]
        _cache["stamp"] = key
    return list(_phrases)


MARGIN = 12  # characters either side of an occurrence cut with it: jieba decides locally


def _whole_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] starts and ends where jieba's words do — judged on the
    occurrence and a margin around it, so a long note is not cut whole."""
    left = max(0, start - MARGIN)
    bounds = {0}
    for _word, a, b in jieba_cutter().tokenize(text[left : end + MARGIN]):
        bounds.update((a, b))
    return start - left in bounds and end - left in bounds


def phrases_forget() -> None:
    """Read the list again at the next check (after a change made outside the services)."""
    _cache["stamp"] = None


def phrases_found(text: str) -> list[Found]:
    """The active forbidden phrases in `text` as whole words: (phrase, instead, why, id),
    each once."""
    text = plain(text or "")[:MAX_TEXT]
    return [phrase for phrase in _active() if has_word(text, phrase[0])]


def has_word(text: str, word: str) -> bool:
    """Whether `word` occurs in `text` as a whole word (jieba's boundaries): the text is
    searched first and cut only around an occurrence — most texts hold none."""
    start = text.find(word)
    while start != -1:
        if _whole_word(text, start, start + len(word)):
            return True
        start = text.find(word, start + 1)
    return False


WRITTEN_IN = {
    "interaction": ch.Written.INTERACTION,
    "callbacktask": ch.Written.CALLBACK,
    "followup": ch.Written.FOLLOWUP,
    "workorder": ch.Written.WORK_ORDER,
    "complaint": ch.Written.COMPLAINT,
}


def phrase_hit_keep(
    *, actor: Any, record: Any, field: str, phrase_id: int, phrase: str, text: str
) -> None:
    """Keep one finding on the record for the team lead (once per record, field, phrase)."""
    written_in = WRITTEN_IN.get(record._meta.model_name)
    if written_in is None or actor is None or not getattr(actor, "pk", None):
        return
    at = plain(text).find(phrase)
    excerpt = plain(text)[max(0, at - 40) : at + len(phrase) + 40] if at >= 0 else phrase
    PhraseHit.objects.get_or_create(
        written_in=written_in,
        record_id=record.pk,
        field=field,
        phrase_text=phrase,
        defaults={"agent": actor, "phrase_id": phrase_id, "excerpt": excerpt[:120]},
    )


def _clean(data: dict[str, Any], errors: list[FieldError], *, partial: bool) -> dict[str, Any]:
    v: dict[str, Any] = {}
    if "phrase" in data or not partial:
        v["phrase"] = plain(text_value(data, "phrase", 20, errors))
        if not v["phrase"]:
            errors.append(FieldError("phrase", "required", "请填写禁忌用语", "phrase is required"))
    for field in ("reason", "instead"):
        if field in data or not partial:
            v[field] = text_value(data, field, 200, errors)
    if "active" in data:
        if not isinstance(data["active"], bool):
            errors.append(
                FieldError("active", "invalid", "active 须为 true 或 false", "active is a boolean")
            )
        v["active"] = bool(data["active"])
    return v


@transaction.atomic
def phrase_create(*, actor: Any, data: dict[str, Any]) -> ForbiddenPhrase:
    """Add a phrase to the center's list (team lead and above)."""
    P.require(actor, P.MANAGE_PHRASES)
    errors: list[FieldError] = []
    v = _clean(data, errors, partial=False)
    if errors:
        raise ValidationFailed(errors)
    if ForbiddenPhrase.objects.filter(phrase=v["phrase"]).exists():
        raise Conflict(
            FieldError(
                "phrase", "duplicate", f"“{v['phrase']}”已在列表中", f"“{v['phrase']}” is listed"
            )
        )
    phrase = ForbiddenPhrase(**v)
    audit_as(phrase, actor)
    phrase.save()
    phrases_forget()
    return phrase


@transaction.atomic
def phrase_update(*, actor: Any, phrase_id: int, data: dict[str, Any]) -> ForbiddenPhrase:
    """Change why, what to say instead, or switch a phrase off (the history keeps it)."""
    P.require(actor, P.MANAGE_PHRASES)
    phrase = ForbiddenPhrase.objects.select_for_update().filter(pk=phrase_id).first()
    if phrase is None:
        raise NotFound(f"phrase {phrase_id}")
    errors: list[FieldError] = []
    v = _clean({k: data[k] for k in ("reason", "instead", "active") if k in data}, errors,
               partial=True)  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    for key, value in v.items():
        setattr(phrase, key, value)
    audit_as(phrase, actor)
    phrase.save()
    phrases_forget()
    return phrase


def phrases_seed(*, actor: Any = None) -> int:
    """The default list, when the center has none yet (a preset's load): how many added."""
    if ForbiddenPhrase.objects.exists():
        return 0
    for phrase, reason, instead in DEFAULT_PHRASES:
        row = ForbiddenPhrase(phrase=phrase, reason=reason, instead=instead)
        audit_as(row, actor)
        row.save()
    phrases_forget()
    return len(DEFAULT_PHRASES)
