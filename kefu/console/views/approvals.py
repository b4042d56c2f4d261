"""待我审批 (issue 11): proposals waiting for a supervisor, approved or rejected with a note
from the list; a row beyond the reader's authority says who must approve it instead."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.complaints import selectors as complaint_sel
from kefu.complaints import services as complaint_svc
from kefu.complaints.presenters import proposal_waiting
from kefu.console.lang import message
from kefu.console.views.base import console
from kefu.core.errors import KefuError


@console
def approvals(request: HttpRequest) -> HttpResponse:
    limits = complaint_svc.approval_limits()
    rows = [
        proposal_waiting(p, request.user, limits)
        for p in complaint_sel.proposals_waiting(user=request.user)
    ]
    return render(
        request,
        "console/approvals.html",
        {"rows": rows, "mine": sum(1 for r in rows if r["may_decide"])},
    )


@console
@require_POST
def decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = complaint_sel.proposal_waiting_get(user=request.user, proposal_id=proposal_id)
    approve = request.POST.get("decision") == "approve"
    try:
        complaint_svc.proposal_decide(
            actor=request.user,
            proposal=proposal,
            approve=approve,
            note=request.POST.get("note", ""),
        )
    except KefuError as exc:
        messages.error(request, "；".join(message(e) for e in exc.errors))
        return redirect(f"/approvals/#proposal-{proposal_id}")
    number = proposal.complaint.number
    messages.success(
        request,
        (_("已批准 %(n)s 的方案") if approve else _("已驳回 %(n)s 的方案")) % {"n": number},
    )
    return redirect("/approvals/")
