"""Writes of the follow-up engine (R-5): recording lifecycle events, turning them into
follow-up tasks by the rules, a day's periodic rules, each call attempt, appointments and
retries, and the result with its answers — whose unsatisfied items go to the responsible
department as a work order or a complaint (R-5.4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import Department, User
from kefu.accounts.permissions import require
from kefu.core.audit import audit_as
from kefu.core.calendar import WorkCalendar
from kefu.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed, invalid
from kefu.core.inputs import choice_error, parse_when, text_value
from kefu.core.services import center_settings
from kefu.core.wording import wording_keep
from kefu.customers.models import Customer
from kefu.customers.services import customer_reveal
from kefu.followups import choices as ch
from kefu.followups import hooks
from kefu.followups import rules as R
from kefu.followups.models import FollowUp, FollowUpAttempt, FollowUpRule, LifecycleEvent, Script

PERIODIC = (ch.Trigger.MONTHLY, ch.Trigger.WEEKLY, ch.Trigger.QUARTERLY)


def _build(*, kind: str, source_key: str, due_on: dt.date, due_by: dt.date, **links) -> FollowUp:
    """An unsaved follow-up: every one is made here, by a rule or by `followup_open`."""
    if kind not in ch.Kind.values:
        raise ValueError(f"unknown follow-up kind {kind!r}")
    return FollowUp(kind=kind, source_key=source_key, due_on=due_on, due_by=due_by, **links)


def followup_open(
    *,
    kind: str,
    source_key: str,
    due_on: dt.date,
    due_by: dt.date,
    customer: Customer | None = None,
    owner: User | None = None,
    complaint=None,
    work_order=None,
    channel: str = ch.Channel.PHONE,
    note: str = "",
    rule: FollowUpRule | None = None,
    family: str = "",
) -> tuple[FollowUp, bool]:
    """The one way another app asks for a follow-up (a closed complaint's call, a finished
    work order's check, a care phone task, a win-back call with its rule's script and
    family). Idempotent by `source_key`: the same occasion never makes two calls. Returns
    (follow-up, created)."""
    found = FollowUp.objects.filter(source_key=source_key).first()
    if found is not None:
        return found, False
    followup = _build(
        kind=kind,
        source_key=source_key,
        due_on=due_on,
        due_by=due_by,
        customer=customer,
        owner=owner,
        complaint=complaint,
        work_order=work_order,
        channel=channel,
        note=note,
        rule=rule,
        family=family,
    )
    try:
        with transaction.atomic():  # two callers for the same occasion: one task
            followup.save()
    except IntegrityError:
        return FollowUp.objects.get(source_key=source_key), False
    return followup, True


class Context:
    """What one scheduling run reads once: the calendar and the owners' current loads."""

    def __init__(self):
        self.calendar = WorkCalendar()
        self.load: dict[int, int] = {}

    def least_loaded(self, users: list[User]) -> User | None:
        if not users:
            return None
        missing = [u.pk for u in users if u.pk not in self.load]
        if missing:
            counts = dict(
                User.objects.filter(pk__in=missing)
                .annotate(n=Count("followups", filter=Q(followups__status=ch.Status.PENDING)))
                .values_list("pk", "n")
            )
            self.load.update({pk: counts.get(pk, 0) for pk in missing})
        best = min(users, key=lambda u: (self.load[u.pk], u.pk))
        self.load[best.pk] += 1
        return best


def _owner(rule: FollowUpRule, customer: Customer, ctx: Context) -> User | None:
    if rule.owner_mode == ch.OwnerMode.DEPARTMENT and rule.owner_department_id:
        users = User.objects.filter(department_id=rule.owner_department_id, is_active=True)
        return ctx.least_loaded(list(users))
    if rule.owner_mode == ch.OwnerMode.ROLE and rule.owner_role:
        return ctx.least_loaded(list(User.objects.filter(role=rule.owner_role, is_active=True)))
    if customer.owner and customer.owner.is_active:
        return customer.owner
    agents = User.objects.filter(role=Role.AGENT, is_active=True, accepts_customers=True)
    return ctx.least_loaded(list(agents))


def _task_key(rule: FollowUpRule, event: LifecycleEvent, period: str = "") -> str:
    return f"rule:{rule.code}:{period}event:{event.pk}"


