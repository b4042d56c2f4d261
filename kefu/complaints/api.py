"""/api/v1/complaints: the complaint loop (R-4), thin doors over services and selectors."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import create_model

from kefu.complaints import selectors as sel
from kefu.complaints import services as svc
from kefu.complaints import transfer, workflow
from kefu.complaints.models import ComplaintProposal
from kefu.complaints.presenters import payload, proposal_waiting
from kefu.core.api import ERRORS, Id
from kefu.core.inputs import parse_when

router = Router(tags=["complaints 投诉"])


class ComplaintIn(Schema):
    customer_id: Id | None = None
    interaction_id: Id | None = None
    complainant_name: str = ""
    complainant_phone: str = ""
    channel: str | None = None
    received_at: str | None = None
    content: str = ""
    demand: str = ""
    handler: str | None = None


# The advance body is built from the workflow table: one optional field per field any step
# records, typed by its kind; which are required is the step's business (422 naming them).
_TYPES = {"days": int, "bool": bool, "confirm": bool}
AdvanceIn = create_model(
    "AdvanceIn",
    __base__=Schema,
    to=(str, ...),
    version=(int | None, None),
    **{
        name: (list[dict], []) if f.kind == "records" else (_TYPES.get(f.kind, str) | None, None)
        for name, f in workflow.FIELDS.items()
    },
)


class ReopenIn(Schema):
    reason: str


class ProposalIn(Schema):
    text: str
    compensation_amount: str = "0"
    version: int | None = None


class DecisionIn(Schema):
    note: str = ""


class ComplaintOut(Schema):
    id: int
    number: str
    stage: str
    stage_label: str
    outcome: str
    version: int
    allowed: list[str]
    customer_id: int | None
    customer_number: str | None
    interaction_id: int | None
    complainant_name: str
    complainant_phone: str
    channel: str
    received_at: dt.datetime
    content: str
    demand: str
    handler: str
    department: str | None
    promised_days: int | None
    valid: bool | None
    demand_reasonable: bool | None
    explanation: str
    root_cause: str
    responsible_person: str
    complaint_class: str
    acceptance: str
    customer_accepted_at: dt.datetime | None
    evaluation: str
    improvement: str
    stage_due_at: dt.datetime | None
    overdue: bool
    escalation_level: int
    reopen_count: int
    closed_at: dt.datetime | None
    stages: list[dict] = []
    proposals: list[dict] = []
    penalties: list[dict] = []
    compensations: list[dict] = []
    events: list[dict] = []
    followups: list[dict] = []
    warnings: list[dict] = Field([], description="forbidden phrases in what was just written")


def _full(request: HttpRequest, complaint_id: int) -> dict:
    return payload(sel.complaint_get(user=request.user, complaint_id=complaint_id), True)


@router.post("", response={201: ComplaintOut, **ERRORS}, summary="Register a complaint 受理投诉")
def create(request: HttpRequest, body: ComplaintIn):
    """R-4.1 受理: complainant, time, channel, content, demand — or `interaction_id` of the
    logged contact to take them from. The complaint then waits for 判断."""
    complaint = svc.complaint_create(actor=request.user, data=body.dict())
    return Status(201, _full(request, complaint.pk))


class ListParams(Schema):
    q: str = ""
    stage: str = ""
    complaint_class: str = ""
    department: str = ""
    handler: str = ""
    customer: Id | None = None
    since: str | None = None
    until: str | None = None
    overdue: bool = False
    limit: int = Field(100, ge=1, le=500)  # beyond it: 422 naming `limit`, never clamped


def _filters(params: ListParams) -> dict:
    return {
        "q": params.q,
        "stage": params.stage,
        "complaint_class": params.complaint_class,
        "department": params.department,
        "handler": params.handler,
        "customer_id": params.customer,
        "since": parse_when(params.since, field="since") if params.since else None,
        "until": parse_when(params.until, field="until") if params.until else None,
        "overdue": params.overdue,
    }


class WaitingOut(Schema):
    id: int
    complaint_id: int
    complaint_number: str
    complainant_name: str
    complaint_content: str
    text: str
    compensation_amount: str
    proposed_by: str | None
    proposed_at: dt.datetime
    waited_hours: float
    approver_role: str
    approver_role_label: str
    may_decide: bool
    own: bool


class WaitingQuery(Schema):
    limit: int = Field(200, ge=1, le=200)


@router.get(
    "/approvals",
    response={200: list[WaitingOut], **ERRORS},
    summary="Waiting for approval 待我审批",
)
def approvals(request: HttpRequest, params: Query[WaitingQuery]):
    """Issue 11: proposals waiting for a decision, longest waiting first (at most 200), for
    whoever may approve complaints. `may_decide` says whether the caller's authority covers
    the row; otherwise `approver_role` names who must approve it (R-4.3)."""
    limits = svc.approval_limits()
    return [
        proposal_waiting(p, request.user, limits)
        for p in sel.proposals_waiting(user=request.user)[: params.limit]
    ]


@router.get("", response={200: list[ComplaintOut], **ERRORS}, summary="Complaint archive 投诉档案")
def list_complaints(request: HttpRequest, params: Query[ListParams]):
    """R-4.4: search by TS number, phone (or last 4 digits), name or words of the content;
    filter by `stage` (`open` for every open stage), class, department, handler, customer,
    received `since`/`until`, `overdue`."""
    rows = sel.complaints(user=request.user, **_filters(params))
    return [payload(c) for c in rows[: params.limit]]


@router.get("/export", response={200: None, **ERRORS}, summary="Export complaints 导出投诉档案")
def export(request: HttpRequest, params: Query[ListParams]):
    """R-4.4: the archive (same filters as the list) as CSV with every stage's record;
    phones stay masked. Managers and the GM; the export is logged (R-0.5)."""
    data = transfer.complaints_export(actor=request.user, filters=_filters(params))
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="complaints.csv"'
    return response


@router.get(
    "/reports/classification",
    response={200: dict, **ERRORS},
    summary="Complaint classification statistics 顾客投诉分类统计表",
)
def classification(request: HttpRequest, since: str | None = None, until: str | None = None):
    """Complaints received in [since, until) by class and by responsible department (total,
    valid, invalid, open, closed, reopened, overdue, average days to close, compensation),
    and the average hours per stage with how many were late (R-4.1 总结, R-8.1)."""
    return sel.classification(
        user=request.user,
        since=parse_when(since, field="since") if since else None,
        until=parse_when(until, field="until") if until else None,
    )


@router.get("/{int:complaint_id}", response={200: ComplaintOut, **ERRORS})
def get_complaint(request: HttpRequest, complaint_id: int):
    """A complaint with every stage's record (who, when, what), proposals, penalties,
    compensations, its timeline and its follow-ups."""
    return _full(request, complaint_id)


@router.post(
    "/{int:complaint_id}/advance",
    response={200: ComplaintOut, **ERRORS},
    description=workflow.describe(),  # the same table the service checks
)
def advance(request: HttpRequest, complaint_id: int, body: AdvanceIn):
    complaint = sel.complaint_get(user=request.user, complaint_id=complaint_id)
    done = svc.complaint_advance(
        actor=request.user,
        complaint=complaint,
        to=body.to,
        fields=body.dict(exclude={"to", "version"}),
        version=body.version,
    )
    warned = [w.as_dict() for w in getattr(done, "wording_warnings", [])]
    return {**_full(request, complaint_id), "warnings": warned}


@router.post("/{int:complaint_id}/reopen", response={200: ComplaintOut, **ERRORS})
def reopen(request: HttpRequest, complaint_id: int, body: ReopenIn):
    """R-4.2: the customer is not satisfied after all — an invalid complaint is judged
    again, a resolved one investigated again."""
    complaint = sel.complaint_get(user=request.user, complaint_id=complaint_id)
    svc.complaint_reopen(actor=request.user, complaint=complaint, reason=body.reason)
    return _full(request, complaint_id)


@router.post("/{int:complaint_id}/proposals", response={200: ComplaintOut, **ERRORS})
def propose(request: HttpRequest, complaint_id: int, body: ProposalIn):
    """R-4.1 方案: add a proposal with its compensation; above the team lead's limit the
    complaint escalates to whoever may approve it (R-4.3)."""
    complaint = sel.complaint_get(user=request.user, complaint_id=complaint_id)
    svc.proposal_add(
        actor=request.user,
        complaint=complaint,
        data=body.dict(exclude={"version"}),
        version=body.version,
    )
    return _full(request, complaint_id)


def _proposal(request: HttpRequest, complaint_id: int, proposal_id: int) -> ComplaintProposal:
    complaint = sel.complaint_get(user=request.user, complaint_id=complaint_id)
    return sel.proposal_get(complaint=complaint, proposal_id=proposal_id)


@router.post(
    "/{int:complaint_id}/proposals/{int:proposal_id}/approve",
    response={200: ComplaintOut, **ERRORS},
)
def approve(request: HttpRequest, complaint_id: int, proposal_id: int, body: DecisionIn):
    """A supervisor approves one proposal within their authority; the others are set aside."""
    proposal = _proposal(request, complaint_id, proposal_id)
    svc.proposal_decide(actor=request.user, proposal=proposal, approve=True, note=body.note)
    return _full(request, complaint_id)


@router.post(
    "/{int:complaint_id}/proposals/{int:proposal_id}/reject",
    response={200: ComplaintOut, **ERRORS},
)
def reject(request: HttpRequest, complaint_id: int, proposal_id: int, body: DecisionIn):
    """A supervisor rejects a proposal, saying why (`note`)."""
    proposal = _proposal(request, complaint_id, proposal_id)
    svc.proposal_decide(actor=request.user, proposal=proposal, approve=False, note=body.note)
    return _full(request, complaint_id)
