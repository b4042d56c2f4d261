"""Reads of the quality app, scoped to the user: the forbidden-phrase list (everyone who
writes to customers may read it) and who used which phrase (team leads, QA inspectors and
managers see everyone's; an agent sees their own)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet, Sum

from kefu.accounts import permissions as P
from kefu.core.errors import NotFound, PermissionDenied
from kefu.quality import choices as ch
from kefu.quality.models import (
    ForbiddenPhrase,
    Handover,
    Inspection,
    InspectionScore,
    PhraseHit,
    Transcript,
    TranscriptRule,
)


def phrases(*, user: Any, active_only: bool = False) -> QuerySet[ForbiddenPhrase]:
    if not P.has_perm(user, P.VIEW_INTERACTIONS):
        raise PermissionDenied()
    qs = ForbiddenPhrase.objects.order_by("phrase")
    return qs.filter(active=True) if active_only else qs


def phrase_hits(
    *, user: Any, since: dt.datetime | None = None, agent_id: int | None = None
) -> QuerySet[PhraseHit]:
    """Forbidden phrases written, newest first: everyone's for a lead, one's own otherwise."""
    qs = PhraseHit.objects.select_related("agent").order_by("-at", "-id")
    if not P.has_perm(user, P.VIEW_QUALITY):
        if not P.has_perm(user, P.VIEW_INTERACTIONS):
            raise PermissionDenied()
        qs = qs.filter(agent=user)
    if agent_id:
        qs = qs.filter(agent_id=agent_id)
    if since:
        qs = qs.filter(at__gte=since)
    return qs


def phrase_hits_by_agent(*, user: Any, since: dt.datetime) -> list[dict[str, Any]]:
    """How often each agent wrote a forbidden phrase since `since`, most first, with the
    phrase they used most (the lead's count per agent, R-7.2)."""
    rows = (
        phrase_hits(user=user, since=since)
        .order_by()
        .values("agent_id", "agent__display_name", "agent__username", "phrase_text")
        .annotate(n=Count("id"))
    )
    people: dict[int, dict[str, Any]] = {}
    for r in rows:
        p = people.setdefault(
            r["agent_id"],
            {"agent_id": r["agent_id"],
             "agent": r["agent__display_name"] or r["agent__username"],
             "count": 0, "top": "", "top_n": 0},
        )  # fmt: skip
        p["count"] += r["n"]
        if r["n"] > p["top_n"]:
            p["top"], p["top_n"] = r["phrase_text"], r["n"]
    return sorted(people.values(), key=lambda p: (-p["count"], p["agent"]))


def inspections(
    *, user: Any, month: dt.date | None = None, status: str = "", agent_id: int | None = None
) -> QuerySet[Inspection]:
    """Sampled contacts, oldest month first and the due ones first: the inspector's and
    lead's queue; an agent's own results otherwise (inspectors see what they inspect, agents
    only their own)."""
    qs = Inspection.objects.select_related("agent", "interaction", "inspector", "form")
    if not (P.has_perm(user, P.INSPECT) or P.has_perm(user, P.DECIDE_APPEALS)):
        if not P.has_perm(user, P.VIEW_INTERACTIONS):
            raise PermissionDenied()
        qs = qs.filter(agent=user)
    if month is not None:
        qs = qs.filter(month=month)
    if status:
        qs = qs.filter(status=status)
    if agent_id:
        qs = qs.filter(agent_id=agent_id)
    return qs.order_by("month", "status", "id")


def inspection_get(*, user: Any, inspection_id: int) -> Inspection:
    found = inspections(user=user).filter(pk=inspection_id).first()
    if found is None:
        raise NotFound(f"inspection {inspection_id}")
    return found


def inspection_queue(*, user: Any, month: dt.date) -> dict[str, Any]:
    """What the inspector opens first: this month's contacts still to score, earlier months'
    left unscored (late), and the appeals waiting for a lead."""
    if not (P.has_perm(user, P.INSPECT) or P.has_perm(user, P.DECIDE_APPEALS)):
        raise PermissionDenied()
    qs = inspections(user=user)
    due = qs.filter(status=ch.InspectionStatus.DUE)
    return {
        # calls the automatic QA flagged, whatever the month: first
        "flagged": list(due.filter(flagged=True)[:100]),
        "due": list(due.filter(month=month, flagged=False)[:100]),
        "late": list(due.filter(month__lt=month, flagged=False)[:100]),
        "appeals": list(qs.filter(status=ch.InspectionStatus.APPEALED)[:100]),
    }


def qa_month_summary(*, user: Any, month: dt.date) -> list[dict[str, Any]]:
    """Each agent's QA of the month (R-7.1): contacts scored, average score against the
    form's total, the item that lost the most points, and last month's average (trend)."""
    if not P.has_perm(user, P.VIEW_QUALITY):
        raise PermissionDenied()
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    done = [ch.InspectionStatus.SCORED, ch.InspectionStatus.APPEALED, ch.InspectionStatus.FINAL]
    rows = (
        Inspection.objects.filter(month__in=[month, previous], status__in=done)
        .values("agent_id", "agent__display_name", "agent__username", "month")
        .annotate(n=Count("id"), avg=Avg("score"))
    )
    people: dict[int, dict[str, Any]] = {}
    for r in rows:
        p = people.setdefault(
            r["agent_id"],
            {"agent_id": r["agent_id"],
             "agent": r["agent__display_name"] or r["agent__username"],
             "count": 0, "average": None, "previous": None, "lost_most": ""},
        )  # fmt: skip
        if r["month"] == month:
            p["count"], p["average"] = r["n"], round(float(r["avg"]), 1)
        else:
            p["previous"] = round(float(r["avg"]), 1)
    lost = (
        InspectionScore.objects.filter(inspection__month=month, inspection__status__in=done)
        .values("inspection__agent_id", "item__name")
        .annotate(lost=Sum(F("item__points") - F("points")))
        .order_by("inspection__agent_id", "-lost")
    )
    for row in lost:
        person = people.get(row["inspection__agent_id"])
        if person is not None and not person["lost_most"] and row["lost"]:
            person["lost_most"] = row["item__name"]
    return sorted(
        (p for p in people.values() if p["count"]), key=lambda p: (p["average"], p["agent"])
    )


def handovers(*, user: Any) -> QuerySet[Handover]:
    """Handovers newest first: the two agents' own; every one for team leads and above."""
    if not P.has_perm(user, P.VIEW_INTERACTIONS):
        raise PermissionDenied()
    qs = Handover.objects.select_related("giver", "taker").order_by("-drafted_at", "-id")
    if not P.has_perm(user, P.MANAGE_TASKS):
        qs = qs.filter(Q(giver=user) | Q(taker=user))
    return qs


def handover_get(*, user: Any, handover_id: int) -> Handover:
    found = handovers(user=user).filter(pk=handover_id).first()
    if found is None:
        raise NotFound(f"handover {handover_id}")
    return found


def transcripts(*, user: Any, flagged: bool | None = None) -> QuerySet[Transcript]:
    """Calls' transcripts and their automatic QA, newest first (inspectors and leads)."""
    if not (P.has_perm(user, P.INSPECT) or P.has_perm(user, P.VIEW_QUALITY)):
        raise PermissionDenied()
    qs = Transcript.objects.select_related("interaction", "interaction__agent").defer("sentences")
    if flagged is not None:
        qs = qs.filter(flagged=flagged)
    return qs.order_by("-received_at", "-id")


def transcript_get(*, user: Any, interaction_id: int) -> Transcript:
    """One call's transcript: inspectors and leads; an agent their own calls'."""
    found = (
        Transcript.objects.select_related("interaction")
        .filter(interaction_id=interaction_id)
        .first()
    )
    if found is None or not (
        P.has_perm(user, P.INSPECT)
        or P.has_perm(user, P.VIEW_QUALITY)
        or found.interaction.agent_id == user.pk
    ):
        raise NotFound(f"transcript {interaction_id}")
    return found


def transcript_rules(*, user: Any) -> QuerySet[TranscriptRule]:
    if not (P.has_perm(user, P.INSPECT) or P.has_perm(user, P.VIEW_QUALITY)):
        raise PermissionDenied()
    return TranscriptRule.objects.select_related("item").order_by("id")
