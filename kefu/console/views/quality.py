"""服务用语 (R-7.2): the live check of what an agent types (each textarea marked
`data-wording` asks as the agent pauses), and the page of forbidden phrases — the list with
why and what to say instead, who used which this month (the lead's count per agent), and
the latest uses with their text."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.accounts import permissions as P
from kefu.console.views.base import console, field_errors, message, posted_id
from kefu.core.errors import KefuError
from kefu.core.wording import wording_check
from kefu.quality import phrases as phrase_svc
from kefu.quality import selectors as quality_sel
from kefu.quality.presenters import hit_payload, phrase_payload

CHECKED = 20_000  # characters of one live check


@console
@require_POST
def wording(request: HttpRequest) -> HttpResponse:
    """The warnings for one textarea's text, as the agent types (nothing is stored)."""
    text = request.POST.get("text", "")[:CHECKED]
    warnings = [message(w) for w in wording_check({"": text})]
    return render(request, "console/_wording.html", {"warnings": warnings})


@console
def phrases(request: HttpRequest) -> HttpResponse:
    user = request.user
    days = 30
    since = timezone.now() - dt.timedelta(days=days)
    context = {
        "phrases": [phrase_payload(p) for p in quality_sel.phrases(user=user)],
        "by_agent": quality_sel.phrase_hits_by_agent(user=user, since=since)
        if P.has_perm(user, P.VIEW_QUALITY)
        else [],
        "hits": [hit_payload(h) for h in quality_sel.phrase_hits(user=user, since=since)[:50]],
        "days": days,
        "may_edit": P.has_perm(user, P.MANAGE_PHRASES),
        "errors": {},
        "form": {},
    }
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in ("phrase", "reason", "instead")}
        try:
            if request.POST.get("off"):
                phrase_svc.phrase_update(
                    actor=user, phrase_id=posted_id(request, "off") or 0, data={"active": False}
                )
                messages.success(request, _("已停用"))
            elif request.POST.get("on"):
                phrase_svc.phrase_update(
                    actor=user, phrase_id=posted_id(request, "on") or 0, data={"active": True}
                )
                messages.success(request, _("已启用"))
            else:
                phrase_svc.phrase_create(actor=user, data=data)
                messages.success(request, _("已添加禁忌用语“%(p)s”") % {"p": data["phrase"]})
            return redirect("/quality/phrases/")
        except KefuError as exc:
            context["errors"] = field_errors(exc)
            context["form"] = data
            return render(request, "console/phrases.html", context, status=422)
    return render(request, "console/phrases.html", context)