def _new_task(rule, event, ctx: Context, start: dt.date, key: str) -> FollowUp | None:
    """One rule's task for one event, unsaved, if the rule applies and the event is in the
    sample."""
    customer = event.customer
    if customer.status != "active" or (customer.phone_opt_out and rule.channel == "phone"):
        return None
    if not R.matches(rule.condition, event=event, customer=customer, asset=event.asset):
        return None
    if not R.sampled(rule.code, event.pk, rule.sample_percent, customer.level):
        return None
    due_on, due_by = R.window(
        start,
        offset=rule.offset_days,
        days=rule.window_days,
        kind=rule.day_kind,
        calendar=ctx.calendar,
    )
    return _build(
        kind=ch.Kind.RULE,
        source_key=key,
        family=rule.family,
        rule=rule,
        event=event,
        customer=customer,
        owner=_owner(rule, customer, ctx),
        channel=rule.channel,
        due_on=due_on,
        due_by=due_by,
    )


def _task(rule, event, ctx: Context, start: dt.date) -> FollowUp | None:
    """One rule's task for one event, made once (idempotent by key)."""
    key = _task_key(rule, event)
    found = FollowUp.objects.filter(source_key=key).first()
    if found:
        return found
    task = _new_task(rule, event, ctx, start, key)
    if task is not None:
        task.save()
    return task


def schedule_event(event: LifecycleEvent, ctx: Context | None = None) -> list[FollowUp]:
    """The tasks of every active event-triggered rule for this event's type."""
    ctx = ctx or Context()
    rules = FollowUpRule.objects.filter(
        active=True, trigger=ch.Trigger.EVENT, event_type=event.type
    )
    day = timezone.localdate(event.occurred_at)
    made = [_task(rule, event, ctx, day) for rule in rules]
    return [f for f in made if f is not None]


def _period(rule: FollowUpRule, day: dt.date) -> tuple[dt.date, dt.date, str] | None:
    """For a periodic rule on `day`: the events' period [start, end) and its label, or None
    when the rule does not run that day."""
    if rule.trigger == ch.Trigger.WEEKLY:
        if day.weekday() != (rule.weekday or 0):
            return None
        start = day - dt.timedelta(days=7)
        return start, day, f"w{start:%G%V}:"
    if day.day > 7:  # monthly and quarterly rules run in the first week
        return None
    first = day.replace(day=1)
    if rule.trigger == ch.Trigger.QUARTERLY:
        if first.month % 3 != 1:
            return None
        month = first.month - 3
        start = first.replace(year=first.year - (month < 1), month=(month - 1) % 12 + 1)
        return start, first, f"q{start:%Y%m}:"
    start = (first - dt.timedelta(days=1)).replace(day=1)
    return start, first, f"m{start:%Y%m}:"


def schedule_day(day: dt.date | None = None) -> int:
    """The periodic rules of `day` (first week of the month, Mondays, quarters) over the
    events of the last period. Idempotent and resumable: every task has its key, so a
    rerun after a crash makes only the missing ones. Returns how many tasks exist for it."""
    day = day or timezone.localdate()
    ctx, count = Context(), 0
    tz = timezone.get_current_timezone()
    for rule in FollowUpRule.objects.filter(active=True, trigger__in=PERIODIC):
        period = _period(rule, day)
        if period is None:
            continue
        start, end, label = period
        since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
        until = dt.datetime.combine(end, dt.time.min, tzinfo=tz)
        events = (
            LifecycleEvent.objects.filter(
                type=rule.event_type, occurred_at__gte=since, occurred_at__lt=until
            )
            .select_related("customer__owner", "asset")
            .order_by("pk")
        )
        made = set(
            FollowUp.objects.filter(
                rule=rule, source_key__startswith=f"rule:{rule.code}:{label}"
            ).values_list("source_key", flat=True)
        )
        batch: list[FollowUp] = []
        for event in events.iterator(chunk_size=5000):
            key = _task_key(rule, event, label)
            if key in made:
                count += 1
                continue
            task = _new_task(rule, event, ctx, day, key)
            if task is not None:
                batch.append(task)
                count += 1
            if len(batch) >= 2000:
                _save_tasks(batch)
        _save_tasks(batch)
    return count


