"""外呼: segments with their preview, call campaigns (list built, shared, started, results)
and the agent's campaign runner — the script in seed 000's order, the outcome buttons,
saving moves on to the next call (R-9.3)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts import permissions as P
from kefu.console.lang import bilingual, english, message
from kefu.console.views.base import console, field_errors
from kefu.console.views.followups import DialRedirect
from kefu.core.errors import KefuError
from kefu.core.inputs import in_language
from kefu.core.tables import xlsx_book
from kefu.outbound import choices as ch
from kefu.outbound import selectors as sel
from kefu.outbound import services as svc
from kefu.outbound.segments import (
    CONDITIONS_MAX,
    OPS,
    describe,
    field_catalogue,
    shown_values,
)
from kefu.reports.presenters import XLSX

ROWS = 8  # condition rows on the segment editor


@console
def outbound(request: HttpRequest) -> HttpResponse:
    """A lead's campaigns and segments with their results; an agent's campaigns to call."""
    user = request.user
    manager = P.has_perm(user, P.MANAGE_CAMPAIGNS)
    rows = []
    for c in sel.campaigns(user=user)[:100]:
        row = {"c": c, "kind": bilingual(c.get_kind_display()),
               "status": bilingual(c.get_status_display())}  # fmt: skip
        if manager:
            row["figures"] = sel.campaign_results(user=user, campaign=c)["whole"]
        rows.append(row)
    context = {
        "manager": manager,
        "campaigns": rows,
        "mine": sel.my_campaigns(user=user),
        "segments": list(sel.segments(user=user)[:100]) if manager else [],
        "by_segment": sel.segment_results(user=user)[:100] if manager else [],
    }
    return render(request, "console/outbound.html", context)


def _conditions(request: HttpRequest) -> list[dict]:
    out = []
    for i in range(ROWS):
        field = request.POST.get(f"field_{i}", "").strip()
        if not field:
            continue
        cond = {"field": field, "op": request.POST.get(f"op_{i}", ""),
                "value": request.POST.get(f"value_{i}", "")}  # fmt: skip
        if request.POST.get(f"days_{i}", "").strip():
            cond["days"] = request.POST.get(f"days_{i}", "").strip()
        out.append(cond)
    return out


def _rows(conditions: list[dict]) -> list[dict]:
    rows = []
    for cond in conditions[:ROWS]:
        value = cond.get("value", "")
        if "op" in cond and isinstance(value, list):
            value = shown_values(cond, english())
        rows.append({**cond, "value": "、".join(map(str, value)) if isinstance(value, list)
                     else value, "days": cond.get("days") or ""})  # fmt: skip
    return rows + [{"field": "", "op": "", "value": "", "days": ""}] * (ROWS - len(rows))


def _catalogue() -> list[dict]:
    out = []
    for f in field_catalogue():
        out.append({**f, "label": in_language(f["label"]),
                    "ops": [(o, in_language(words)) for o, words in f["ops"]],
                    "options": [(v, bilingual(label)) for v, label in f["options"]]})  # fmt: skip
    return out


@console
def segment(request: HttpRequest, segment_id: int | None = None) -> HttpResponse:
    """The segment editor: conditions, a preview (how many now and who), save."""
    found = sel.segment_get(user=request.user, segment_id=segment_id) if segment_id else None
    sel.segments(user=request.user)  # leads and above
    errors, status, preview = {}, 200, None
    conditions = found.filters if found else []
    form = {"name": found.name if found else "", "description": found.description if found
            else ""}  # fmt: skip
    if request.method == "POST":
        conditions = _conditions(request)
        form = {"name": request.POST.get("name", ""),
                "description": request.POST.get("description", "")}  # fmt: skip
        try:
            if request.POST.get("action") == "preview":
                preview = svc.segment_preview(actor=request.user, filters=conditions)
                preview["words"] = describe(preview["filters"], english())
            else:
                saved = svc.segment_save(actor=request.user, segment=found,
                                         data={**form, "filters": conditions})  # fmt: skip
                messages.success(request, _("分群已保存：%(n)s 位客户") % {"n": saved.last_count})
                return redirect(f"/outbound/segments/{saved.pk}/")
        except KefuError as exc:
            errors, status = field_errors(exc), exc.status
            errors.update({e.field: message(e) for e in exc.errors
                           if e.field.startswith("filters[")})  # fmt: skip
    context = {
        "found": found,
        "form": form,
        "rows": [{**r, "error": _row_error(errors, i)} for i, r in enumerate(_rows(conditions))],
        "catalogue": _catalogue(),
        "errors": errors,
        "preview": preview,
        "words": describe(found.filters, english()) if found else [],
        "conditions_max": CONDITIONS_MAX,
        "ops": [(o, in_language(w)) for o, w in OPS.items()],
    }
    return render(request, "console/segment.html", context, status=status)


def _row_error(errors: dict, i: int) -> str:
    return "；".join(v for k, v in errors.items() if k.startswith(f"filters[{i}]"))


def _campaign_form(request: HttpRequest) -> dict:
    post = request.POST
    return {
        "name": post.get("name", ""), "kind": post.get("kind", ""),
        "segment_id": post.get("segment_id", ""), "script": post.get("script", ""),
        "starts_on": post.get("starts_on", ""), "ends_on": post.get("ends_on", ""),
        "hours": post.get("hours", ""), "agents": post.getlist("agents"),
        "cool_off_days": post.get("cool_off_days", "7"),
        "max_attempts": post.get("max_attempts", "3"),
        "retry_hours": post.get("retry_hours", "4"),
        "conversion_events": post.get("conversion_events", ""),
        "conversion_days": post.get("conversion_days", "30"),
    }  # fmt: skip


ACTIONS = {
    "build": lambda user, c: _("名单已生成：%(n)s 位客户") % {
        "n": svc.campaign_build(actor=user, campaign=c)["list_size"]},
    "distribute": lambda user, c: _("名单已分配给 %(n)s 位坐席") % {
        "n": len(svc.campaign_distribute(actor=user, campaign=c))},
    "active": lambda user, c: (svc.campaign_set_status(actor=user, campaign=c, status="active")
                               and _("活动已开始拨打")),
    "paused": lambda user, c: (svc.campaign_set_status(actor=user, campaign=c, status="paused")
                               and _("活动已暂停")),
    "closed": lambda user, c: (svc.campaign_set_status(actor=user, campaign=c, status="closed")
                               and _("活动已结束")),
}  # fmt: skip


@console
def campaign(request: HttpRequest, campaign_id: int | None = None) -> HttpResponse:
    """A campaign: its settings, the list's steps (build, share, start, pause, close), the
    do-not-call exclusions, progress and results per agent, the XLSX."""
    user = request.user
    found = sel.campaign_get(user=user, campaign_id=campaign_id) if campaign_id else None
    sel.segments(user=user)  # leads and above
    if found and request.GET.get("format") == "xlsx":
        response = HttpResponse(xlsx_book(sel.campaign_xlsx_rows(user=user, campaign=found)),
                                content_type=XLSX)  # fmt: skip
        response["Content-Disposition"] = f'attachment; filename="campaign-{found.pk}.xlsx"'
        return response
    errors, status = {}, 200
    form = _campaign_form(request) if request.method == "POST" else None
    if request.method == "POST":
        try:
            action = request.POST.get("action", "save")
            if found and action in ACTIONS:
                messages.success(request, ACTIONS[action](user, found))
                return redirect(f"/outbound/campaigns/{found.pk}/")
            saved = svc.campaign_save(actor=user, data=form or {}, campaign=found)
            messages.success(request, _("外呼活动已保存"))
            return redirect(f"/outbound/campaigns/{saved.pk}/")
        except KefuError as exc:
            errors, status = field_errors(exc), exc.status
    if form is None and found:
        form = {"name": found.name, "kind": found.kind, "segment_id": str(found.segment_id),
                "script": found.script.code, "starts_on": found.starts_on.isoformat(),
                "ends_on": found.ends_on.isoformat(),
                "hours": ", ".join(f"{a}-{b}" for a, b in found.hours),
                "agents": sel.campaign_agents(found), "cool_off_days": found.cool_off_days,
                "max_attempts": found.max_attempts, "retry_hours": found.retry_hours,
                "conversion_events": "、".join(found.conversion_events),
                "conversion_days": found.conversion_days}  # fmt: skip
    today = timezone.localdate()
    form = form or {"hours": "09:00-12:00, 14:00-18:00", "cool_off_days": 7, "max_attempts": 3,
                    "retry_hours": 4, "conversion_days": 30, "agents": [],
                    "starts_on": today.isoformat(), "ends_on": today.isoformat()}  # fmt: skip
    context = {
        "found": found,
        "form": form,
        "errors": errors,
        "kinds": [(v, bilingual(label)) for v, label in ch.CampaignKind.choices],
        "segments": list(sel.segments(user=user)[:200]),
        "scripts": list(sel.scripts()),
        "agents": sel.agent_choices(),
        "results": sel.campaign_results(user=user, campaign=found) if found else None,
        "status": bilingual(found.get_status_display()) if found else "",
    }
    return render(request, "console/campaign.html", context, status=status)


@console
def call_next(request: HttpRequest) -> HttpResponse:
    """The runner: the signed-in agent's next campaign call, or why there is none now."""
    nxt = sel.call_next(user=request.user)
    if nxt:
        return redirect(f"/outbound/calls/{nxt.pk}/")
    rest, holiday = sel.calling_now(timezone.now())
    if rest:
        messages.info(request, _("现在是顾客的休息时间（%(t)s），请稍后再拨") % {"t": rest})
    elif holiday:
        messages.info(request, _("今天是法定节假日，不做外呼"))
    else:
        messages.info(request, _("现在没有要拨打的客户（活动的拨打时段外，或名单已拨完）"))
    return redirect("/outbound/")


