"""班组 (issue 11): the team lead's and manager's view — where each agent is (R-2.7) and
their load (follow-ups due and overdue, open and late callbacks, complaints handled), the
stalled work orders (R-3.2) and the complaints at or near their stage limit (R-4.3)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kefu.accounts.selectors import team_members
from kefu.complaints import selectors as complaint_sel
from kefu.complaints.presenters import payload as complaint_payload
from kefu.console.views.base import console
from kefu.followups import selectors as followup_sel
from kefu.interactions import selectors as interaction_sel
from kefu.quality.roster import on_shift
from kefu.tickets import selectors as ticket_sel

LIST = 20  # the most urgent rows of each list


@console
def team(request: HttpRequest) -> HttpResponse:
    user = request.user
    now, today = timezone.now(), timezone.localdate()
    people = team_members(user=user)
    ids = [p.pk for p in people]
    followups = followup_sel.load_by_owner(user_ids=ids, day=today)
    tasks = interaction_sel.tasks_by_assignee(user_ids=ids, now=now)
    handled = complaint_sel.open_by_handler(user_ids=ids)
    rows = []
    for p in people:
        f, t = followups.get(p.pk, {}), tasks.get(p.pk, {})
        row = {
            "user": p,
            "due": f.get("due", 0),
            "overdue": f.get("overdue", 0) + t.get("overdue", 0),
            "callbacks": t.get("open", 0),
            "complaints": handled.get(p.pk, 0),
        }
        row["late"] = row["overdue"] > 0
        rows.append(row)
    rows.sort(key=lambda r: (-r["overdue"], -r["due"]))
    stalled = list(ticket_sel.stalled(user=user, now=now)[:LIST])
    return render(
        request,
        "console/team.html",
        {
            "rows": rows,
            "available": sum(1 for p in people if p.status == "available"),
            "stalled": stalled,
            "complaints": [complaint_payload(c) for c in complaint_sel.near_limit(user=user)],
            "now": now,
            "on_shift": on_shift(now=now),
        },
    )
