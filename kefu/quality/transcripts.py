"""Automatic QA of call transcripts 智能质检 (R-7.5).

The phone system posts a call's transcript — sentences labelled agent or customer, with
seconds from the start of the call — through the CTI webhook, or an inspector uploads one.
Every transcript is scored by the center's rules (`TranscriptRule`, data): the greeting said
in the first N seconds, the closing in the last N, no forbidden phrase (the center's list and
the rule's own words), no silence longer than N seconds before the agent speaks, no talking
over the customer, the customer's words of anger or complaint (投诉, 曝光, 12315 …), the
customer's thanks. Each rule that fires takes its points from (or gives them back to) an item
of the evaluation form, once per call however often it fires; the call's score is the form's
total after the rules. A rule that `flags` puts the call first in the inspector's queue (an
inspection beside the month's random sample) and tells the team leads.

Words match whole words (jieba's boundaries, as for forbidden phrases): 不行 is not found in
不行驶, 315 not in 12315."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import User
from kefu.core.audit import audit_as
from kefu.core.errors import FieldError, NotFound, ValidationFailed
from kefu.core.inputs import plain
from kefu.interactions.choices import NoticeKind
from kefu.interactions.models import Interaction
from kefu.interactions.notices import notices_send
from kefu.quality import choices as ch
from kefu.quality.inspections import month_of
from kefu.quality.models import (
    EvaluationForm,
    EvaluationItem,
    ForbiddenPhrase,
    Inspection,
    Transcript,
    TranscriptRule,
)
from kefu.quality.phrases import has_word

MAX_SENTENCES = 3000  # a call of some hours
MAX_SENTENCE = 1000  # characters of one sentence
MAX_CHARS = 200_000  # characters of a whole transcript
MAX_SECONDS = 6 * 3600
MAX_URL = 500
HITS_KEPT = 5  # occurrences of one rule kept on the record (the count is whole)

# The default rules (seed 001 电话礼仪, 服务用语禁忌; seed 000 质检员工作流程), loaded with a
# preset: code, name, kind, words, seconds, the evaluation item, points, flags.
DEFAULT_RULES = [
    ("greeting", "开头问候语", ch.RuleKind.GREETING,
     "您好\n你好\n很高兴为您服务\n欢迎致电", 10, "服务用语", -5, False),
    ("closing", "结束语", ch.RuleKind.CLOSING,
     "感谢您的来电\n感谢来电\n再见\n祝您生活愉快\n还有什么可以帮您", 30, "服务用语", -5, False),
    ("forbidden", "禁忌用语", ch.RuleKind.FORBIDDEN, "", 0, "服务用语", -10, False),
    ("silence", "静音超过 20 秒", ch.RuleKind.SILENCE, "", 20, "服务态度", -5, False),
    ("overtalk", "抢话（重叠 2 秒以上）", ch.RuleKind.OVERTALK, "", 2, "语气语调", -5, False),
    ("anger", "客户情绪·投诉倾向", ch.RuleKind.ANGER,
     "投诉\n曝光\n12315\n315\n消协\n媒体\n律师\n起诉\n骗子\n退钱\n差评\n气死", 0, "应变能力",
     0, True),
    ("thanks", "客户致谢", ch.RuleKind.PRAISE, "谢谢\n感谢\n满意\n太好了", 0, "服务态度", 2,
     False),
]  # fmt: skip


@dataclass(frozen=True)
class Rule:
    """A rule as the scorer uses it (read once per transcript, or once for a batch)."""

    id: int
    code: str
    name: str
    kind: str
    words: tuple[str, ...]
    seconds: int
    item_id: int | None
    points: int
    flags: bool


@dataclass(frozen=True)
class Sentence:
    speaker: str
    start: float
    end: float
    text: str  # as said (shown)
    plain: str  # as matched (core.inputs.plain: full-width forms folded)

    def stored(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "start": self.start, "end": self.end, "text": self.text}


def rules_active() -> list[Rule]:
    """The active rules; a forbidden-phrase rule also holds the center's active list."""
    listed = tuple(
        ForbiddenPhrase.objects.filter(active=True)
        .order_by("-phrase")
        .values_list("phrase", flat=True)
    )
    out = []
    for r in TranscriptRule.objects.filter(active=True).order_by("id"):
        words = tuple(w for w in (plain(x) for x in r.words.splitlines()) if w)
        if r.kind == ch.RuleKind.FORBIDDEN:
            words = tuple(dict.fromkeys(words + listed))
        out.append(Rule(r.pk, r.code, r.name, r.kind, words, r.seconds, r.item_id, r.points,
                        r.flags))  # fmt: skip
    return out


