"""回访: the runner — the script filled in, score buttons, satisfied/unsatisfied, appointment
and no-answer; saving moves on to the next due call (R-5.2, R-5.3)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kefu.care import selectors as care_sel
from kefu.care.choices import ReplyOutcome
from kefu.console.lang import bilingual, message
from kefu.console.views.base import console, field_errors
from kefu.core.errors import KefuError
from kefu.core.paging import page_number, page_of
from kefu.customers.validation import mask_phone
from kefu.followups import selectors as followup_sel
from kefu.followups import services as followup_svc
from kefu.followups.choices import AttemptOutcome
from kefu.followups.presenters import payload as followup_payload


@console
def followup_next(request: HttpRequest) -> HttpResponse:
    """The runner: the next due call of the signed-in agent."""
    nxt = followup_sel.followup_next(user=request.user, day=timezone.localdate())
    return redirect(f"/followups/{nxt.pk}/" if nxt else "/")


def _answers(request: HttpRequest, script: dict) -> dict:
    """The script's answers from the form: scores as numbers, the rest as typed."""
    answers = {}
    for q in script["questions"]:
        raw = request.POST.get(f"q_{q['key']}", "").strip()
        if raw == "":
            continue
        answers[q["key"]] = int(raw) if q.get("kind") == "score" and raw.isdigit() else raw
    return answers


@console
def followup(request: HttpRequest, followup_id: int) -> HttpResponse:
    f = followup_sel.followup_get(user=request.user, followup_id=followup_id)
    errors, status, by_question = {}, 200, {}
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("action") == "result":
                done = followup_svc.followup_complete(
                    actor=request.user,
                    followup=f,
                    data={
                        "answers": _answers(
                            request, followup_svc.script_for(f) or {"questions": []}
                        ),
                        "note": post.get("note", ""),
                        "result": post.get("result") or None,
                    },
                )
                _say_what_it_raised(request, done)
            else:
                followup_svc.followup_attempt(
                    actor=request.user,
                    followup=f,
                    data={
                        "outcome": post.get("outcome", ""),
                        "appointment_at": post.get("appointment_at", ""),
                        "note": post.get("note", ""),
                    },
                )
            return redirect("/followups/next/")
        except KefuError as exc:
            errors, status = field_errors(exc), exc.status
            by_question = {e.field.split(".", 1)[1]: message(e) for e in exc.errors
                           if e.field.startswith("answers.")}  # fmt: skip
    data = followup_payload(f, True)
    rest, holiday = followup_sel.call_warnings(timezone.now())
    for q in (data["script"] or {}).get("questions", []):
        if q.get("kind") == "score":
            q["range"] = list(range(0 if int(q.get("max", 5)) > 5 else 1, int(q.get("max", 5)) + 1))
        # what was entered survives a refusal, and each error stands by its question
        q["value"] = request.POST.get(f"q_{q['key']}", "")
        q["error"] = by_question.get(q["key"], "")
    context = {
        "f": data,
        "errors": errors,
        "form": request.POST,
        "rest": rest,
        "holiday": holiday,
        "contact": followup_sel.followup_contact(followup=f),
        "survey": care_sel.survey_of(followup_id=f.pk),
    }
    for a in data["attempt_log"]:
        if a["by"] is None:  # answered by the customer's SMS reply
            a["by_name"] = bilingual(a["by_name"])
        a["outcome_label"] = (
            bilingual(AttemptOutcome(a["outcome"]).label)
            if a["outcome"] in AttemptOutcome.values
            else a["outcome"]
        )
    return render(request, "console/followup.html", context, status=status)


def _say_what_it_raised(request: HttpRequest, followup) -> None:
    """The agent is told what the answers became, with links (R-5.4)."""
    raised = followup_payload(followup, True)["raised"]
    if not raised:
        messages.success(request, _("回访已保存"))
        return
    links = [
        format_html(
            '<a href="/{}/{}/">{}</a>',
            "work-orders" if r["kind"] == "work_order" else "complaints",
            r["id"],
            r["number"],
        )
        for r in raised
    ]
    messages.success(
        request, format_html(_("回访已保存，不满意项已转为 {}"), mark_safe("、".join(links)))
    )


@console
def followup_dial(request: HttpRequest, followup_id: int) -> HttpResponse:
    """Click to dial: the full number is revealed (and logged, R-0.5) only to call it."""
    f = followup_sel.followup_get(user=request.user, followup_id=followup_id)
    number = followup_svc.followup_dial_number(actor=request.user, followup=f)
    return DialRedirect(f"tel:{number}")


class DialRedirect(HttpResponseRedirect):
    allowed_schemes = ["tel"]


@console
def sms_replies(request: HttpRequest) -> HttpResponse:
    """短信回复 (R-9.4): what customers texted back and what each became — a survey score
    (with its follow-up), an opt-out, an activity registration — and the unmatched ones a
    lead reads and acts on. Team leads and above; numbers masked (R-0.5)."""
    outcome = request.GET.get("outcome", "")
    outcome = outcome if outcome in ReplyOutcome.values else ""
    page = page_of(care_sel.replies(user=request.user, outcome=outcome),
                   number=page_number(request.GET.get("page")))  # fmt: skip
    rows = [{
        "at": r.received_at, "phone": mask_phone(r.phone), "text": r.text,
        "customer": r.customer, "outcome": bilingual(ReplyOutcome(r.outcome).label)
        if r.outcome in ReplyOutcome.values else "—",
        "detail": bilingual(r.detail) if r.detail else "",
        "followup_id": r.survey.followup_id if r.survey_id else None,
    } for r in page.rows]  # fmt: skip
    tabs = [("", _("全部"))] + [(v, bilingual(label)) for v, label in ReplyOutcome.choices]
    return render(request, "console/sms_replies.html", {
        "rows": rows, "page": page, "tabs": tabs, "outcome": outcome,
        "query": f"outcome={outcome}" if outcome else ""})  # fmt: skip
