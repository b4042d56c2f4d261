"""工单: open orders soonest due first with the SLA countdown, and one order with the next
steps the workflow allows (R-3.1) and 催办 for team leads (R-3.2)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.accounts import permissions as P
from kefu.accounts import selectors as account_sel
from kefu.console.lang import bilingual
from kefu.console.views.base import console, field_errors, query_without_page
from kefu.core.errors import KefuError
from kefu.core.paging import page_number, page_of
from kefu.tickets import selectors as ticket_sel
from kefu.tickets import services as ticket_svc
from kefu.tickets import workflow as ticket_flow
from kefu.tickets.choices import EventKind
from kefu.tickets.choices import Status as TicketStatus
from kefu.tickets.presenters import payload as order_payload

PAGE_SIZE = 50


@console
def work_orders(request: HttpRequest) -> HttpResponse:
    """Filters by status and department; `stalled` for team leads (R-3.2); 50 a page."""
    status, department = request.GET.get("status", ""), request.GET.get("department", "")
    stalled = request.GET.get("stalled") == "1"
    if stalled:
        qs = ticket_sel.stalled(user=request.user)
    else:
        qs = ticket_sel.work_orders(
            user=request.user,
            status=status or "open",
            department=department,
            q=request.GET.get("q", "")[:100],
        )
    return render(
        request,
        "console/work_orders.html",
        {
            "page": page_of(
                qs,
                number=page_number(request.GET.get("page")),
                size=PAGE_SIZE,
                load=ticket_sel.page,
            ),
            "query": query_without_page(request),
            "status": status,
            "department": department,
            "stalled": stalled,
            "q": request.GET.get("q", "")[:100],
            "statuses": TicketStatus.choices,
            "departments": account_sel.departments(),
            "may_see_stalled": P.has_perm(request.user, P.MANAGE_TASKS),
            "now": timezone.now(),
        },
    )


WORK_ORDER_FIELDS = {
    "assignee": (gettext_lazy("处理人"), "user"),
    "result": (gettext_lazy("处理结果"), "text"),
    "reason": (gettext_lazy("原因"), "text"),
}


@console
def work_order(request: HttpRequest, order_id: int) -> HttpResponse:
    order = ticket_sel.work_order_get(user=request.user, order_id=order_id)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "urge":
                ticket_svc.work_order_urge(
                    actor=request.user, order=order, note=request.POST.get("note", "")
                )
                messages.success(request, _("已催办，处理部门已收到通知"))
            else:
                fields = {k: request.POST.get(k, "") for k in WORK_ORDER_FIELDS}
                done = ticket_svc.work_order_transition(
                    actor=request.user, order=order, to=request.POST.get("to", ""), fields=fields
                )
                messages.success(
                    request,
                    _("工单 %(n)s 已改为：%(s)s")
                    % {"n": done.number, "s": bilingual(done.get_status_display())},
                )
            return redirect(f"/work-orders/{order_id}/")
        except KefuError as exc:
            errors, status = field_errors(exc), exc.status
            order = ticket_sel.work_order_get(user=request.user, order_id=order_id)
    steps = [
        {
            "to": to,
            "label": bilingual(TicketStatus(to).label),
            "fields": [
                (f, *WORK_ORDER_FIELDS[f])
                for f in ticket_flow.required_fields(order.status, to) or ()
            ],
        }
        for to in ticket_flow.allowed(order.status)
    ]
    data = order_payload(order, True)
    for e in data["events"]:  # the timeline in words: labels and names, never codes
        e["kind_label"] = bilingual(EventKind(e["kind"]).label) if e["kind"] else ""
        e["from_label"] = bilingual(TicketStatus(e["from"]).label) if e["from"] else ""
        e["to_label"] = bilingual(TicketStatus(e["to"]).label) if e["to"] else ""
    return render(
        request,
        "console/work_order.html",
        {
            "o": data,
            "order": order,
            "steps": steps,
            "people": account_sel.department_people(order.department_id),
            "may_urge": P.has_perm(request.user, P.MANAGE_TASKS)
            and order.status in ticket_flow.OPEN,
            "errors": errors,
            "form": request.POST,
            "now": timezone.now(),
        },
        status=status,
    )