def rules_seed() -> int:
    """The default rules, when the center has none (a preset's load); each takes its points
    from the default form's item of that name."""
    if TranscriptRule.objects.exists():
        return 0
    form = EvaluationForm.objects.filter(active=True).order_by("id").first()
    items = {i.name: i for i in form.items.all()} if form else {}
    for code, name, kind, words, seconds, item, points, flags in DEFAULT_RULES:
        TranscriptRule.objects.create(code=code, name=name, kind=kind, words=words,
                                      seconds=seconds, item=items.get(item), points=points,
                                      flags=flags)  # fmt: skip
    return len(DEFAULT_RULES)


# -- reading a transcript -------------------------------------------------------------------

SPEAKERS = {"agent": "agent", "坐席": "agent", "客服": "agent",
            "customer": "customer", "客户": "customer", "顾客": "customer"}  # fmt: skip


def _bad(field: str, zh: str, en: str) -> FieldError:
    return FieldError(field, "invalid_transcript", zh, en)


def sentences_clean(raw: Any) -> list[Sentence]:
    """The sentences as posted (a list of {speaker, start, end, text}), checked: every
    problem names the sentence (sentences[3].start …), nothing is cut silently."""
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed(
            _bad("sentences", "转写内容须为非空的句子列表", "sentences is a non-empty list")
        )
    if len(raw) > MAX_SENTENCES:
        raise ValidationFailed(
            _bad("sentences", f"一通电话最多 {MAX_SENTENCES} 句", f"at most {MAX_SENTENCES} "
                 "sentences a call")
        )  # fmt: skip
    out: list[Sentence] = []
    errors: list[FieldError] = []
    total = 0
    for n, row in enumerate(raw):
        at = f"sentences[{n}]"
        if len(errors) >= 10:
            break
        if not isinstance(row, dict):
            errors.append(_bad(at, f"第 {n + 1} 句须为对象", f"sentence {n + 1} is an object"))
            continue
        speaker = SPEAKERS.get(str(row.get("speaker", "")).strip().lower())
        if speaker is None:
            errors.append(_bad(f"{at}.speaker", f"第 {n + 1} 句的说话人须为 agent 或 customer",
                               f"sentence {n + 1}: speaker is agent or customer"))  # fmt: skip
            continue
        start: Any = row.get("start")
        end: Any = start if row.get("end") is None else row.get("end")  # a moment's sentence
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (start, end)) \
                or not 0 <= start <= end <= MAX_SECONDS:  # fmt: skip
            errors.append(_bad(f"{at}.start", f"第 {n + 1} 句的起止秒数无效（0 ≤ start ≤ end ≤ "
                               f"{MAX_SECONDS}）", f"sentence {n + 1}: start and end are "
                               f"seconds, 0 ≤ start ≤ end ≤ {MAX_SECONDS}"))  # fmt: skip
            continue
        text = row.get("text")
        if not isinstance(text, str) or len(text) > MAX_SENTENCE:
            errors.append(_bad(f"{at}.text", f"第 {n + 1} 句的文字须为不超过 {MAX_SENTENCE} "
                               "字的字符串", f"sentence {n + 1}: text is a string of at most "
                               f"{MAX_SENTENCE} characters"))  # fmt: skip
            continue
        total += len(text)
        out.append(Sentence(speaker, float(start), float(end), text.strip(), plain(text)))
    if total > MAX_CHARS:
        errors.append(_bad("sentences", f"转写内容超过 {MAX_CHARS} 字",
                           f"the transcript is longer than {MAX_CHARS} characters"))  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    out.sort(key=lambda s: (s.start, s.end))
    return out


_LINE = re.compile(
    r"^\[?\s*(?P<start>(?:\d{1,2}:)?\d{1,2}:\d{2})(?:\s*[-–~]\s*(?P<end>(?:\d{1,2}:)?\d{1,2}:\d{2}))?"
    r"\s*\]?\s*(?P<speaker>[^\s:：]{1,10})\s*[:：]\s*(?P<text>.*)$"
)


def _seconds(clock: str) -> int:
    parts = [int(p) for p in clock.split(":")]
    return sum(v * 60**i for i, v in enumerate(reversed(parts)))


