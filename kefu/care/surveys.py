"""Satisfaction by SMS reply (R-9.4). After a work order or complaint closes, after a repair
(3DC) or an activity, the survey rules send "回复1–5评价本次服务" instead of calling at once;
the follow-up waits for the reply. The providers' reply callbacks bring the customers'
answers: a score 1–5 from the number a survey went to, inside its window, is that
follow-up's result (a low one raises a work order as a call's does, R-5.4); TD/退订 opts
the sender out of SMS (R-6.4); other words are offered to the apps that wait for replies
(an activity's code registers, R-9.2); the rest are kept as unmatched for a person to read.
A survey with no reply in its days expires and the phone follow-up goes on."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from kefu.care import choices as ch
from kefu.care import hooks
from kefu.care.inbound import Reply
from kefu.care.models import InboundSms, Message, SmsSurvey, SurveyRule
from kefu.care.providers import sms_provider, template_variables
from kefu.care.services import greeting_context
from kefu.core.bulk import bulk_insert, bulk_set, bulk_set_with_history
from kefu.core.errors import ValidationFailed
from kefu.core.services import center_settings
from kefu.customers.choices import PhoneKind
from kefu.customers.choices import Status as CustomerStatus
from kefu.customers.flags import customers_opt_out_by_reply
from kefu.customers.models import Customer, CustomerPhone
from kefu.customers.validation import normalize_phone
from kefu.followups import choices as fch
from kefu.followups import rules as R
from kefu.followups.models import FollowUp, FollowUpAttempt
from kefu.followups.replies import SmsAnswer, followups_answer_by_sms

SEND_MAX = 5000  # surveys one run queues
FRESH_DAYS = 7  # follow-ups due longer than this are called, not surveyed
SKEW = dt.timedelta(minutes=5)  # the operator's clock against ours
OPT_OUT_WORDS = {"TD", "T", "N", "退订", "退", "取消订阅", "STOP", "UNSUBSCRIBE"}
SCORE_RE = re.compile(r"^\s*([1-5])(?!\d)")
_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)


def reply_key(r: Reply) -> str:
    """The provider's id of a reply (Aliyun's sequence_id); without one (Tencent), a digest
    of number, time and text, so a pushed-again reply is the same row."""
    if r.ident:
        return f"{r.provider}:{r.ident}"[:100]
    raw = f"{plain_phone(r.phone)}|{r.at.timestamp():.0f}|{r.text}"
    return f"{r.provider}:{hashlib.sha1(raw.encode()).hexdigest()}"


def plain_phone(raw: str) -> str:
    """The number as customers' phones are stored (customers' own normalizer: no +86, no
    spaces); a number it refuses is kept as its digits, so the reply is still recorded."""
    try:
        return normalize_phone(raw).number
    except ValidationFailed:
        return re.sub(r"[^\d]", "", raw or "")[:20]


# ---- sending -----------------------------------------------------------------------------


def _pending_for(rule: SurveyRule, now: dt.datetime):
    """Pending follow-ups the rule asks by SMS: of its kind (and family), due (their window
    open, not begun more than a week ago), nobody has called yet, no survey yet; the
    customer active, not opted out of SMS, with a mobile."""
    today = timezone.localdate(now)
    qs = FollowUp.objects.filter(
        status=fch.Status.PENDING, kind=rule.followup_kind, channel=fch.Channel.PHONE,
        due_on__lte=today, due_on__gte=today - dt.timedelta(days=FRESH_DAYS),
        customer__isnull=False, customer__status=CustomerStatus.ACTIVE,
        customer__sms_opt_out=False,
    ).filter(
        Exists(CustomerPhone.objects.filter(customer=OuterRef("customer_id"),
                                            kind=PhoneKind.MOBILE))
    ).exclude(Exists(SmsSurvey.objects.filter(followup=OuterRef("pk")))).exclude(
        Exists(FollowUpAttempt.objects.filter(followup=OuterRef("pk")))
    )  # fmt: skip
    if rule.family:
        qs = qs.filter(family=rule.family)
    return qs.select_related("customer").order_by("due_on", "id")


def _mobiles(customer_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    rows = CustomerPhone.objects.filter(customer_id__in=customer_ids, kind=PhoneKind.MOBILE)
    for cid, number in rows.order_by("customer_id", "-is_primary", "id").values_list(
        "customer_id", "number"
    ):
        found.setdefault(cid, number)
    return found


def surveys_send(now: dt.datetime | None = None, limit: int = SEND_MAX) -> int:
    """Queue the survey SMS for the follow-ups the active rules ask (the message sender sends
    them, never in the customer's rest time); each follow-up's call waits until its survey
    expires, its window moved past that day. Idempotent: one survey per follow-up. Returns
    how many were queued."""
    now = now or timezone.now()
    center = center_settings().name
    made = 0
    for rule in SurveyRule.objects.filter(active=True).select_related("template"):
        rows = list(_pending_for(rule, now)[: limit - made])
        if not rows:
            continue
        mobiles = _mobiles([f.customer_id for f in rows])
        expires = now + dt.timedelta(days=rule.wait_days)
        last_day = timezone.localdate(expires)
        messages, made_for = [], []
        for f in rows:
            phone = mobiles.get(f.customer_id)
            if not phone:
                continue
            c = f.customer
            ctx = greeting_context(c, center)
            body = rule.template.body
            messages.append(Message(
                key=f"survey:{f.pk}", customer=c, template=rule.template, to=phone,
                channel=rule.template.channel, body=R.render(body, ctx), scheduled_for=now,
                params={k: str(ctx.get(k, "")) for k in template_variables(body)},
                status=ch.Status.QUEUED, created_at=now))  # fmt: skip
            f.next_call_at, f.due_by = expires, max(f.due_by, last_day)
            made_for.append(f)
        with transaction.atomic():
            bulk_insert(Message, messages)
            bulk_insert(SmsSurvey, [
                SmsSurvey(followup=f, rule=rule, customer_id=f.customer_id, message=m,
                          phone=m.to, sent_at=now, expires_at=expires)
                for f, m in zip(made_for, messages, strict=True)])  # fmt: skip
            # the call waits for the reply; its window ends no sooner than the survey's
            bulk_set_with_history(FollowUp, made_for, ["next_call_at", "due_by"], user=None,
                                  reason="短信调查已发送 SMS survey sent")  # fmt: skip
        made += len(made_for)
        if made >= limit:
            break
    return made


def surveys_expire(now: dt.datetime | None = None) -> int:
    """Surveys past their window without a reply: expired; their follow-ups are due for the
    phone call from that moment (R-9.4). Surveys whose follow-up was done meanwhile (an agent
    called anyway) are cancelled."""
    now = now or timezone.now()
    waiting = SmsSurvey.objects.filter(status=ch.SurveyStatus.WAITING)
    with transaction.atomic():
        done = waiting.exclude(followup__status=fch.Status.PENDING)
        done.update(status=ch.SurveyStatus.CANCELLED)
        return waiting.filter(expires_at__lte=now).update(status=ch.SurveyStatus.EXPIRED)


def surveys_job() -> dict:
    """The scheduler's hourly run: expire, then send — not in the rest time, so that a
    survey's days to reply start when it can go out (a lead's "send now" does not wait;
    the sender still keeps the rest time)."""
    now = timezone.now()
    expired = surveys_expire(now)
    if R.quiet_window(now, R.parse_windows(center_settings().quiet_hours)):
        return {"expired": expired, "sent": 0, "quiet": True}
    return {"expired": expired, "sent": surveys_send(now)}


# ---- receiving ---------------------------------------------------------------------------


def _words(text: str) -> str:
    return _STRIP.sub("", text).upper()


def _customers_by_phone(phones: set[str]) -> dict[str, list[Customer]]:
    found: dict[str, list[Customer]] = {}
    rows = (CustomerPhone.objects.filter(number__in=phones).select_related("customer")
            .only("number", "customer__id", "customer__name", "customer__status"))  # fmt: skip
    for p in rows.order_by("customer_id"):
        found.setdefault(p.number, []).append(p.customer)
    return found


def _open_surveys(rows: list[InboundSms]) -> dict[int, SmsSurvey]:
    """For each reply, the survey it answers: the latest one sent to that number before the
    reply, still waiting, inside its window."""
    phones = {r.phone for r in rows}
    earliest = min(r.received_at for r in rows)
    surveys: dict[str, list[SmsSurvey]] = {}
    for s in SmsSurvey.objects.filter(
        phone__in=phones, status=ch.SurveyStatus.WAITING, expires_at__gte=earliest
    ).order_by("-sent_at", "-id"):
        surveys.setdefault(s.phone, []).append(s)
    matched: dict[int, SmsSurvey] = {}
    taken: set[int] = set()
    for r in sorted(rows, key=lambda r: r.received_at):
        for s in surveys.get(r.phone, []):
            if s.pk not in taken and s.sent_at - SKEW <= r.received_at <= s.expires_at:
                matched[r.pk] = s
                taken.add(s.pk)
                break
    return matched


def replies_receive(replies: list[Reply]) -> dict[str, int]:
    """Record a callback's replies and act on each once (a batch pushed again changes
    nothing). Returns the count of each outcome."""
    rows = [
        InboundSms(key=reply_key(r), provider=r.provider, phone=plain_phone(r.phone),
                   text=r.text[:500], received_at=r.at)
        for r in replies
    ]  # fmt: skip
    # recorded first, on their own: if acting on them fails, the provider's next push (or
    # pull) finds them still without an outcome and they are acted on then
    InboundSms.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    counts = dict.fromkeys(ch.ReplyOutcome.values, 0)
    with transaction.atomic():
        todo = InboundSms.objects.filter(key__in=[r.key for r in rows], outcome="")
        if connection.features.has_select_for_update_skip_locked:
            todo = todo.select_for_update(skip_locked=True)  # the same push twice at once
        new = list(todo.order_by("received_at", "id"))
        if new:
            _act(new, counts)
    return counts


def _act(new: list[InboundSms], counts: dict[str, int]) -> None:
    people = _customers_by_phone({r.phone for r in new})
    scored = [r for r in new if SCORE_RE.match(r.text) and _words(r.text) not in OPT_OUT_WORDS]
    surveys = _open_surveys(scored) if scored else {}
    answers = [
        SmsAnswer(followup_id=s.followup_id, score=_score(r.text), text=r.text,
                  at=r.received_at)
        for r in scored if (s := surveys.get(r.pk)) is not None
    ]  # fmt: skip
    results = followups_answer_by_sms(answers) if answers else {}
    done_surveys: list[SmsSurvey] = []
    opting: list[Customer] = []
    for r in new:
        customers = people.get(r.phone, [])
        r.customer = customers[0] if customers else None
        s = surveys.get(r.pk)
        if s is not None:
            _take_score(r, s, results.get(s.followup_id, "closed"))
            done_surveys.append(s)
        elif _words(r.text) in OPT_OUT_WORDS and customers:
            opting.extend(customers)
            r.outcome, r.detail = ch.ReplyOutcome.OPT_OUT, "短信退订 SMS opt-out"
        else:
            _offer(r, customers)
        counts[r.outcome] += 1
    customers_opt_out_by_reply(customers=opting, reason="短信回复退订 SMS reply TD")
    bulk_set(SmsSurvey, done_surveys, ["status", "score", "replied_at"])
    bulk_set(InboundSms, new, ["outcome", "detail", "customer", "survey"])


def _score(text: str) -> int:
    found = SCORE_RE.match(text)
    return int(found[1]) if found else 0


def replies_pull() -> int:
    """The scheduler's every-minute run where the provider is pulled instead of pushing
    (Tencent PullSmsReplyStatus; `KEFU_SMS_REPLY_PULL=1`): up to 1,000 replies a run, each
    recorded and acted on as a pushed one (the same reply pushed and pulled is one row)."""
    if not settings.KEFU.get("SMS_REPLY_PULL"):
        return 0
    provider, taken = sms_provider(), 0
    for _ in range(10):
        batch = provider.pull_replies(100)
        replies_receive(batch)
        taken += len(batch)
        if len(batch) < 100:
            break
    return taken


def _take_score(r: InboundSms, s: SmsSurvey, result: str) -> None:
    score = _score(r.text)
    s.status, s.score, s.replied_at = ch.SurveyStatus.ANSWERED, score, r.received_at
    r.survey, r.outcome = s, ch.ReplyOutcome.SURVEY
    if result == "recorded" and score <= 2:
        r.detail = f"评分{score}，不满意，已转处理 score {score}: unsatisfied, passed on"
        return
    r.detail = {
        "recorded": f"评分{score}，已记为回访结果 score {score} recorded",
        "call": f"评分{score}，转电话回访 score {score}, a call follows",
        "closed": f"评分{score}，回访已结束 score {score}, follow-up already done",
    }[result]


def _offer(r: InboundSms, customers: list[Customer]) -> None:
    for handler in hooks.reply_handlers():
        for c in customers:
            said = handler(c, r.text)
            if said:
                r.outcome, r.detail = ch.ReplyOutcome.HANDLED, said[:200]
                return
    r.outcome = ch.ReplyOutcome.UNMATCHED
    r.detail = "" if customers else "号码不是客户 number not a customer's"
