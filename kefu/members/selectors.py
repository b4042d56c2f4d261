"""Reads of membership (R-9.1): what the customer page shows — level, card, dates, the
club, each benefit with its use this year, the points balance and the latest ledger lines."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from kefu.core.inputs import choice_label
from kefu.customers.models import Customer
from kefu.members import choices as ch
from kefu.members.models import BenefitUse, MemberLevel, Membership, PointsEntry

LEDGER_LINES = 20


def levels() -> list[MemberLevel]:
    return list(MemberLevel.objects.filter(active=True).order_by("rank"))


def membership_of(customer: Customer) -> Membership | None:
    return Membership.objects.select_related("level").filter(customer=customer).first()


def member_summary(customer: Customer) -> dict[str, Any] | None:
    """None for a customer who never joined."""
    m = membership_of(customer)
    if m is None:
        return None
    year = timezone.localdate().year
    used = dict(BenefitUse.objects.filter(membership=m, used_on__year=year)
                .values("benefit").annotate(n=Count("pk")).values_list("benefit", "n"))  # fmt: skip
    benefits = []
    for b in m.level.benefits:
        kind = b.get("kind", "")
        per_year = b.get("per_year")
        benefits.append({
            "code": b.get("code", ""), "name": b.get("name", ""),
            "kind": choice_label(ch.BenefitKind(kind).label) if kind in ch.BenefitKind.values
            else kind,
            "value": b.get("value"), "per_year": per_year, "points": b.get("points") or 0,
            "used": used.get(b.get("code"), 0),
            "left": max(int(per_year) - used.get(b.get("code"), 0), 0) if per_year else None,
        })  # fmt: skip
    entries = PointsEntry.objects.filter(customer=customer)
    balance = entries.aggregate(n=Sum("points"))["n"] or 0
    kinds = dict(ch.PointsKind.choices)
    latest = entries.order_by("-at", "-pk")[:LEDGER_LINES]
    ledger = [{"at": e.at, "kind": choice_label(kinds.get(e.kind, e.kind)), "points": e.points,
               "reason": e.reason} for e in latest]  # fmt: skip
    today = timezone.localdate()
    higher = [lv for lv in levels() if lv.rank > m.level.rank]
    return {
        "card_no": m.card_no, "level": m.level.name, "level_code": m.level.code,
        "status": m.status, "status_label": choice_label(m.get_status_display()),
        "joined_on": m.joined_on, "expires_on": m.expires_on,
        "days_left": (m.expires_on - today).days, "club": m.club, "benefits": benefits,
        "points": balance, "ledger": ledger,
        "higher": [(lv.code, lv.name) for lv in higher],
        "uses": [{"name": u.name, "used_on": u.used_on, "points": u.points, "note": u.note}
                 for u in m.uses.order_by("-at")[:10]],
    }  # fmt: skip
