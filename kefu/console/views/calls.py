"""来电: the screen pop and the one-form contact log; closing callbacks and turning a letter
into a complaint from the workbench (R-1.6, R-2.3, R-2.4)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.accounts.selectors import department_choices
from kefu.complaints import selectors as complaint_sel
from kefu.complaints import services as complaint_svc
from kefu.complaints.presenters import payload as complaint_payload
from kefu.console.views.base import console, field_errors, message, posted_id
from kefu.core.errors import KefuError
from kefu.customers import selectors as customer_sel
from kefu.customers.presenters import customer_payload
from kefu.customers.validation import mask_phone
from kefu.followups import selectors as followup_sel
from kefu.interactions import choices as ich
from kefu.interactions import selectors as interaction_sel
from kefu.interactions import services as interaction_svc
from kefu.interactions.presenters import routed_to
from kefu.tickets import choices as ticket_ch


@console
def call(request: HttpRequest) -> HttpResponse:
    """The screen pop (R-1.6, issue 11): who is calling and everything open for them, and the
    form that logs the call on the same page. `?call=ID` is a call the phone system reported
    (the pop pushed to the agent); `?phone=` a number typed by hand; several customers on one
    number are offered to pick from (`&customer=ID`)."""
    source = request.POST if request.method == "POST" else request.GET
    live = None
    if (call_id := posted_id(request, "call") or _get_id(request, "call")) is not None:
        live = interaction_sel.interaction_get(user=request.user, interaction_id=call_id)
    phone = live.caller_number if live else (source.get("phone") or source.get("caller_number", ""))
    found = []
    if phone:
        try:
            found = customer_sel.customer_lookup(user=request.user, phone=phone)
        except KefuError:
            found = []
    chosen = _get_id(request, "customer") or posted_id(request, "customer_id")
    if live is not None and live.customer_id and chosen is None:
        chosen = live.customer_id
    detail = next((d for d in found if d.customer.pk == chosen), None)
    if detail is None and len(found) == 1:
        detail = found[0]
    context = {
        "phone": phone,
        "phone_masked": mask_phone(phone) if phone else "",
        "live": live,
        "picker": [customer_sel.card_of(d) for d in found] if detail is None else [],
        "customer": customer_payload(detail) if detail else None,
        "pop": _pop(request, detail) if detail else None,
        "channels": ich.Channel.choices,
        "categories": ich.Category.choices,
        "departments": department_choices(),
        "form": request.POST,
    }
    if request.method == "POST":
        return _save_call(request, live, detail, context)
    return render(request, "console/call.html", context)


def _get_id(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _pop(request: HttpRequest, detail) -> dict:
    """What is open for the caller, gathered from each app's own selector."""
    user, cid = request.user, detail.customer.pk
    activity = labelled(customer_sel.customer_activity(cid))
    rest, holiday = followup_sel.call_warnings(timezone.now())
    return {
        "complaints": [
            complaint_payload(c)
            for c in complaint_sel.complaints(user=user, customer_id=cid, stage="open")[:5]
        ],
        "work_orders": activity["work_order"],
        "tasks": activity["task"],
        "contacts": activity["contact"],
        "followups": followup_sel.customer_followups_pending(customer_id=cid),
        "rest": rest,
        "holiday": holiday,
        "sms_opt_out": detail.customer.sms_opt_out,
        "phone_opt_out": detail.customer.phone_opt_out,
    }


def labelled(activity: dict) -> dict:
    """The screen pop's rows with their codes as labels (channels, categories, statuses)."""
    for t in activity["task"]:
        t["kind_label"] = ich.TaskKind(t["kind"]).label
    for o in activity["work_order"]:
        o["status_label"] = ticket_ch.Status(o["status"]).label
    for i in activity["contact"]:
        i["channel_label"] = ich.Channel(i["channel"]).label
        i["category_label"] = ich.Category(i["category"]).label
    return activity


def _save_call(request: HttpRequest, live, detail, context: dict) -> HttpResponse:
    """Log the call (or fill in the reported one) and say what it became, with links."""
    keep = ("channel", "category", "contact_name", "content", "demand", "outcome",
            "department", "praised_employee", "caller_number")  # fmt: skip
    data = {k: request.POST[k] for k in keep if request.POST.get(k)}
    if detail is not None:
        data["customer_id"] = detail.customer.pk
    try:
        if live is not None:
            data.pop("caller_number", None)
            interaction, warnings = interaction_svc.interaction_update(
                actor=request.user, interaction=live, data=data
            )
        else:
            interaction, warnings = interaction_svc.interaction_log(actor=request.user, data=data)
    except KefuError as exc:
        context["errors"] = field_errors(exc)
        return render(request, "console/call.html", context, status=exc.status)
    became = became_of(interaction)
    messages.success(
        request, format_html_join("", "{}", [(b,) for b in became]) if became else _("已保存")
    )
    for w in warnings:
        if w.code == "forbidden_phrase":  # saved, and the agent is told
            messages.warning(request, message(w))
    complaint = getattr(interaction, "complaint", None)
    if complaint is not None:
        return redirect(f"/complaints/{complaint.pk}/")
    return redirect(f"/customers/{interaction.customer_id}/" if interaction.customer_id else "/")


def became_of(interaction) -> list:
    """ "已保存，生成工单 GD…" — what a saved contact became, as links (R-2.3)."""
    out = []
    for item in routed_to(interaction):
        if item["kind"] == "work_order":
            out.append(
                format_html(
                    _('已生成工单 <a href="/work-orders/{}/">{}</a>。'), item["id"], item["number"]
                )
            )
        else:
            out.append(
                format_html(
                    _('已生成投诉 <a href="/complaints/{}/">{}</a>。'), item["id"], item["number"]
                )
            )
    if interaction.category == ich.Category.PRAISE and interaction.routing == ich.Routing.DONE:
        out.append(_("已登记表扬并通知被表扬员工。"))
    if interaction.category == ich.Category.OTHER and interaction.routing == ich.Routing.DONE:
        for notice in interaction.notices.all():
            if notice.department_id:
                out.append(_("已转 %(d)s 处理。") % {"d": notice.department.name})
    if interaction.routing == ich.Routing.PENDING:
        out.append(_("已保存，等待转办。"))
    return out or [_("接待记录已保存。")]


@console
@require_POST
def callback_done(request: HttpRequest, task_id: int) -> HttpResponse:
    """Close a callback promise or message from the workbench (R-2.4)."""
    task = interaction_sel.task_get(user=request.user, task_id=task_id)
    interaction_svc.task_complete(
        actor=request.user, task=task, result=request.POST.get("result", "") or _("已回电")
    )
    messages.success(request, _("回电已完成"))
    return redirect("/")


@console
@require_POST
def interaction_to_complaint(request: HttpRequest, interaction_id: int) -> HttpResponse:
    """A letter the CS assistant judges to be a complaint becomes one (R-2.3)."""
    found = interaction_sel.interaction_get(user=request.user, interaction_id=interaction_id)
    complaint = complaint_svc.complaint_create(actor=request.user, data={}, interaction=found)
    messages.success(request, _("来函已转为投诉 %(n)s") % {"n": complaint.number})
    return redirect(f"/complaints/{complaint.pk}/")
