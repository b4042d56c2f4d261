"""质检 and 服务用语 (R-7.1, R-7.2): the inspector's workbench (samples to score, late ones,
appeals, the month's summary) and the inspection page; the live check of what an agent types
(each textarea marked `data-wording` asks as the agent pauses), and the page of forbidden
phrases — the list, who used which this month (the lead's count per agent), the latest uses."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from kefu.accounts import permissions as P
from kefu.accounts.selectors import agents_for_handover
from kefu.console.views.base import console, field_errors, message, posted_id
from kefu.core.errors import KefuError
from kefu.core.wording import wording_check
from kefu.quality import duty as duty_svc
from kefu.quality import inspections as inspections_svc
from kefu.quality import phrases as phrase_svc
from kefu.quality import roster as roster_svc
from kefu.quality import selectors as quality_sel
from kefu.quality import transcripts as transcripts_svc
from kefu.quality.choices import TranscriptSource
from kefu.quality.presenters import hit_payload, inspection_payload, phrase_payload

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


@console
def qa_home(request: HttpRequest) -> HttpResponse:
    """质检: what the QA inspector opens first — this month's samples to score, earlier ones
    left unscored, appeals waiting for a lead, and the month's per-agent summary; an agent
    sees their own results."""
    user = request.user
    try:
        month = inspections_svc.month_of(request.GET.get("month") or None)
    except KefuError:
        month = inspections_svc.month_of(None)
    inspector = P.has_perm(user, P.INSPECT) or P.has_perm(user, P.DECIDE_APPEALS)
    if request.method == "POST" and P.has_perm(user, P.INSPECT):
        try:
            added = inspections_svc.samples_draw(
                actor=user, month=month, per_agent=int(request.POST.get("per_agent") or 3)
            )
            messages.success(request, _("已抽取 %(n)s 条接待记录") % {"n": added})
        except (KefuError, ValueError) as exc:
            problems = exc.errors if isinstance(exc, KefuError) else []
            messages.error(request, "；".join(message(e) for e in problems) or _("请求无效"))
        return redirect(f"/quality/?month={month:%Y-%m}")
    context = {
        "month": f"{month:%Y-%m}",
        "inspector": inspector,
        "may_draw": P.has_perm(user, P.INSPECT),
    }
    if inspector:
        queue = quality_sel.inspection_queue(user=user, month=month)
        context.update({k: [inspection_payload(i) for i in v] for k, v in queue.items()})
    else:
        context["mine"] = [inspection_payload(i) for i in quality_sel.inspections(user=user)[:50]]
    if P.has_perm(user, P.VIEW_QUALITY):
        context["summary"] = quality_sel.qa_month_summary(user=user, month=month)
    return render(request, "console/qa.html", context)


@console
def inspection(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """One sampled contact: the record, the form to score it (inspector), the result and the
    appeal (the agent), the decision (a team lead)."""
    user = request.user
    found = quality_sel.inspection_get(user=user, inspection_id=inspection_id)
    errors: dict = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "score":
                scores = {k[len("item_"):]: {"points": request.POST[k],
                                             "comment": request.POST.get(f"note_{k[5:]}", "")}
                          for k in request.POST if k.startswith("item_")}  # fmt: skip
                inspections_svc.inspection_score(
                    actor=user, inspection_id=found.pk,
                    data={"scores": scores, "comment": request.POST.get("comment", "")},
                )  # fmt: skip
                messages.success(request, _("评分已保存，已通知坐席"))
            elif action == "transcript":
                transcripts_svc.transcript_receive(
                    actor=user, interaction_id=found.interaction_id,
                    sentences=transcripts_svc.transcript_parse(request.POST.get("text", "")),
                    recording_url=request.POST.get("recording_url", ""),
                    source=TranscriptSource.UPLOAD,
                )  # fmt: skip
                messages.success(request, _("转写已上传并自动评分"))
            elif action == "appeal":
                inspections_svc.inspection_appeal(
                    actor=user, inspection_id=found.pk, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("申诉已提交，班长将处理"))
            elif action == "decide":
                raw = request.POST.get("score", "")
                inspections_svc.inspection_decide(
                    actor=user, inspection_id=found.pk,
                    upheld=request.POST.get("upheld") == "1",
                    note=request.POST.get("note", ""),
                    score=int(raw) if raw.isdigit() and len(raw) < 5 else None,
                )  # fmt: skip
                messages.success(request, _("申诉已处理"))
            return redirect(f"/quality/inspections/{found.pk}/")
        except KefuError as exc:
            errors = field_errors(exc)
    shown = inspection_payload(found, detail=True)
    for item in shown["items"]:  # what the inspector typed survives a refusal
        item["entered"] = request.POST.get(f"item_{item['id']}", "")
        item["entered_note"] = request.POST.get(f"note_{item['id']}", "")
    context = {
        "i": shown,
        "errors": errors,
        "may_score": P.has_perm(user, P.INSPECT) and found.agent_id != user.pk,
        "may_appeal": found.agent_id == user.pk,
        "may_decide": P.has_perm(user, P.DECIDE_APPEALS),
    }
    return render(request, "console/inspection.html", context, status=422 if errors else 200)


@console
def roster(request: HttpRequest) -> HttpResponse:
    """排班 (R-7.6): the month's roster, who is on shift now, and for team leads the form
    that puts a person on a shift for a run of days."""
    user = request.user
    try:
        month = inspections_svc.month_of(request.GET.get("month") or None)
    except KefuError:
        month = inspections_svc.month_of(None)
    errors: dict = {}
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in ("user", "shift", "start", "end", "seat")}
        try:
            days = roster_svc.roster_set(actor=user, data=data)
            messages.success(request, _("已排 %(n)s 天") % {"n": days})
            return redirect(f"/roster/?month={month:%Y-%m}")
        except KefuError as exc:
            errors = field_errors(exc)
    context = {
        "month": f"{month:%Y-%m}",
        "grid": roster_svc.roster_month(user=user, month=month),
        "on_shift": roster_svc.on_shift(),
        "shifts": roster_svc.shift_choices(),
        "people": agents_for_handover(user=user),
        "may_edit": P.has_perm(user, P.MANAGE_TASKS),
        "errors": errors,
    }
    return render(request, "console/roster.html", context, status=422 if errors else 200)


@console
def duty(request: HttpRequest) -> HttpResponse:
    """值班日志 (R-7.3): the lead's log of a shift — counts filled in, roll call, problems."""
    user = request.user
    raw_day = request.GET.get("day") or request.POST.get("day") or ""
    try:
        day = dt.date.fromisoformat(raw_day) if raw_day else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    code = request.GET.get("shift") or request.POST.get("shift") or ""
    errors: dict = {}
    if request.method == "POST":
        try:
            log = duty_svc.duty_log_open(actor=user, day=day, shift_code=code)
            roll = {k[len("roll_"):]: v for k, v in request.POST.items()
                    if k.startswith("roll_") and v}  # fmt: skip
            duty_svc.duty_log_update(
                actor=user, log_id=log.pk,
                data={"problems": request.POST.get("problems", ""), "roll_call": roll},
            )  # fmt: skip
            messages.success(request, _("值班日志已保存"))
            return redirect(f"/duty/?day={day}&shift={log.shift.code}")
        except KefuError as exc:
            errors = field_errors(exc)
    context = {
        "log": duty_svc.duty_log_view(user=user, day=day, shift_code=code),
        "shifts": roster_svc.shift_choices(),
        "labels": COUNT_LABELS,
        "roll_labels": duty_svc.ROLL_LABELS,
        "errors": errors,
    }
    return render(request, "console/duty.html", context, status=422 if errors else 200)


COUNT_LABELS = [
    ("category_consultation", _l("咨询")),
    ("category_repair", _l("报事报修")),
    ("category_complaint", _l("投诉")),
    ("category_praise", _l("表扬")),
    ("category_suggestion", _l("建议")),
    ("outbound_calls", _l("主动去电")),
    ("followups_done", _l("回访完成")),
    ("callbacks_kept", _l("回电兑现")),
]
