"""工作台: what the signed-in person must do today, overdue first; and logging out."""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu.accounts import permissions as P
from kefu.care import selectors as care_sel
from kefu.complaints import selectors as complaint_sel
from kefu.complaints.presenters import payload as complaint_payload
from kefu.console.views.base import console
from kefu.core.scheduler import job_health
from kefu.followups import selectors as followup_sel
from kefu.followups.presenters import payload as followup_payload
from kefu.interactions import selectors as interaction_sel
from kefu.tickets import selectors as ticket_sel


@console
def workbench(request: HttpRequest) -> HttpResponse:
    """Each list shows its ten most urgent rows (soonest due first) and how many there are;
    the full lists are one click away."""
    user, today = request.user, timezone.localdate()
    followups = followup_sel.workbench_followups(user=user, day=today)
    complaints = complaint_sel.workbench_complaints(user=user)
    return render(
        request,
        "console/workbench.html",
        {
            "today": today,
            "followups": [followup_payload(f) for f in followups.rows],
            "followups_total": followups.total,
            "callbacks": interaction_sel.workbench_callbacks(user=user),
            "orders": ticket_sel.workbench_work_orders(user=user),
            "complaints": [complaint_payload(c) for c in complaints.rows],
            "complaints_total": complaints.total,
            "messages_due": care_sel.messages_due_count(today),
            # team leads and managers see periodic jobs that stopped
            "late_jobs": [j for j in job_health() if j["late"]]
            if P.has_perm(user, P.MANAGE_TASKS)
            else [],
            "pending_letters": interaction_sel.workbench_letters(user=user),
            "now": timezone.now(),
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("/login/")
