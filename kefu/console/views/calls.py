"""来电: the screen pop and the one-form contact log; closing callbacks and turning a letter
into a complaint from the workbench (R-1.6, R-2.3, R-2.4)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.complaints import services as complaint_svc
from kefu.console.views.base import console, field_errors
from kefu.core.errors import KefuError
from kefu.customers import selectors as customer_sel
from kefu.customers.presenters import customer_payload
from kefu.interactions import choices as ich
from kefu.interactions import selectors as interaction_sel
from kefu.interactions import services as interaction_svc


@console
def call(request: HttpRequest) -> HttpResponse:
    phone = request.GET.get("phone", "") or request.POST.get("caller_number", "")
    found = []
    if phone:
        try:
            found = customer_sel.customer_lookup(user=request.user, phone=phone)
        except KefuError:
            found = []
    context = {
        "phone": phone,
        "customer": customer_payload(found[0]) if found else None,
        "others": found[1:],
        "channels": ich.Channel.choices,
        "categories": ich.Category.choices,
        "form": request.POST,
    }
    if request.method == "POST":
        data = {k: v for k, v in request.POST.items() if v and k != "csrfmiddlewaretoken"}
        if found and "customer_id" not in data:
            data["customer_id"] = found[0].customer.pk
        try:
            interaction, _warnings = interaction_svc.interaction_log(actor=request.user, data=data)
        except KefuError as exc:
            context["errors"] = field_errors(exc)
            return render(request, "console/call.html", context, status=exc.status)
        complaint = getattr(interaction, "complaint", None)
        if complaint is not None:
            return redirect(f"/complaints/{complaint.pk}/")
        return redirect(
            f"/customers/{interaction.customer_id}/" if interaction.customer_id else "/"
        )
    return render(request, "console/call.html", context)


@console
@require_POST
def callback_done(request: HttpRequest, task_id: int) -> HttpResponse:
    """Close a callback promise or message from the workbench (R-2.4)."""
    task = interaction_sel.task_get(user=request.user, task_id=task_id)
    interaction_svc.task_complete(
        actor=request.user, task=task, result=request.POST.get("result", "") or _("已回电")
    )
    return redirect("/")


@console
@require_POST
def interaction_to_complaint(request: HttpRequest, interaction_id: int) -> HttpResponse:
    """A letter the CS assistant judges to be a complaint becomes one (R-2.3)."""
    found = interaction_sel.interaction_get(user=request.user, interaction_id=interaction_id)
    complaint = complaint_svc.complaint_create(actor=request.user, data={}, interaction=found)
    return redirect(f"/complaints/{complaint.pk}/")