def _save_tasks(batch: list[FollowUp]) -> None:
    """Write a chunk of tasks with their history rows; a chunk a concurrent run already
    wrote is skipped by the unique key."""
    if batch:
        with transaction.atomic():
            bulk_create_with_history(batch, FollowUp, batch_size=2000, ignore_conflicts=True)
        batch.clear()


def _context(followup: FollowUp) -> dict:
    customer, event = followup.customer, followup.event
    asset = event.asset if event else None
    title = {"male": "先生", "female": "女士"}.get(getattr(customer, "gender", ""), "")
    return {
        "name": customer.name if customer else "",
        "surname": (customer.name[:1] if customer else ""),
        "title": title,
        "model": asset.model if asset else "",
        "plate": asset.plate if asset else "",
        "event_date": f"{timezone.localtime(event.occurred_at):%Y年%m月%d日}" if event else "",
        "agent": (followup.owner.display_name or followup.owner.username) if followup.owner else "",
        "center": center_settings().name,
    }


def script_for(followup: FollowUp) -> dict | None:
    """The follow-up's script with its placeholders filled (R-5.3)."""
    script: Script | None = followup.rule.script if followup.rule else None
    if script is None:
        return None
    ctx = _context(followup)
    return {
        "code": script.code,
        "opening": R.render(script.opening, ctx),
        "questions": [{**q, "text": R.render(q.get("text", ""), ctx)} for q in script.questions],
        "satisfied_text": R.render(script.satisfied_text, ctx),
        "unsatisfied_text": R.render(script.unsatisfied_text, ctx),
        "closing": R.render(script.closing, ctx),
    }


def _locked_pending(actor: User, followup: FollowUp) -> FollowUp:
    require(actor, P.LOG_INTERACTIONS)
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.owner_id not in (None, actor.id) and not P.has_perm(actor, P.MANAGE_TASKS):
        raise PermissionDenied("这不是您的回访任务", "This follow-up is someone else's")
    if followup.status != ch.Status.PENDING:
        raise Conflict(
            FieldError(
                "status",
                "already_done",
                f"该回访已结束（{followup.get_status_display()}）",
                f"This follow-up is already {followup.status}",
            )
        )
    return followup