@console
def call(request: HttpRequest, call_id: int) -> HttpResponse:
    found = sel.call_get(user=request.user, call_id=call_id)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            _c, warnings = svc.call_record(actor=request.user, call=found, data={
                "outcome": request.POST.get("outcome", ""),
                "note": request.POST.get("note", ""),
                "call_back_at": request.POST.get("call_back_at", ""),
                "appointment_at": request.POST.get("appointment_at", ""),
            })  # fmt: skip
            messages.success(request, _("已记录"))
            for w in warnings:
                messages.warning(request, w.message_en if english() else w.message)
            return redirect("/outbound/next/")
        except KefuError as exc:
            errors, status = field_errors(exc), exc.status
    rest, holiday = sel.calling_now(timezone.now())
    context = {
        "call": found,
        "script": sel.script_for(found),
        "phone": sel.masked_phone(found),
        "attempts": sel.attempts_of(found),
        "errors": errors,
        "form": request.POST,
        "rest": rest,
        "holiday": holiday,
        "reached": [(o, bilingual(label)) for o, label in ch.Outcome.choices
                    if o not in ch.NOT_REACHED and o not in (ch.Outcome.CALL_BACK,
                                                             ch.Outcome.APPOINTMENT)],
        "not_reached": [(o, bilingual(label)) for o, label in ch.Outcome.choices
                        if o in ch.NOT_REACHED],
        "status": bilingual(found.get_status_display()),
    }  # fmt: skip
    return render(request, "console/campaign_call.html", context, status=status)


@console
def call_dial(request: HttpRequest, call_id: int) -> HttpResponse:
    """Click to dial: the full number revealed (and logged, R-0.5) only to call it."""
    found = sel.call_get(user=request.user, call_id=call_id)
    return DialRedirect(f"tel:{svc.call_dial_number(actor=request.user, call=found)}")