def transcript_parse(text: str) -> list[dict[str, Any]]:
    """A transcript file as people and phone systems write it, one sentence a line:
    `[00:05-00:09] 坐席：您好，很高兴为您服务` (the end may be left out: the next line's start).
    A line that does not read so is named by its number."""
    if len(text) > MAX_CHARS * 2:
        raise ValidationFailed(_bad("file", "文件过大", "the file is too large"))
    rows: list[dict[str, Any]] = []
    errors: list[FieldError] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        m = _LINE.match(line.strip())
        if m is None or SPEAKERS.get(m["speaker"].lower()) is None:
            errors.append(_bad(f"line {n}", f"第 {n} 行格式应为“[00:05-00:09] 坐席：文字”",
                               f"line {n} should read “[00:05-00:09] agent: text”"))  # fmt: skip
            if len(errors) >= 10:
                break
            continue
        start = _seconds(m["start"])
        end = _seconds(m["end"]) if m["end"] else None
        rows.append({"speaker": m["speaker"], "start": start, "end": end, "text": m["text"]})
    if errors:
        raise ValidationFailed(errors)
    if not rows:
        raise ValidationFailed(_bad("text", "转写内容为空", "the transcript is empty"))
    for this, following in zip(rows, [*rows[1:], None], strict=True):
        if this["end"] is None:
            guess = this["start"] + max(1, len(this["text"]) // 4)  # about 4 characters a second
            this["end"] = max(this["start"], min(guess, following["start"])) if following \
                else guess  # fmt: skip
    return rows


# -- scoring ---------------------------------------------------------------------------------


def _said(sentences: list[Sentence], words: tuple[str, ...]) -> list[tuple[Sentence, str]]:
    """Each sentence holding one of `words` (as whole words), with the word."""
    out = []
    for s in sentences:
        for word in words:
            if has_word(s.plain, word):
                out.append((s, word))
                break
    return out


def _hit(s: Sentence | None, word: str = "", *, seconds: float | None = None) -> dict[str, Any]:
    hit: dict[str, Any] = {"at": round(s.start, 1) if s else 0, "text": s.text[:80] if s else ""}
    if word:
        hit["word"] = word
    if seconds is not None:
        hit["seconds"] = round(seconds, 1)
    return hit


def _fired(rule: Rule, sentences: list[Sentence]) -> list[dict[str, Any]]:
    """Where the rule fires in the call: its occurrences (empty when it does not)."""
    agent = [s for s in sentences if s.speaker == ch.Speaker.AGENT]
    customer = [s for s in sentences if s.speaker == ch.Speaker.CUSTOMER]
    first = sentences[0].start
    last = max(s.end for s in sentences)
    if rule.kind == ch.RuleKind.GREETING:
        opening = [s for s in agent if s.start - first <= rule.seconds]
        return [] if _said(opening, rule.words) else [_hit(opening[0] if opening else None)]
    if rule.kind == ch.RuleKind.CLOSING:
        ending = [s for s in agent if last - s.end <= rule.seconds]
        return [] if _said(ending, rule.words) else [_hit(ending[-1] if ending else None)]
    if rule.kind in (ch.RuleKind.FORBIDDEN, ch.RuleKind.ANGER, ch.RuleKind.PRAISE):
        whose = agent if rule.kind == ch.RuleKind.FORBIDDEN else customer
        return [_hit(s, word) for s, word in _said(whose, rule.words)]
    hits = []
    if rule.kind == ch.RuleKind.SILENCE:
        heard = first
        for s in sentences:
            if s.speaker == ch.Speaker.AGENT and s.start - heard > rule.seconds:
                hits.append(_hit(s, seconds=s.start - heard))
            heard = max(heard, s.end)
    elif rule.kind == ch.RuleKind.OVERTALK:
        talking: Sentence | None = None  # the customer's sentence still being said
        for s in sentences:
            if s.speaker == ch.Speaker.CUSTOMER:
                talking = s if talking is None or s.end > talking.end else talking
            elif talking is not None and talking.start < s.start \
                    and talking.end - s.start >= max(rule.seconds, 0.5):  # fmt: skip
                hits.append(_hit(s, seconds=talking.end - s.start))
    return hits


def transcript_check(
    sentences: list[Sentence], rules: list[Rule], items: dict[int, int]
) -> dict[str, Any]:
    """The automatic QA of one call: the findings (each rule that fired, how often, its first
    occurrences), the points of each evaluation item (`items`: id → the item's points) after
    the rules, the score, and whether the call is flagged."""
    findings = []
    points = dict(items)
    for rule in rules:
        hits = _fired(rule, sentences)
        if not hits:
            continue
        findings.append({"rule": rule.code, "name": rule.name, "kind": rule.kind,
                         "points": rule.points, "flags": rule.flags, "item_id": rule.item_id,
                         "count": len(hits), "hits": hits[:HITS_KEPT]})  # fmt: skip
        if rule.item_id in points:
            points[rule.item_id] += rule.points
    points = {k: min(max(v, 0), items[k]) for k, v in points.items()}
    return {
        "findings": findings,
        "item_points": {str(k): v for k, v in points.items()},
        "score": sum(points.values()) if points else None,
        "flagged": any(f["flags"] for f in findings),
    }


def _form_items() -> tuple[EvaluationForm | None, dict[int, int]]:
    form = EvaluationForm.objects.filter(active=True).order_by("id").first()
    if form is None:
        return None, {}
    return form, dict(EvaluationItem.objects.filter(form=form).values_list("id", "points"))


def _url(value: Any) -> str:
    url = str(value or "").strip()
    if url and (len(url) > MAX_URL or not re.match(r"^https?://[^\s<>\"']+$", url)):
        raise ValidationFailed(
            FieldError("recording_url", "invalid_url",
                       f"录音地址须为不超过 {MAX_URL} 字的 http(s) 地址",
                       f"recording_url is an http(s) address of at most {MAX_URL} characters")
        )  # fmt: skip
    return url


@transaction.atomic
def transcript_receive(
    *,
    actor: User,
    sentences: Any,
    call_id: str = "",
    interaction_id: int | None = None,
    recording_url: str = "",
    source: str = ch.TranscriptSource.CTI,
    rules: list[Rule] | None = None,
) -> Transcript:
    """Keep a call's transcript and score it (R-7.5). The phone system names the call by its
    `call_id` (RECEIVE_CTI); an inspector uploads one for a contact (`interaction_id`). The
    same call's transcript again replaces the first and is scored anew. A flagged call gets an
    inspection (first in the queue) and, the first time, a notice to the team leads."""
    P.require(actor, P.RECEIVE_CTI if source == ch.TranscriptSource.CTI else P.INSPECT)
    url = _url(recording_url)
    clean = sentences_clean(sentences)
    if call_id:
        interaction = Interaction.objects.filter(call_id=str(call_id)[:64]).first()
        field, name = "call_id", call_id
    else:
        interaction = Interaction.objects.filter(pk=interaction_id or 0).first()
        field, name = "interaction_id", str(interaction_id)
    if interaction is None:
        raise NotFound(f"{field} {name}")
    form, items = _form_items()
    result = transcript_check(clean, rules if rules is not None else rules_active(), items)
    found = Transcript.objects.select_for_update().filter(interaction=interaction).first()
    was_flagged = bool(found and found.flagged)
    transcript = found or Transcript(interaction=interaction)
    transcript.source, transcript.recording_url = source, url or transcript.recording_url
    transcript.sentences = [s.stored() for s in clean]
    transcript.seconds = int(max(s.end for s in clean) - clean[0].start)
    transcript.findings, transcript.item_points = result["findings"], result["item_points"]
    transcript.score, transcript.flagged = result["score"], result["flagged"]
    audit_as(transcript, actor)
    transcript.save()
    if transcript.flagged and form is not None and interaction.agent_id:
        _flag(actor, interaction, form, transcript, tell=not was_flagged)
    return transcript


def _flag(
    actor: User, interaction: Interaction, form: EvaluationForm, transcript: Transcript,
    *, tell: bool,
) -> None:  # fmt: skip
    """Put the call first in the inspector's queue and tell the team leads."""
    inspection = Inspection.objects.filter(interaction=interaction).first()
    if inspection is None:
        local = timezone.localtime(interaction.occurred_at).date()
        inspection = Inspection(agent=interaction.agent, interaction=interaction,
                                month=month_of(local), form=form, flagged=True)  # fmt: skip
        audit_as(inspection, actor, reason="automatic QA flagged the call")
        inspection.save()
    elif not inspection.flagged:
        inspection.flagged = True
        audit_as(inspection, actor, reason="automatic QA flagged the call")
        inspection.save(update_fields=["flagged"])
    if not tell:
        return
    why = "；".join(
        f"{f['name']}“{f['hits'][0].get('word', '')}”" if f["hits"][0].get("word") else f["name"]
        for f in transcript.findings
        if f["flags"]
    )
    agent = interaction.agent
    who = (agent.display_name or agent.username) if agent else ""
    when = timezone.localtime(interaction.occurred_at)
    notices_send(
        kind=NoticeKind.QA,
        users=User.objects.filter(role=Role.TEAM_LEAD, is_active=True),
        link=f"/quality/inspections/{inspection.pk}/",
        text=f"智能质检标记：{who} {when:%m-%d %H:%M} 的通话 — {why}",
        urgent=any(f["kind"] == ch.RuleKind.ANGER for f in transcript.findings),
    )
