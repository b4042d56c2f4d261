"""/api/v1/privacy: a person's requests under PIPL — their data exported as one JSON
document, or erased where no legal hold applies — the log of those requests, and what the
retention policy cleared (R-11.3). For those who may export customers (managers, the GM)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kefu.core.api import ERRORS
from kefu.core.services import center_settings
from kefu.setup import privacy

router = Router(tags=["privacy 个人信息"])


class RequestIn(Schema):
    reason: str = Field(..., description="the person's request and its basis (1–500)")


class EraseIn(RequestIn):
    confirm_number: str = Field(..., description="the customer's number again: no slip erases")


class PrivacyRequestOut(Schema):
    id: int
    kind: str
    customer_id: int
    number: str
    reason: str
    user: str
    counts: dict
    created_at: str


class RetentionOut(Schema):
    policy: dict
    runs: list[dict]


@router.post("/customers/{customer_id}/export", response={200: dict, **ERRORS},
             summary="Export one person's data 导出个人信息")  # fmt: skip
def export(request: HttpRequest, customer_id: int, payload: RequestIn):
    """Everything held about the customer, record by record; logged."""
    return privacy.person_export(actor=request.user, customer_id=customer_id,
                                 reason=payload.reason)  # fmt: skip


@router.post("/customers/{customer_id}/erase", response={200: dict, **ERRORS},
             summary="Erase one person's data 删除个人信息")  # fmt: skip
def erase(request: HttpRequest, customer_id: int, payload: EraseIn):
    """Clear the person's data everywhere (409 naming the legal hold: an open complaint or
    work order); returns how many records of each kind were cleared; logged."""
    counts = privacy.person_erase(actor=request.user, customer_id=customer_id,
                                  reason=payload.reason,
                                  confirm_number=payload.confirm_number)  # fmt: skip
    return {"erased": True, "counts": counts}


@router.get("/requests", response={200: list[PrivacyRequestOut], **ERRORS},
            summary="The privacy requests handled 请求记录")  # fmt: skip
def requests(request: HttpRequest, limit: int = Query(50, ge=1, le=500)):
    return [
        {"id": r.id, "kind": r.kind, "customer_id": r.customer_id, "number": r.number,
         "reason": r.reason, "user": r.user.username, "counts": r.counts,
         "created_at": r.created_at.isoformat()}
        for r in privacy.privacy_requests(actor=request.user, limit=limit)
    ]  # fmt: skip


@router.get("/retention", response={200: RetentionOut, **ERRORS},
            summary="The retention policy and what it cleared 保留策略")  # fmt: skip
def retention(request: HttpRequest, limit: int = Query(50, ge=1, le=500)):
    runs = privacy.retention_runs(actor=request.user, limit=limit)
    policy = center_settings()
    return {
        "policy": {"contacts_months": policy.retain_contacts_months,
                   "recordings_months": policy.retain_recordings_months,
                   "messages_months": policy.retain_messages_months},
        "runs": [{"kind": r.kind, "cutoff": r.cutoff.isoformat(), "cleared": r.cleared,
                  "ran_at": r.ran_at.isoformat()} for r in runs],
    }  # fmt: skip
