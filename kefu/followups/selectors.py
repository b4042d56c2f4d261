"""Reads on follow-ups: an agent's day list, one task with its script, and the reports —
per rule family for a day, week or month (R-5.5) and the member coverage (R-5.2)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.core.calendar import WorkCalendar
from kefu.core.errors import NotFound, PermissionDenied, invalid
from kefu.core.paging import Page, page_of
from kefu.core.search import matching
from kefu.core.services import center_settings
from kefu.customers.validation import mask_phone
from kefu.followups import choices as ch
from kefu.followups import rules as R
from kefu.followups.models import FollowUp, FollowUpAttempt, FollowUpRule
from kefu.followups.rules import ALWAYS_FOLLOWED


def followups(
    *,
    user: User,
    everyone: bool = False,
    status: str = "",
    due_on: dt.date | None = None,
    family: str = "",
    owner: str = "",
    rule: str = "",
    q: str = "",
) -> QuerySet:
    """Follow-ups, earliest due first. `due_on`: those to call that day — pending, window
    open (appointments and retries included) and not past their window by more than the
    day; `everyone`: the whole center's (team leads and above); `q`: words of the notes,
    best matches first."""
    if not P.has_perm(user, P.VIEW_INTERACTIONS):
        raise PermissionDenied()
    if (everyone or owner) and not P.has_perm(user, P.MANAGE_TASKS):
        raise PermissionDenied(
            "只有班长及以上可查看他人的回访", "Only team leads and above see others' follow-ups"
        )
    qs = FollowUp.objects.select_related("customer", "owner", "rule").order_by(
        "due_on", "next_call_at", "id"
    )
    if owner:
        qs = qs.filter(owner__username=owner)
    elif not everyone:
        qs = qs.filter(owner=user)
    if status:
        qs = qs.filter(status=status)
    if due_on:
        next_day = dt.datetime.combine(
            due_on + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
        )
        qs = qs.filter(due_on__lte=due_on).exclude(next_call_at__gte=next_day)
    if family:
        qs = qs.filter(family=family)
    if rule:
        qs = qs.filter(rule__code=rule)
    if q.strip():
        qs = matching(qs, q)
    return qs


def page(qs: QuerySet, *, limit: int, offset: int = 0) -> list[FollowUp]:
    """One page of follow-ups, each with `attempts`: how often the customer was called is
    read from the attempt log (not stored twice), counted for the page's rows only."""
    rows = list(qs[offset : offset + limit])
    counts = dict(
        FollowUpAttempt.objects.filter(followup_id__in=[f.pk for f in rows])
        .values("followup_id")
        .annotate(n=Count("id"))
        .values_list("followup_id", "n")
    )
    for f in rows:
        f.attempts = counts.get(f.pk, 0)
    return rows


def followup_next(*, user: User, day: dt.date) -> FollowUp | None:
    """The runner's next call: the user's first pending follow-up due by `day`."""
    return followups(user=user, status="pending", due_on=day).order_by("due_by", "id").first()


def workbench_followups(*, user: User, day: dt.date, limit: int = 10) -> Page:
    """The calls due by `day` (overdue first), the first `limit` of them and how many."""
    qs = followups(user=user, status="pending", due_on=day).order_by("due_by", "id")
    return page_of(qs, size=limit, load=page)


def customer_followups(*, customer_id: int, limit: int = 20) -> QuerySet:
    """A customer's follow-ups, latest due first (the customer page's timeline)."""
    return (
        FollowUp.objects.filter(customer_id=customer_id)
        .select_related("rule")
        .order_by("-due_on")[:limit]
    )


def customer_followups_pending(*, customer_id: int, limit: int = 5) -> list[FollowUp]:
    """A customer's follow-ups still to make, soonest due first (the screen pop)."""
    return list(
        FollowUp.objects.filter(customer_id=customer_id, status=ch.Status.PENDING)
        .select_related("rule")
        .order_by("due_on", "id")[:limit]
    )


def followup_contact(*, followup: FollowUp) -> dict:
    """Whom the runner calls: the customer (masked phone, R-0.5) and the vehicle the call is
    about, for the runner's header."""
    customer = followup.customer
    if customer is None:
        return {}
    phone = customer.phones.order_by("-is_primary", "id").first()
    event = followup.event
    asset = event.asset if event is not None and event.asset_id else None
    return {
        "customer_id": customer.pk,
        "name": customer.name,
        "phone": mask_phone(phone.number) if phone else "",
        "asset": str(asset) if asset else "",
    }


def complaint_followup_booked(*, complaint_id: int) -> FollowUp | None:
    """The follow-up call the latest closing of a complaint booked (R-4.2)."""
    return (
        FollowUp.objects.filter(complaint_id=complaint_id, status=ch.Status.PENDING)
        .select_related("owner")
        .order_by("-id")
        .first()
    )


def call_warnings(now: dt.datetime) -> tuple[str, bool]:
    """What the runner warns about now (R-5.2): the customer's rest time ("12:00–14:00")
    if `now` is in it, and whether today is a public holiday."""
    rest = R.quiet_window(now, R.parse_windows(center_settings().quiet_hours))
    holiday = WorkCalendar().is_public_holiday(timezone.localdate(now))
    return (f"{rest[0]:%H:%M}–{rest[1]:%H:%M}" if rest else ""), holiday


def families_due(*, since: dt.date, until: dt.date) -> list[str]:
    """The rule families with follow-ups due in [since, until] (the dashboard's rows)."""
    return sorted(
        set(
            FollowUp.objects.filter(kind=ch.Kind.RULE, due_on__gte=since, due_on__lte=until)
            .values_list("family", flat=True)
            .distinct()
        )
    )


