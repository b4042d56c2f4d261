"""A follow-up answered by the customer's SMS reply (R-9.4): the score they sent ("回复1–5")
is the follow-up's result as a call's would be — 4–5 satisfied, 3 neutral, 1–2 unsatisfied —
and an unsatisfied one raises its work order (or reopens the complaint or work order it
checks) like a call's answer does (R-5.4). Many replies are recorded at once: the plain
satisfied ones in one batch with their history; those that raise or reopen something one by
one, in the name of the task's owner."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.core.audit import audit_as
from kefu.core.bulk import bulk_insert, bulk_set_with_history
from kefu.core.errors import KefuError
from kefu.core.search import words_of
from kefu.followups import choices as ch
from kefu.followups import hooks
from kefu.followups.models import FollowUp, FollowUpAttempt
from kefu.followups.services import _raise_for

REASON = "短信回复 SMS reply"
FIELDS = ["status", "result", "score", "answers", "reached", "note", "done_at", "done_by"]


@dataclass(frozen=True)
class SmsAnswer:
    followup_id: int
    score: int  # 1–5
    text: str
    at: dt.datetime


def score_result(score: int) -> str:
    if score >= 4:
        return ch.Result.SATISFIED
    return ch.Result.NEUTRAL if score == 3 else ch.Result.UNSATISFIED


def _fill(f: FollowUp, a: SmsAnswer, result: str, by) -> None:
    f.status, f.result, f.reached = ch.Status.DONE, result, True
    f.score = Decimal(a.score).quantize(Decimal("0.01"))
    f.answers = {**(f.answers or {}), "sms_score": a.score, "sms_reply": a.text[:200]}
    f.note = f"短信回复：{a.text[:200]}"
    f.done_at, f.done_by = a.at, by


def _department_item(f: FollowUp) -> dict:
    """The unsatisfied item a low SMS score stands for: the script's first scored question
    (its responsible department), else the center's repair department."""
    script = f.rule.script if f.rule_id and f.rule else None
    scored = [q for q in (script.questions if script else []) if q.get("kind") == "score"]
    item = dict(scored[0]) if scored else {"text": "服务满意度"}
    return {**item, "key": "sms_score", "kind": "score", "max": 5,
            "text": f"短信评价（{item.get('text', '服务满意度')}）"}  # fmt: skip


def _record_one(f: FollowUp, a: SmsAnswer, result: str) -> str:
    """A reply that raises or reopens something: recorded in the owner's name, as their
    own call's answer would be. With no owner who may, the task stays for a call, due now,
    the reply kept in its answers."""
    actor = f.owner if P.has_perm(f.owner, P.LOG_INTERACTIONS) else None
    if actor is None:
        f.answers = {**(f.answers or {}), "sms_score": a.score, "sms_reply": a.text[:200]}
        f.next_call_at = timezone.now()
        audit_as(f, None, reason=REASON)
        f.save(update_fields=["answers", "next_call_at"])
        return "call"
    _fill(f, a, result, actor)
    try:
        with transaction.atomic():
            audit_as(f, actor, reason=REASON)
            f.save()
            FollowUpAttempt.objects.create(
                followup=f, outcome=ch.AttemptOutcome.SMS_REPLY, note=f.note, by=None
            )
            handler = hooks.result_handler(f.kind)
            if handler is not None:
                handler(hooks.Answer(actor=actor, followup=f, note=f.note,
                                     satisfied=result != ch.Result.UNSATISFIED))  # fmt: skip
            elif result == ch.Result.UNSATISFIED:
                _raise_for(actor, f, [_department_item(f)], f.note, a.text[:200])
    except KefuError:  # e.g. no department to send it to: a person calls instead
        f.refresh_from_db()
        f.next_call_at = timezone.now()
        f.save(update_fields=["next_call_at"])
        return "call"
    return "recorded"


@transaction.atomic
def followups_answer_by_sms(answers: list[SmsAnswer]) -> dict[int, str]:
    """Record the replies as the follow-ups' results. Returns, per follow-up id, `recorded`,
    `call` (left for a phone call) or `closed` (no longer pending: answered or called
    meanwhile — the reply is kept in the log only)."""
    by_id = {a.followup_id: a for a in answers}
    rows = list(
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("owner", "rule__script")
        .filter(pk__in=by_id, status=ch.Status.PENDING)
        .order_by("pk")
    )
    outcome = dict.fromkeys(by_id, "closed")
    quick: list[FollowUp] = []
    words: dict[str, str] = {}  # most replies are the same few words ("5", "4 满意")
    for f in rows:
        a = by_id[f.pk]
        result = score_result(a.score)
        if result == ch.Result.UNSATISFIED or hooks.result_handler(f.kind) is not None:
            outcome[f.pk] = _record_one(f, a, result)
            continue
        _fill(f, a, result, None)
        if f.note not in words:
            words[f.note] = words_of(f.note)
        f.search_words = words[f.note]  # the reply's words found like a call's notes
        quick.append(f)
        outcome[f.pk] = "recorded"
    bulk_set_with_history(FollowUp, quick, [*FIELDS, "search_words"], user=None, reason=REASON)
    now = timezone.now()
    bulk_insert(FollowUpAttempt, [
        FollowUpAttempt(followup=f, outcome=ch.AttemptOutcome.SMS_REPLY, note=f.note, at=now)
        for f in quick])  # fmt: skip
    return outcome
