"""Demo complaints at every stage of the loop, made through the services like real ones."""

from __future__ import annotations

from kefu.accounts.models import User
from kefu.complaints.choices import Stage as S
from kefu.complaints.services import (
    complaint_advance,
    complaint_create,
    proposal_add,
    proposal_decide,
)
from kefu.customers.models import Customer

STORIES = [
    ("保养后发动机异响，服务顾问态度冷淡", "免费检修并道歉", "repair_quality", S.CLOSED),
    ("新车交付时缺少备胎工具包", "尽快补齐", "delivery", S.IMPLEMENTATION),
    ("销售顾问承诺的精品未安装", "兑现承诺", "service_attitude", S.SOLUTION),
    ("钣喷后车门色差明显", "重新喷漆", "repair_quality", S.INVESTIGATION),
    ("维修报价比电话里说的高", "按原报价结算", "price", S.JUDGMENT),
    ("在其他店购买的配件要求我店保修", "免费保修", "other", "invalid"),
]


def demo_complaints(*, handler: User, lead: User) -> int:
    """Six complaints from demo customers, one at each point of the loop."""
    customers = list(Customer.objects.order_by("id")[: len(STORIES)])
    for customer, (content, demand, cls, until) in zip(customers, STORIES, strict=False):
        c = complaint_create(
            actor=handler,
            data={"customer_id": customer.pk, "content": content, "demand": demand},
        )
        if until == "invalid":
            complaint_advance(
                actor=handler,
                complaint=c,
                to=S.CLOSED,
                fields={"explanation": "配件非本店售出，已耐心说明保修政策并提供购买渠道"},
            )
            continue
        steps = [
            (
                S.INVESTIGATION,
                {"department": "service", "promised_days": 3, "demand_reasonable": True},
            ),
            (
                S.SOLUTION,
                {"root_cause": content, "responsible_person": "冯工", "complaint_class": cls},
            ),
            (S.IMPLEMENTATION, {}),
            (S.REVIEW, {"customer_accepted": True, "acceptance": "顾客电话确认接受"}),
            (S.CLOSED, {"evaluation": "按时解决", "improvement": "纳入每周质量例会"}),
        ]
        for to, fields in steps:
            if c.stage == until:
                break
            if to == S.IMPLEMENTATION:
                p = proposal_add(
                    actor=handler,
                    complaint=c,
                    data={"text": f"{demand}，并赠送一次保养", "compensation_amount": "300"},
                )
                proposal_decide(actor=lead, proposal=p, approve=True)
            c = complaint_advance(actor=handler, complaint=c, to=to, fields=fields)
    return len(customers)
