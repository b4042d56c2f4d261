"""The weekly QA analysis report 质检周分析 (R-7.1): what the week's inspections, automatic
QA of transcripts and forbidden phrases say — scores, the items lost most, the agents below
the mark, the rules that fired, the phrases used — and the issues found, each with the
training plan it suggests (whole team, or the agents it concerns). The QA inspector and the
team lead read it on /quality/week/ and turn an issue into a plan with one click."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.core.errors import PermissionDenied
from kefu.knowledge.models import TrainingPlan
from kefu.quality import choices as ch
from kefu.quality.models import Inspection, InspectionScore, PhraseHit, Transcript

LOW_PERCENT = 80  # an agent averaging below this share of the form's total is named
TRANSCRIPTS_READ = 50_000  # a week's transcripts whose findings are counted


def week_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())


def _bounds(monday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=tz)
    return start, start + dt.timedelta(days=7)


def _name(row: Any, prefix: str) -> str:
    return str(row[f"{prefix}display_name"] or row[f"{prefix}username"])


def qa_week_report(*, user: Any, week: dt.date) -> dict[str, Any]:
    """The week's QA in numbers and the issues found (each with a suggested plan)."""
    if not P.has_perm(user, P.VIEW_QUALITY):
        raise PermissionDenied()
    monday = week_of(week)
    start, end = _bounds(monday)
    scored = Inspection.objects.filter(scored_at__gte=start, scored_at__lt=end,
                                       score__isnull=False)  # fmt: skip
    appealed = Count("id", filter=Q(appealed_at__isnull=False))
    totals = scored.aggregate(n=Count("id"), avg=Avg("score"), appealed=appealed)
    form_total = max(
        (i.form.total for i in scored.select_related("form").order_by("-id")[:1]), default=100
    )
    agents = [
        {"username": r["agent__username"], "name": _name(r, "agent__"), "count": r["n"],
         "average": round(float(r["avg"]), 1)}
        for r in scored.values("agent__username", "agent__display_name")
        .annotate(n=Count("id"), avg=Avg("score")).order_by("avg")
    ]  # fmt: skip
    items: list[dict[str, Any]] = [
        dict(r)
        for r in InspectionScore.objects.filter(inspection__in=scored)
        .values("item__name")
        .annotate(lost=Sum(F("item__points") - F("points")), n=Count("id"))
        .filter(lost__gt=0)
        .order_by("-lost")[:5]
    ]
    lost_by: dict[str, list[str]] = defaultdict(list)
    for r in (
        InspectionScore.objects.filter(inspection__in=scored, points__lt=F("item__points"))
        .values("item__name", "inspection__agent__username")
        .distinct()
    ):
        lost_by[r["item__name"]].append(r["inspection__agent__username"])
    phrases: list[dict[str, Any]] = [
        dict(r)
        for r in PhraseHit.objects.filter(at__gte=start, at__lt=end)
        .values("phrase_text")
        .annotate(n=Count("id"), people=Count("agent", distinct=True))
        .order_by("-n")[:5]
    ]
    phrase_people: dict[str, list[str]] = defaultdict(list)
    for phrase, person in (
        PhraseHit.objects.filter(at__gte=start, at__lt=end)
        .values_list("phrase_text", "agent__username")
        .distinct()
    ):
        phrase_people[phrase].append(person)
    calls = Transcript.objects.filter(received_at__gte=start, received_at__lt=end)
    rules: Counter[str] = Counter()
    rule_people: dict[str, set[str]] = defaultdict(set)
    n_calls = flagged = 0
    for findings, is_flagged, agent in calls.values_list(
        "findings", "flagged", "interaction__agent__username"
    )[:TRANSCRIPTS_READ]:
        n_calls += 1
        flagged += bool(is_flagged)
        for f in findings:
            if f["kind"] != ch.RuleKind.PRAISE:
                rules[f["name"]] += 1
                if agent:
                    rule_people[f["name"]].add(agent)
    issues = _issues(
        items, lost_by, agents, form_total, phrases, phrase_people, rules, rule_people, n_calls
    )
    plans = TrainingPlan.objects.filter(week=monday).order_by("id")
    return {
        "week": monday,
        "week_end": monday + dt.timedelta(days=6),
        "inspected": totals["n"],
        "average": round(float(totals["avg"]), 1) if totals["avg"] is not None else None,
        "form_total": form_total,
        "appealed": totals["appealed"],
        "agents": agents,
        "items": items,
        "phrases": phrases,
        "calls": n_calls,
        "flagged": flagged,
        "rules": rules.most_common(8),
        "issues": issues,
        "plans": [{"id": p.pk, "title": p.title, "status": p.status} for p in plans],
    }


def _issues(
    items: list[dict[str, Any]],
    lost_by: dict[str, list[str]],
    agents: list[dict[str, Any]],
    form_total: int,
    phrases: list[dict[str, Any]],
    phrase_people: dict[str, list[str]],
    rules: Counter[str],
    rule_people: dict[str, set[str]],
    n_calls: int,
) -> list[dict[str, Any]]:
    """The issues found, worst first, each with the plan it suggests: an item or a rule most
    of the team falls short on is the whole team's; one a few agents fall short on, theirs."""
    out: list[dict[str, Any]] = []
    for row in items[:2]:
        people = sorted(lost_by.get(row["item__name"], []))
        out.append({"title": f"{row['item__name']}专项培训",
                    "reason": f"本周抽检“{row['item__name']}”共失 {row['lost']} 分"
                    f"（{len(people)} 人失分）",
                    "agents": people if len(people) <= 3 else []})  # fmt: skip
    low = [a for a in agents if a["average"] * 100 < LOW_PERCENT * form_total]
    if low:
        out.append({"title": "质检低分辅导",
                    "reason": "本周质检平均分低于 {}%：{}".format(
                        LOW_PERCENT, "、".join(f"{a['name']} {a['average']}" for a in low[:5])),
                    "agents": [a["username"] for a in low]})  # fmt: skip
    for row in phrases[:1]:
        people = sorted(phrase_people.get(row["phrase_text"], []))
        out.append({"title": "服务禁忌用语纠正",
                    "reason": f"禁忌用语“{row['phrase_text']}”本周出现 {row['n']} 次"
                    f"（{row['people']} 人）",
                    "agents": people if len(people) <= 3 else []})  # fmt: skip
    for name, n in rules.most_common(2):
        if n_calls and n * 10 >= n_calls:  # a rule broken in a tenth of the calls or more
            people = sorted(rule_people.get(name, set()))
            out.append({"title": f"{name}规范培训",
                        "reason": f"智能质检：{n_calls} 通电话中 {n} 通触发“{name}”",
                        "agents": people if len(people) <= 3 else []})  # fmt: skip
    return out