def rules(*, user: User) -> QuerySet:
    """The follow-up rules, for whoever may read the follow-up lists."""
    if not P.has_perm(user, P.VIEW_INTERACTIONS):
        raise PermissionDenied()
    return FollowUpRule.objects.select_related("script").order_by("family", "code")


def followup_get(*, user: User, followup_id: int) -> FollowUp:
    everyone = P.has_perm(user, P.MANAGE_TASKS)
    found = page(
        followups(user=user, everyone=everyone)
        .select_related("complaint", "event__asset")
        .filter(pk=followup_id),
        limit=1,
    )
    if not found:
        raise NotFound(f"follow-up {followup_id}")
    return found[0]


def overdue(followup: FollowUp, today: dt.date | None = None) -> bool:
    return followup.status == ch.Status.PENDING and followup.due_by < (
        today or timezone.localdate()
    )


def period_bounds(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of the day, ISO week or month containing `day`."""
    if period == "day":
        return day, day + dt.timedelta(days=1)
    if period == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=7)
    if period == "month":
        start = day.replace(day=1)
        return start, (start + dt.timedelta(days=32)).replace(day=1)
    raise invalid(
        "period", "invalid_period", "period 应为 day/week/month", "period: day|week|month"
    )


def summary(*, user: User, family: str, period: str, day: dt.date) -> dict:
    """R-5.5: the 7DC (3DC …) daily report, weekly report or monthly analysis: tasks due in
    the period, done, done on time, reached, unreachable, still open; satisfaction per
    question (average on a 5-point scale, unsatisfied count) and the reasons given."""
    if not P.has_perm(user, P.MANAGE_TASKS) and not P.has_perm(user, P.VIEW_COMPLAINTS):
        raise PermissionDenied()
    start, end = period_bounds(period, day)
    rows = list(
        FollowUp.objects.filter(family=family, due_on__gte=start, due_on__lt=end)
        .select_related("rule__script", "customer")
        .order_by("id")
    )
    done = [f for f in rows if f.status == ch.Status.DONE]
    per_question: dict[str, dict] = {}
    results = Counter(f.result for f in done)
    reasons = []
    for f in done:
        script = f.rule.script if f.rule else None
        for q in script.questions if script else []:
            value = f.answers.get(q["key"])
            if value is None:
                continue
            entry = per_question.setdefault(
                q["key"],
                {"key": q["key"], "text": q.get("text", ""), "kind": q.get("kind"), "n": 0},
            )
            entry["n"] += 1
            if q.get("kind") == "score" and isinstance(value, int):
                entry.setdefault("_sum", Decimal(0))
                entry["_sum"] += Decimal(value) * 5 / int(q.get("max", 5))
            elif q.get("kind") == "choice":
                entry.setdefault("choices", defaultdict(int))[value] += 1
        if f.result == ch.Result.UNSATISFIED:
            reasons.append(
                {
                    "followup_id": f.id,
                    "customer": f.customer.name if f.customer else "",
                    "note": f.note,
                }
            )
    questions = []
    for entry in per_question.values():
        total = entry.pop("_sum", None)
        if total is not None:
            entry["average"] = float((total / entry["n"]).quantize(Decimal("0.01")))
        if "choices" in entry:
            entry["choices"] = dict(entry["choices"])
        questions.append(entry)
    n = len(rows)
    return {
        "family": family,
        "period": period,
        "start": start,
        "end": end - dt.timedelta(days=1),
        "due": n,
        "done": len(done),
        "on_time": sum(1 for f in done if timezone.localdate(f.done_at) <= f.due_by),
        "reached": sum(1 for f in rows if f.reached),
        "unreachable": sum(1 for f in rows if f.status == ch.Status.UNREACHABLE),
        "open": sum(1 for f in rows if f.status == ch.Status.PENDING),
        "completion_rate": round(len(done) / n, 4) if n else None,
        "results": dict(results),
        "questions": questions,
        "reasons": reasons,
    }


def coverage(*, user: User, since: dt.date, until: dt.date) -> dict:
    """R-5.2: member and VIP customers must all get their follow-up. Their tasks due in
    [since, until): how many, done, and the ones still missing (open past their window,
    or closed unreachable) to chase."""
    if not P.has_perm(user, P.MANAGE_TASKS):
        raise PermissionDenied()
    qs = FollowUp.objects.filter(
        due_on__gte=since, due_on__lt=until, customer__level__in=ALWAYS_FOLLOWED
    ).exclude(status=ch.Status.CANCELLED)
    today = timezone.localdate()
    missing = qs.filter(
        Q(status=ch.Status.UNREACHABLE) | Q(status=ch.Status.PENDING, due_by__lt=today)
    ).select_related("customer", "owner")
    total, done = qs.count(), qs.filter(status=ch.Status.DONE).count()
    return {
        "since": since,
        "until": until,
        "member_followups": total,
        "done": done,
        "coverage": round(done / total, 4) if total else None,
        "missing": [
            {
                "followup_id": f.id,
                "kind": f.kind,
                "family": f.family,
                "customer": f.customer.name if f.customer else "",
                "owner": f.owner.username if f.owner else None,
                "due_by": f.due_by,
                "status": f.status,
            }
            for f in missing[:500]
        ],
    }


def load_by_owner(*, user_ids: list[int], day: dt.date) -> dict[int, dict[str, int]]:
    """Per person: pending follow-ups due today and overdue ones (the team view)."""
    rows = (
        FollowUp.objects.filter(owner_id__in=user_ids, status=ch.Status.PENDING, due_on__lte=day)
        .values("owner_id")
        .annotate(
            due=Count("id", filter=Q(due_by__gte=day)),
            overdue=Count("id", filter=Q(due_by__lt=day)),
        )
    )
    return {r["owner_id"]: {"due": r["due"], "overdue": r["overdue"]} for r in rows}
