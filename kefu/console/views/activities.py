"""客户活动: the activities list, one activity's page — its settings, invitation (SMS with a
reply code, or invitation calls), the registrations with the waiting list, a sign-up sheet
import, check-in at the door by phone or member card, closing and the report (R-9.2)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts import permissions as P
from kefu.activities import choices as ch
from kefu.activities import selectors as sel
from kefu.activities import services as svc
from kefu.activities.transfer import rows_of
from kefu.console.lang import bilingual, english
from kefu.console.views.base import console, field_errors
from kefu.core.errors import KefuError, invalid
from kefu.outbound import selectors as outbound_sel


@console
def activities(request: HttpRequest) -> HttpResponse:
    rows = [{"a": a, "kind": bilingual(a.get_kind_display()),
             "status": bilingual(a.get_status_display()), "report": sel.activity_report(a)}
            for a in sel.activities(user=request.user)[:100]]  # fmt: skip
    return render(request, "console/activities.html", {
        "rows": rows, "manager": P.has_perm(request.user, P.MANAGE_CAMPAIGNS)})  # fmt: skip


def _register_by_phone(request: HttpRequest, a) -> str:  # type: ignore[no-untyped-def]
    guests = request.POST.get("guests", "0")
    r = svc.registration_by_phone(actor=request.user, activity=a,
                                  phone=request.POST.get("phone", ""),
                                  guests=int(guests) if guests.isdigit() else -1)  # fmt: skip
    if r.status == ch.RegistrationStatus.WAITING:
        return _("%(n)s 已进入候补名单") % {"n": r.customer.name}
    return _("%(n)s 报名成功") % {"n": r.customer.name}


def _cancel(request: HttpRequest, a) -> str:  # type: ignore[no-untyped-def]
    r = sel.registration_get(user=request.user, registration_id=int(request.POST.get("id") or 0))
    if r.activity_id != a.pk:
        raise invalid("id", "not_found", "没有该报名", "No such registration")
    moved = svc.registration_cancel(actor=request.user, registration=r)
    names = "、".join(m.customer.name for m in moved)
    return _("已取消；候补转正：%(n)s") % {"n": names} if moved else _("已取消")


def _checkin(request: HttpRequest, a) -> str:  # type: ignore[no-untyped-def]
    r = svc.checkin(actor=request.user, activity=a, query=request.POST.get("query", ""))
    return _("%(n)s 签到成功") % {"n": r.customer.name}


def _import(request: HttpRequest, a) -> str:  # type: ignore[no-untyped-def]
    upload = request.FILES.get("file")
    if upload is None:
        raise invalid("file", "required", "请选择文件", "Choose a file")
    out = svc.registration_import(actor=request.user, activity=a, rows=rows_of(upload))
    for p in out["problems"][:20]:
        messages.warning(request, p["message_en"] if english() else p["message"])
    return _("导入：报名 %(r)s 人，候补 %(w)s 人") % {"r": out["registered"], "w": out["waiting"]}


def _invite(request: HttpRequest, a) -> str:  # type: ignore[no-untyped-def]
    sent = svc.activity_invite(actor=request.user, activity=a)
    return _("邀请短信：发送 %(q)s，未发送 %(s)s，已发过 %(a)s") % {
        "q": sent["queued"], "s": sent["skipped"], "a": sent["already"]}  # fmt: skip


def _calls(request: HttpRequest, a) -> str:  # type: ignore[no-untyped-def]
    c = svc.activity_call_campaign(actor=request.user, activity=a,
                                   agents=request.POST.getlist("agents"))  # fmt: skip
    return _("已建立邀约外呼活动「%(n)s」，请在外呼页生成并分配名单") % {"n": c.name}


STEPS = {
    "register": _register_by_phone,
    "cancel": _cancel,
    "checkin": _checkin,
    "import": _import,
    "invite": _invite,
    "calls": _calls,
    "open": lambda r, a: svc.activity_open(actor=r.user, activity=a) and _("已开始报名"),
    "close": lambda r, a: _("活动已结束：未到场 %(n)s 人，回访 %(f)s 个") % (
        lambda out: {"n": out["no_show"], "f": out["followups"]})(
        svc.activity_close(actor=r.user, activity=a)),
    "cancel_activity": lambda r, a: _("活动已取消：%(n)s 人的报名已取消，短信通知 %(q)s 人") % (
        lambda out: {"n": out["cancelled"], "q": out["queued"]})(
        svc.activity_cancel(actor=r.user, activity=a)),
}  # fmt: skip


def _form(request: HttpRequest) -> dict:
    keys = ("name", "kind", "starts_at", "ends_at", "place", "capacity", "cost", "segment_id",
            "reply_code", "conversion_events", "conversion_days")  # fmt: skip
    return {k: request.POST.get(k, "") for k in keys}


@console
def activity(request: HttpRequest, activity_id: int | None = None) -> HttpResponse:
    user = request.user
    found = sel.activity_get(user=user, activity_id=activity_id) if activity_id else None
    manager = P.has_perm(user, P.MANAGE_CAMPAIGNS)
    errors, status = {}, 200
    form = None
    if request.method == "POST":
        step = request.POST.get("step", "save")
        try:
            if found and step in STEPS:
                messages.success(request, STEPS[step](request, found))
                return redirect(f"/activities/{found.pk}/")
            form = _form(request)
            saved = svc.activity_save(actor=user, data=form, activity=found)
            messages.success(request, _("活动已保存"))
            return redirect(f"/activities/{saved.pk}/")
        except KefuError as exc:
            errors, status = field_errors(exc), exc.status
    if form is None and found:
        local = timezone.localtime
        form = {"name": found.name, "kind": found.kind, "place": found.place,
                "starts_at": local(found.starts_at).strftime("%Y-%m-%dT%H:%M"),
                "ends_at": local(found.ends_at).strftime("%Y-%m-%dT%H:%M"),
                "capacity": found.capacity, "cost": found.cost,
                "segment_id": str(found.segment_id or ""), "reply_code": found.reply_code,
                "conversion_events": "、".join(found.conversion_events),
                "conversion_days": found.conversion_days}  # fmt: skip
    context = {
        "found": found,
        "form": form or {"capacity": 30, "cost": 0, "conversion_days": 30},
        "errors": errors,
        "manager": manager,
        "kinds": [(v, bilingual(label)) for v, label in ch.ActivityKind.choices],
        "segments": list(outbound_sel.segments(user=user)[:200]) if manager else [],
        "agents": outbound_sel.agent_choices() if manager else [],
        "registrations": sel.registrations(found) if found else [],
        "report": sel.activity_report(found) if found else None,
        "status": bilingual(found.get_status_display()) if found else "",
    }
    return render(request, "console/activity.html", context, status=status)