@transaction.atomic
def followup_attempt(*, actor: User, followup: FollowUp, data: dict) -> FollowUp:
    """A call that did not get the follow-up done (R-5.2): no answer or busy retries after
    the rule's hours, outside the customer's rest time, until the attempts run out and the
    task closes as unreachable (attempts kept); an appointment the customer asks for moves
    the task to that time; a wrong number closes it as unreachable."""
    followup = _locked_pending(actor, followup)
    errors: list[FieldError] = []
    outcome = str(data.get("outcome") or "")
    allowed = [o for o in ch.AttemptOutcome.values if o not in ("reached", "sms_reply")]
    if outcome not in allowed:
        errors.append(choice_error("outcome", outcome, allowed))
    note = text_value(data, "note", 2000, errors)
    appointment = None
    if outcome == ch.AttemptOutcome.APPOINTMENT:
        if not data.get("appointment_at"):
            errors.append(
                FieldError(
                    "appointment_at", "required", "请填写预约时间", "appointment_at is required"
                )
            )
        else:
            try:
                appointment = parse_when(data["appointment_at"], field="appointment_at")
            except ValidationFailed as exc:
                errors.extend(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    FollowUpAttempt.objects.create(followup=followup, outcome=outcome, note=note, by=actor)
    attempts = followup.attempt_log.count()  # read from the log, not counted twice
    if outcome == ch.AttemptOutcome.APPOINTMENT:
        # The customer's own choice of time is kept even inside the quiet hours.
        followup.appointment_at = followup.next_call_at = appointment
        day = timezone.localdate(appointment)
        followup.due_on, followup.due_by = day, max(day, followup.due_by)
    elif outcome == ch.AttemptOutcome.WRONG_NUMBER:
        followup.status, followup.reached = ch.Status.UNREACHABLE, False
    else:
        limit = followup.rule.max_attempts if followup.rule else 3
        retry = followup.rule.retry_hours if followup.rule else 4
        if attempts >= limit:
            followup.status, followup.reached = ch.Status.UNREACHABLE, False
            followup.done_at, followup.done_by = now, actor
        else:
            followup.next_call_at = R.callable_at(
                now + dt.timedelta(hours=retry),
                quiet=R.parse_windows(center_settings().quiet_hours),
                calendar=WorkCalendar(),
            )
    audit_as(followup, actor)
    followup.save()
    return followup


def _scores(script: Script | None, answers: dict, errors: list) -> tuple[list, Decimal | None]:
    """Check the answers against the script; returns the unsatisfied questions and the
    average score."""
    if script is None:
        return [], None
    unhappy: list[dict] = []
    scores: list[Decimal] = []
    for q in script.questions:
        key, kind = q["key"], q.get("kind", "text")
        if key not in answers or answers[key] in (None, ""):
            if kind != "text":
                errors.append(
                    FieldError(
                        f"answers.{key}",
                        "required",
                        f"请记录「{q.get('text', key)}」的回答",
                        f"Answer {key} is missing",
                    )
                )
            continue
        value = answers[key]
        if kind == "score":
            top = int(q.get("max", 5))
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= top:
                errors.append(
                    FieldError(
                        f"answers.{key}",
                        "invalid_score",
                        f"「{key}」的分数应为 0–{top} 的整数",
                        f"{key} must be a whole number from 0 to {top}",
                    )
                )
                continue
            scores.append(Decimal(value) * 5 / top)  # every score on a 5-point scale
            if value < int(q.get("unsatisfied_below", (top * 3 + 4) // 5)):
                unhappy.append(q)
        elif kind == "choice":
            options = {o["value"]: o for o in q.get("options", [])}
            if value not in options:
                errors.append(choice_error(f"answers.{key}", value, list(options)))
                continue
            if options[value].get("unsatisfied"):
                unhappy.append(q)
    average = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01")) if scores else None
    return unhappy, average


def _answer_text(q: dict, value: Any) -> str:
    """An answer as the customer gave it: a choice by its label, a score with its scale."""
    if q.get("kind") == "choice":
        for o in q.get("options", []):
            if o.get("value") == value:
                return str(o.get("label") or value)
    if q.get("kind") == "score":
        return f"{value}/{q.get('max', 5)} 分"
    return str(value)


def _customer_words(script: Script | None, answers: dict) -> str:
    """What the customer said in their own words (the script's free-text answers)."""
    if script is None:
        return ""
    said = [
        f"{q.get('text', q['key'])}：{answers[q['key']]}"
        for q in script.questions
        if q.get("kind", "text") == "text" and str(answers.get(q["key"]) or "").strip()
    ]
    return "；".join(said)


def _raise_for(
    actor: User, followup: FollowUp, unhappy: list, note: str, words: str = ""
) -> list[Any]:
    """R-5.4: each unsatisfied item goes to its responsible department, one work order
    (or complaint) per department, linked both ways; its result returns to CS (R-3.3)."""
    groups: dict[tuple[str, str], list] = {}
    default = center_settings().repair_department
    for q in unhappy:
        dept = q.get("department") or (default.code if default else "")
        groups.setdefault((q.get("raise", "work_order"), dept), []).append(q)
    raised: list[Any] = []
    for (kind, dept), items in groups.items():
        what = "；".join(
            f"{q.get('text', q['key'])}：{_answer_text(q, followup.answers.get(q['key']))}"
            for q in items
        )
        said = f"顾客原话：{words}。" if words else ""
        text = f"回访不满意（{followup.label}）：{what}。{said}{note}".strip()
        if kind == "work_order" and not Department.objects.filter(code=dept).exists():
            raise invalid(
                "answers",
                "no_department",
                "未设置不满意项的责任部门（话术或中心设置的报修部门）",
                "No responsible department for the unsatisfied item (script or center setting)",
            )
        make = hooks.raiser(kind)
        if make is None:
            raise invalid(
                "answers",
                "cannot_raise",
                f"话术要求生成的记录类型无效：{kind}",
                f"The script asks to raise an unknown kind of record: {kind}",
            )
        raised.append(make(actor=actor, followup=followup, department=dept, text=text))
    return raised


@transaction.atomic
def followup_complete(*, actor: User, followup: FollowUp, data: dict) -> FollowUp:
    """Record the follow-up (R-5.2, R-5.3): the customer's answers to the script's
    questions (scores, choices, text) and the overall `result` — given, or derived: any
    unsatisfied item makes it unsatisfied. Unsatisfied items become work orders or complaints
    (R-5.4); on a complaint's or work order's own follow-up, unsatisfied reopens it."""
    followup = _locked_pending(actor, followup)
    errors: list[FieldError] = []
    answers = data.get("answers") or {}
    if not isinstance(answers, dict):
        raise invalid("answers", "invalid", "answers 应为对象", "answers is an object")
    script = followup.rule.script if followup.rule else None
    unhappy, score = _scores(script, answers, errors)
    result = str(
        data.get("result")
        or (ch.Result.UNSATISFIED if unhappy else (ch.Result.SATISFIED if script else ""))
    )
    if result not in ch.Result.values:
        errors.append(choice_error("result", result, ch.Result.values))
    note = text_value(data, "note", 5000, errors)
    if result == ch.Result.UNSATISFIED and not note and not unhappy:
        errors.append(
            FieldError(
                "note",
                "required",
                "顾客不满意时请记录原因",
                "say why the customer is not satisfied",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    followup.status, followup.result, followup.note = ch.Status.DONE, result, note
    followup.answers, followup.score, followup.reached = answers, score, True
    followup.done_at, followup.done_by = timezone.now(), actor
    audit_as(followup, actor)
    followup.save()
    FollowUpAttempt.objects.create(followup=followup, outcome="reached", note=note, by=actor)
    wording_keep(actor=actor, record=followup, fields={"note": note})
    if unhappy:
        _raise_for(actor, followup, unhappy, note, _customer_words(script, answers))
    # The record this follow-up checks hears the answer: a work order is verified or
    # reopened, a complaint reopens when unsatisfied.
    handler = hooks.result_handler(followup.kind)
    if handler is not None:
        handler(
            hooks.Answer(
                actor=actor,
                followup=followup,
                satisfied=result != ch.Result.UNSATISFIED,
                note=note,
            )
        )
    return followup


def preset_apply_followup_data(*, config: dict, switching: bool = False) -> None:
    """The preset's scripts and rules, unless the center has its own already; when the
    center switches to this preset, each of its scripts and rules missing by code is added
    (and a retired one of the same code is active again) — edited ones are kept as they are."""
    if switching or not Script.objects.exists():
        for s in config.get("scripts", []):
            Script.objects.get_or_create(code=s["code"], defaults=s)
    if FollowUpRule.objects.exists() and not switching:
        return
    for r in config.get("followup_rules", []):
        r = dict(r)
        dept = r.pop("owner_department", None)
        script = r.pop("script", None)
        rule, created = FollowUpRule.objects.get_or_create(
            code=r["code"],
            defaults={
                **r,
                "owner_department": Department.objects.filter(code=dept or "").first(),
                "script": Script.objects.filter(code=script or "").first(),
            },
        )
        if not created and not rule.active:
            rule.active = True
            rule.save(update_fields=["active"])


def followup_rules_retire(*, codes: set[str], dry_run: bool = False) -> tuple[int, int]:
    """Stop the rules named (a preset being replaced): no new tasks from them; their open
    tasks stay to be called. Returns (rules stopped, their open tasks)."""
    rules = FollowUpRule.objects.filter(code__in=codes, active=True)
    open_tasks = FollowUp.objects.filter(rule__in=rules, status=ch.Status.PENDING).count()
    count = rules.count()
    if not dry_run:
        rules.update(active=False)
    return count, open_tasks


def followup_dial_number(*, actor: User, followup: FollowUp) -> str:
    """The number the runner dials: the customer's primary phone, revealed through the
    customer archive's logged reveal (R-0.5) — within the reveal limits like any other."""
    if followup.customer is None:
        raise invalid("customer", "no_customer", "该回访没有客户", "This follow-up has no customer")
    revealed = customer_reveal(
        actor=actor, customer=followup.customer, fields=["phones"], channel="dial"
    )
    phones = revealed.get("phones") or []
    if not phones:
        raise invalid("phones", "no_phone", "客户没有电话号码", "The customer has no phone")
    return str(phones[0])
