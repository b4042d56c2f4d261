"""投诉: the archive with its filters and the stepper page. The steps and their fields come
from the complaint workflow table (`kefu/complaints/workflow.py`), the same one the service
checks and the API documents."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.accounts import permissions as P
from kefu.complaints import selectors as complaint_sel
from kefu.complaints import services as complaint_svc
from kefu.complaints import workflow
from kefu.complaints.choices import ComplaintClass, Outcome, Stage
from kefu.complaints.presenters import payload as complaint_payload
from kefu.console.lang import bilingual
from kefu.console.views.base import (
    console,
    field_errors,
    in_english,
    posted_id,
    query_without_page,
)
from kefu.core.errors import KefuError, NotFound
from kefu.core.paging import page_number, page_of
from kefu.interactions.choices import Channel

PAGE_SIZE = 50


@console
def complaints(request: HttpRequest) -> HttpResponse:
    """The archive with its filters, open ones soonest due first (R-4.4)."""
    g = request.GET
    stage, cls = g.get("stage", "open"), g.get("complaint_class", "")
    page = page_of(
        complaint_sel.worklist(
            user=request.user,
            q=g.get("q", ""),
            stage=stage,
            complaint_class=cls,
            overdue=g.get("overdue") == "1",
        ),
        number=page_number(g.get("page")),
        size=PAGE_SIZE,
    )
    return render(
        request,
        "console/complaints.html",
        {
            "rows": [complaint_payload(c) for c in page.rows],
            "page": page,
            "query": query_without_page(request),
            "stage": stage,
            "complaint_class": cls,
            "overdue": g.get("overdue") == "1",
            "q": g.get("q", ""),
            "stages": Stage.choices,
            "classes": ComplaintClass.choices,
        },
    )


# How each kind of workflow field is drawn (the template knows these inputs).
WIDGETS = {
    "text": "text",
    "line": "line",
    "department": "line",
    "user": "line",
    "days": "number",
    "bool": "bool",
    "confirm": "bool",
    "complaint_class": "class",
}


def _label(pair: tuple[str, str]) -> str:
    return pair[1] if in_english() else pair[0]


CHOICE_VALUES = {"channel": Channel, "complaint_class": ComplaintClass}


def record_lines(record: dict) -> list[tuple[str, str]]:
    """A stage record as (label, value) lines a person reads; ids and empty values left out."""
    lines = []
    for key, value in record.items():
        if key not in workflow.RECORD_LABELS or value in (None, "", []):
            continue
        if isinstance(value, bool):
            value = _("是") if value else _("否")
        elif key in CHOICE_VALUES and value in CHOICE_VALUES[key].values:
            value = bilingual(CHOICE_VALUES[key](value).label)  # a label, never a code
        elif isinstance(value, list):
            value = "；".join(
                " ".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item)
                for item in value
            )
        lines.append((_label(workflow.RECORD_LABELS[key]), str(value)))
    return lines


def _form_fields(step: workflow.Step) -> list[tuple[str, str, str]]:
    """The step's fields as (name, label, widget); records are entered through the API."""
    return [
        (f.name, _label((f.label, f.label_en)), WIDGETS[f.kind])
        for f in step.fields
        if f.kind in WIDGETS
    ]


def _posted_fields(request: HttpRequest, step: workflow.Step | None) -> dict:
    """The form's values typed as the workflow table declares them: a ticked box is true,
    an unticked one false; days are numbers when they are digits (else the service says
    what is wrong)."""
    post, fields = request.POST, {}
    for f in step.fields if step else ():
        if f.kind in ("bool", "confirm"):
            fields[f.name] = post.get(f.name) == "on"
        elif f.kind == "days":
            raw = post.get(f.name, "").strip()
            fields[f.name] = int(raw) if raw.isdigit() and len(raw) < 6 else raw
        elif f.kind != "records":
            fields[f.name] = post.get(f.name, "")
    return fields


@console
def complaint(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The complaint page: the six stages as a stepper; only the allowed next steps are
    offered, each with the fields it needs (R-4.1)."""
    c = complaint_sel.complaint_get(user=request.user, complaint_id=complaint_id)
    errors, action, status = {}, "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            _complaint_action(request, c, action)
            return redirect(f"/complaints/{complaint_id}/")
        except KefuError as exc:
            errors, status = field_errors(exc), exc.status
            c = complaint_sel.complaint_get(user=request.user, complaint_id=complaint_id)
    data = complaint_payload(c, True)
    data["stage_label"] = bilingual(Stage(c.stage).label)
    data["outcome_label"] = bilingual(Outcome(c.outcome).label) if c.outcome else ""
    data["class_label"] = (
        bilingual(ComplaintClass(c.complaint_class).label) if c.complaint_class else ""
    )
    for stage in data["stages"]:
        stage["lines"] = record_lines(stage["record"])
        stage["label"] = bilingual(Stage(stage["stage"]).label)
    actions = [
        {
            "to": to,
            "label": bilingual(Stage(to).label),
            "fields": _form_fields(workflow.STEPS[c.stage][to]),
        }
        for to in workflow.allowed(c.stage, c.outcome)
    ]
    current = workflow.ORDER.index(c.stage) if c.stage in workflow.ORDER else 0
    return render(
        request,
        "console/complaint.html",
        {
            "c": data,
            "steps": [
                {
                    "code": s,
                    "label": bilingual(Stage(s).label),
                    "state": "done" if i < current else ("current" if i == current else "todo"),
                }
                for i, s in enumerate(workflow.ORDER)
            ],
            "actions": actions if complaint_svc.may_work(request.user, c, "") else [],
            "may_approve": P.has_perm(request.user, P.APPROVE_COMPLAINTS),
            "classes": ComplaintClass.choices,
            "errors": errors,
            "action": action,
            "form": request.POST,
        },
        status=status,
    )


def _complaint_action(request: HttpRequest, c, action: str) -> None:
    post = request.POST
    if action == "advance":
        to = post.get("to", "")
        version = int(post["version"]) if post.get("version", "").isdigit() else None
        complaint_svc.complaint_advance(
            actor=request.user,
            complaint=c,
            to=to,
            fields=_posted_fields(request, workflow.step(c.stage, to, c.outcome)),
            version=version,
        )
    elif action == "propose":
        complaint_svc.proposal_add(
            actor=request.user,
            complaint=c,
            data={
                "text": post.get("text", ""),
                "compensation_amount": post.get("compensation_amount") or "0",
            },
        )
    elif action in ("approve", "reject"):
        proposal_id = posted_id(request, "proposal")
        if proposal_id is None:
            raise NotFound(f"proposal {post.get('proposal', '')}")
        complaint_svc.proposal_decide(
            actor=request.user,
            proposal=complaint_sel.proposal_get(complaint=c, proposal_id=proposal_id),
            approve=action == "approve",
            note=post.get("note", ""),
        )
