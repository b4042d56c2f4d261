"""交接班 (R-7.3): the outgoing agent sees what they hold and hands it over to a colleague;
each of the two confirms here with their own sign-in; the team lead sees every handover and
which are still unconfirmed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.accounts.selectors import agents_for_handover
from kefu.console.views.base import console, field_errors, message
from kefu.core.errors import KefuError
from kefu.quality import handover as handover_svc
from kefu.quality import selectors as quality_sel
from kefu.quality.handover import items_of
from kefu.quality.presenters import KIND_LABELS, handover_payload


@console
def handovers(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "rows": [handover_payload(h) for h in quality_sel.handovers(user=user)[:30]],
        "holding": [
            {**item, "kind_label": KIND_LABELS[item["kind"]][0]}
            for item in items_of(user, timezone.localdate())
        ],
        "colleagues": agents_for_handover(user=user),
        "errors": {},
        "form": {},
    }
    if request.method == "POST":
        data = {"taker": request.POST.get("taker", ""), "notes": request.POST.get("notes", "")}
        try:
            done = handover_svc.handover_draft(actor=user, data=data)
            messages.success(request, _("交接班已提交，等待接班人确认"))
            return redirect(f"/handover/{done.pk}/")
        except KefuError as exc:
            context["errors"], context["form"] = field_errors(exc), data
            return render(request, "console/handovers.html", context, status=422)
    return render(request, "console/handovers.html", context)


@console
def handover(request: HttpRequest, handover_id: int) -> HttpResponse:
    found = quality_sel.handover_get(user=request.user, handover_id=handover_id)
    return render(request, "console/handover.html", {"h": handover_payload(found)})


@console
@require_POST
def handover_confirm(request: HttpRequest, handover_id: int) -> HttpResponse:
    quality_sel.handover_get(user=request.user, handover_id=handover_id)
    try:
        done = handover_svc.handover_confirm(actor=request.user, handover_id=handover_id)
    except KefuError as exc:
        messages.error(request, "；".join(message(e) for e in exc.errors))
        return redirect(f"/handover/{handover_id}/")
    if done.confirmed:
        moved = done.moved
        messages.success(
            request,
            _("交接完成：%(c)s 条回电、%(f)s 条回访已转给 %(who)s")
            % {"c": moved.get("callbacks", 0), "f": moved.get("followups", 0),
               "who": done.taker.display_name or done.taker.username},
        )  # fmt: skip
    else:
        messages.success(request, _("已确认，等待对方确认"))
    return redirect(f"/handover/{handover_id}/")
