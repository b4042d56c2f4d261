"""Reads of the quality app, scoped to the user: the forbidden-phrase list (everyone who
writes to customers may read it) and who used which phrase (team leads, QA inspectors and
managers see everyone's; an agent sees their own)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet

from kefu.accounts import permissions as P
from kefu.core.errors import PermissionDenied
from kefu.quality.models import ForbiddenPhrase, PhraseHit


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
