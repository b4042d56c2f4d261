"""回访: the runner — the script filled in, score buttons, satisfied/unsatisfied, appointment
and no-answer; saving moves on to the next due call (R-5.2, R-5.3)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kefu.console.views.base import console, field_errors
from kefu.core.errors import KefuError
from kefu.followups import selectors as followup_sel
from kefu.followups import services as followup_svc
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
    errors, status = {}, 200
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("action") == "result":
                followup_svc.followup_complete(
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
    data = followup_payload(f, True)
    rest, holiday = followup_sel.call_warnings(timezone.now())
    for q in (data["script"] or {}).get("questions", []):
        if q.get("kind") == "score":
            q["range"] = list(range(0 if int(q.get("max", 5)) > 5 else 1, int(q.get("max", 5)) + 1))
    return render(
        request,
        "console/followup.html",
        {"f": data, "errors": errors, "form": request.POST, "rest": rest, "holiday": holiday},
        status=status,
    )
