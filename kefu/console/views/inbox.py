"""The top bar's inbox and status (issue 11): 通知 (notices to me and my department) and
where I am (R-2.7: available, away until …, in a call, wrap-up)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.accounts.choices import AgentStatus
from kefu.accounts.services import agent_status_set
from kefu.console.lang import bilingual
from kefu.console.views.base import console, field_errors, query_without_page
from kefu.core.errors import KefuError
from kefu.core.paging import page_number
from kefu.interactions import notices as notice_svc
from kefu.interactions.presenters import notice_payload


@console
def notices(request: HttpRequest) -> HttpResponse:
    """Everything addressed to me and my department, newest first; unread ones stand out."""
    unread = request.GET.get("unread") == "1"
    page = notice_svc.notices_page(
        user=request.user, unread=unread, page=page_number(request.GET.get("page"))
    )
    return render(
        request,
        "console/notices.html",
        {
            "rows": [notice_payload(n) for n in page.rows],
            "page": page,
            "unread_only": unread,
            "query": query_without_page(request),
        },
    )


@console
@require_POST
def notice_open(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Read one notice and go where it leads (the complaint, the work order …)."""
    found = notice_svc.notice_get(user=request.user, notice_id=notice_id)
    notice_svc.notice_read(actor=request.user, ids=[found.pk])
    return redirect(found.link if found.link.startswith("/") else "/notices/")


@console
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    marked = notice_svc.notice_read(actor=request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读") % {"n": marked})
    return redirect("/notices/")


@console
@require_POST
def status_set(request: HttpRequest) -> HttpResponse:
    """The top bar's status picker: away may say when the agent will be back (HH:MM today,
    or tomorrow when that time has passed)."""
    status = request.POST.get("status", "")
    back_at = None
    raw = request.POST.get("back_at", "").strip()
    if status == AgentStatus.AWAY and raw:
        try:
            hour, minute = (int(x) for x in raw.split(":", 1))
            now = timezone.localtime()
            back_at = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if back_at <= now:
                back_at += dt.timedelta(days=1)
        except ValueError:
            messages.error(request, _("返回时间格式为 时:分，例如 14:30"))
            status = ""
    if status:
        try:
            agent_status_set(user=request.user, status=status, by=request.user, back_at=back_at)
            messages.success(
                request, _("状态已改为：%(s)s") % {"s": bilingual(AgentStatus(status).label)}
            )
        except KefuError as exc:
            messages.error(request, "；".join(field_errors(exc).values()))
    back = request.POST.get("next", "/")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    return redirect(back if safe and back.startswith("/") else "/")
