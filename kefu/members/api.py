"""/api/v1/members: the club's levels, a customer's membership (level, card, benefits used,
points and ledger), and joining, renewing, upgrading, using a benefit and adjusting points
(R-9.1)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kefu.core.api import ERRORS, Id
from kefu.customers import selectors as customer_sel
from kefu.members import selectors as sel
from kefu.members import services as svc

router = Router(tags=["members 会员"])


class LevelOut(Schema):
    code: str
    name: str
    rank: int
    customer_level: str
    min_spend: float
    min_years: int
    card_months: int
    points_per_visit: int
    points_per_activity: int
    benefits: list[dict]


class BenefitOut(Schema):
    code: str
    name: str
    kind: str
    value: float | None = None
    per_year: int | None = None
    points: int
    used: int = Field(..., description="this year")
    left: int | None = Field(None, description="this year, when limited")


class LedgerOut(Schema):
    at: dt.datetime
    kind: str
    points: int
    reason: str


class MemberOut(Schema):
    card_no: str
    level: str
    level_code: str
    status: str
    joined_on: dt.date
    expires_on: dt.date
    club: bool
    points: int = Field(..., description="the balance: the ledger's sum")
    benefits: list[BenefitOut]
    ledger: list[LedgerOut] = Field(..., description="the latest 20 lines")


class JoinIn(Schema):
    level: str = Field(..., max_length=32)
    club: bool = False


class UpgradeIn(Schema):
    level: str = Field(..., max_length=32)


class RedeemIn(Schema):
    benefit: str = Field(..., max_length=32)
    note: str = Field("", max_length=200)


class AdjustIn(Schema):
    points: int = Field(..., ge=-100_000, le=100_000)
    reason: str = Field(..., max_length=200)


class UseOut(Schema):
    benefit: str
    name: str
    points: int
    used_on: dt.date


def _customer(request: HttpRequest, customer_id: int):  # type: ignore[no-untyped-def]
    return customer_sel.customer_by_id(user=request.user, customer_id=customer_id)


def _summary(request: HttpRequest, customer_id: int) -> dict | None:
    return sel.member_summary(_customer(request, customer_id))


@router.get("/levels", response={200: list[LevelOut], **ERRORS}, summary="Levels 会员等级")
def level_list(request: HttpRequest, limit: int = Query(50, ge=1, le=100)):
    return [{**{k: getattr(lv, k) for k in LevelOut.model_fields if k != "benefits"},
             "benefits": lv.benefits} for lv in sel.levels()[:limit]]  # fmt: skip


@router.get("/{customer_id}", response={200: MemberOut | None, **ERRORS},
            summary="A customer's membership 会员信息")  # fmt: skip
def member_get(request: HttpRequest, customer_id: Id):
    """null: the customer never joined."""
    return _summary(request, customer_id)


@router.post("/{customer_id}/join", response={200: MemberOut, **ERRORS}, summary="Join 入会")
def member_join(request: HttpRequest, customer_id: Id, payload: JoinIn):
    svc.member_join(actor=request.user, customer=_customer(request, customer_id),
                    data=payload.dict())  # fmt: skip
    return _summary(request, customer_id)


@router.post("/{customer_id}/renew", response={200: MemberOut, **ERRORS}, summary="Renew 续期")
def member_renew(request: HttpRequest, customer_id: Id):
    svc.member_renew(actor=request.user, customer=_customer(request, customer_id))
    return _summary(request, customer_id)


@router.post("/{customer_id}/upgrade", response={200: MemberOut, **ERRORS},
             summary="Upgrade 升级")  # fmt: skip
def member_upgrade(request: HttpRequest, customer_id: Id, payload: UpgradeIn):
    svc.member_upgrade(actor=request.user, customer=_customer(request, customer_id),
                       level_code=payload.level)  # fmt: skip
    return _summary(request, customer_id)


@router.post("/{customer_id}/redeem", response={200: UseOut, **ERRORS},
             summary="Use a benefit 使用权益")  # fmt: skip
def member_redeem(request: HttpRequest, customer_id: Id, payload: RedeemIn):
    use = svc.benefit_redeem(actor=request.user, customer=_customer(request, customer_id),
                             data=payload.dict())  # fmt: skip
    return {"benefit": use.benefit, "name": use.name, "points": use.points,
            "used_on": use.used_on}  # fmt: skip


@router.post("/{customer_id}/points", response={200: MemberOut, **ERRORS},
             summary="Adjust points 调整积分")  # fmt: skip
def member_points(request: HttpRequest, customer_id: Id, payload: AdjustIn):
    """Team leads and above, with a reason; never below zero."""
    svc.points_adjust(actor=request.user, customer=_customer(request, customer_id),
                      data=payload.dict())  # fmt: skip
    return _summary(request, customer_id)
