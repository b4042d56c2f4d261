"""投诉: the archive with its filters and the stepper page. The steps and their fields come
from the complaint workflow table (`kefu/complaints/workflow.py`), the same one the service
checks and the API documents."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.accounts import permissions as P
from kefu.accounts.selectors import department_choices, people_choices
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
    message,
    posted_id,
    query_without_page,
)
from kefu.core.errors import KefuError, NotFound
from kefu.core.paging import page_number, page_of
from kefu.followups import selectors as followup_sel
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
    "department": "department",
    "user": "user",
    "days": "number",
    "bool": "bool",
    "confirm": "bool",
    "complaint_class": "class",
}


def _label(pair: tuple[str, str]) -> str:
    return pair[1] if in_english() else pair[0]


CHOICE_VALUES = {"channel": Channel, "complaint_class": ComplaintClass}


def record_lines(
    record: dict, departments: dict[str, str], people: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """A stage record as (label, value) lines a person reads; ids and empty values left out,
    departments and people by name."""
    lines = []
    for key, value in record.items():
        if key not in workflow.RECORD_LABELS or value in (None, "", []):
            continue
        if isinstance(value, bool):
            value = _("是") if value else _("否")
        elif key == "department" and value in departments:
            value = departments[value]
        elif key == "responsible_user" and people and value in people:
            value = people[value]
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
            messages.success(request, _done_message(request, complaint_id, action))
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
    department_list, people = department_choices(), people_choices()
    departments, names = dict(department_list), dict(people)
    for stage in data["stages"]:
        stage["lines"] = record_lines(stage["record"], departments, names)
        stage["label"] = bilingual(Stage(stage["stage"]).label)
    actions = [
        {
            "to": to,
            "label": bilingual(Stage(to).label),
            "fields": _form_fields(workflow.STEPS[c.stage][to]),
            # going back, reopening and closing unfinished look different and ask first
            "careful": workflow.STEPS[c.stage][to].back
            or (to == Stage.CLOSED and c.stage != Stage.REVIEW),
        }
        for to in workflow.allowed(c.stage, c.outcome)
    ]
    current = workflow.ORDER.index(c.stage) if c.stage in workflow.ORDER else 0
    if P.has_perm(request.user, P.APPROVE_COMPLAINTS):
        limits = complaint_svc.approval_limits()
        for p in data.get("proposals", []):
            p["may_decide"] = p["proposed_by_id"] != request.user.id and complaint_svc.may_approve(
                request.user, Decimal(p["compensation_amount"]), limits
            )
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
            "departments": department_list,
            "people": people,
            "errors": errors,
            "action": action,
            "form": request.POST,
        },
        status=status,
    )


def _done_message(request: HttpRequest, complaint_id: int, action: str) -> str:
    """What the person just did, said back; a closed complaint names the follow-up booked
    (R-4.2)."""
    c = complaint_sel.complaint_get(user=request.user, complaint_id=complaint_id)
    if action in ("approve", "reject"):
        return _("已批准方案") if action == "approve" else _("已驳回方案")
    if action == "propose":
        return _("方案已提出，等待审批")
    if c.stage == Stage.CLOSED:
        booked = followup_sel.complaint_followup_booked(complaint_id=c.pk)
        if booked is not None:
            return _("已结案；已预约 %(day)s 由 %(who)s 回访") % {
                "day": booked.due_on.isoformat(),
                "who": str(booked.owner) if booked.owner_id else "—",
            }
        return _("已结案")
    return _("已转到「%(s)s」") % {"s": bilingual(Stage(c.stage).label)}


def _complaint_action(request: HttpRequest, c, action: str) -> None:
    post = request.POST
    if action == "advance":
        to = post.get("to", "")
        version = int(post["version"]) if post.get("version", "").isdigit() else None
        done = complaint_svc.complaint_advance(
            actor=request.user,
            complaint=c,
            to=to,
            fields=_posted_fields(request, workflow.step(c.stage, to, c.outcome)),
            version=version,
        )
        for w in getattr(done, "wording_warnings", []):  # saved, with the warning
            messages.warning(request, message(w))
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
