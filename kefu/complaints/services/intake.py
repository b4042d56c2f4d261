"""受理 (R-4.1 stage 1): a complaint registered by hand, from a logged contact (R-2.3) or from
an unsatisfied follow-up item (R-5.4)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.accounts.selectors import active_user
from kefu.complaints import choices as ch
from kefu.complaints.models import (
    Complaint,
    ComplaintStageRecord,
)
from kefu.complaints.services.common import (
    TEXT,
    S,
    _enter,
    _event,
    _notify,
    _open_record,
    _save,
)
from kefu.core.audit import audit_as
from kefu.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from kefu.core.inputs import choice_error, parse_when, text_value
from kefu.core.services import counter_reserve
from kefu.customers.selectors import customer_named
from kefu.customers.validation import normalize_phone
from kefu.interactions.choices import Channel, Routing
from kefu.interactions.models import Interaction


@transaction.atomic
def complaint_create(
    *, actor: User, data: dict, interaction: Interaction | None = None
) -> Complaint:
    """受理 (R-4.1 stage 1): who complains, when, by which channel, about what, asking what.
    From a logged contact the intake is taken from it (R-2.3); the complaint then waits for
    判断 with the stage's time limit running."""
    require(actor, P.HANDLE_COMPLAINTS)
    errors: list[FieldError] = []
    if interaction is None and data.get("interaction_id"):
        interaction = Interaction.objects.filter(pk=data["interaction_id"]).first()
        if interaction is None:
            errors.append(
                FieldError(
                    "interaction_id",
                    "not_found",
                    f"接待记录不存在：{data['interaction_id']}",
                    f"No interaction {data['interaction_id']}",
                )
            )
    source = interaction
    customer = source.customer if source else None
    if data.get("customer_id"):
        customer = customer_named(data["customer_id"], errors)
    channel = data.get("channel") or (source.channel if source else Channel.INBOUND_CALL)
    if channel not in Channel.values:
        errors.append(choice_error("channel", channel, Channel.values))
    content = text_value(data, "content", 20000, errors) or (source.content if source else "")
    if not content:
        errors.append(FieldError("content", "required", "请填写投诉内容", "content is required"))
    demand = text_value(data, "demand", TEXT, errors) or (source.demand if source else "")
    name = (
        text_value(data, "complainant_name", 64, errors)
        or (source.contact_name if source else "")
        or (customer.name if customer else "")
        or ("未留姓名 anonymous" if source and source.caller_number else "")
    )
    if not name:
        errors.append(
            FieldError(
                "complainant_name",
                "required",
                "请填写投诉人或选择客户",
                "a complainant name or a customer is required",
            )
        )
    phone = str(data.get("complainant_phone") or "").strip()
    try:
        if phone:
            phone = normalize_phone(phone, field="complainant_phone").number
        elif source:
            phone = source.caller_number
        handler = active_user(data.get("handler"), field="handler") or actor
        received_at = (
            parse_when(data["received_at"], field="received_at")
            if data.get("received_at")
            else (source.occurred_at if source else timezone.now())
        )
    except ValidationFailed as exc:
        raise ValidationFailed(errors + exc.errors) from exc
    if not P.has_perm(handler, P.HANDLE_COMPLAINTS):
        errors.append(
            FieldError(
                "handler",
                "not_a_handler",
                f"{handler} 不能担任投诉经办人",
                f"{handler} may not handle complaints",
            )
        )
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        errors.append(
            FieldError(
                "received_at", "in_future", "受理时间不能晚于现在", "received_at is in the future"
            )
        )
    if errors:
        raise ValidationFailed(errors)
    if source is not None:
        source = Interaction.objects.select_for_update().get(pk=source.pk)
        if Complaint.objects.filter(interaction=source).exists():
            raise Conflict(
                FieldError(
                    "interaction_id",
                    "already_a_complaint",
                    "该接待记录已登记为投诉",
                    "This interaction is already a complaint",
                )
            )
    now = timezone.now()
    complaint = Complaint(
        number=f"TS{counter_reserve(name='complaint'):08d}",
        customer=customer,
        interaction=source,
        complainant_name=name,
        complainant_phone=phone,
        channel=channel,
        received_at=received_at,
        content=content,
        demand=demand,
        handler=handler,
        created_by=actor,
        version=0,
    )
    _enter(complaint, S.JUDGMENT, now)
    _save(complaint, actor)
    ComplaintStageRecord.objects.create(
        complaint=complaint,
        stage=S.INTAKE,
        entered_at=received_at,
        completed_at=now,
        completed_by=actor,
        to_stage=S.JUDGMENT,
        data={"complainant": name, "channel": channel, "content": content, "demand": demand},
    )
    _open_record(complaint)
    _event(complaint, ch.EventKind.CREATED, actor, to_stage=S.JUDGMENT)
    if source is not None and source.routing != Routing.DONE:
        source.routing = Routing.DONE
        audit_as(source, actor)
        source.save(update_fields=["routing"])
    if handler != actor:
        _notify([handler], f"新投诉待判断：{complaint.number} {name}", complaint)
    return complaint


def interaction_route(
    *, interaction: Interaction, actor: User, department: str | None
) -> list[FieldError]:
    """A complaint call or visit becomes a complaint at once (R-2.3; registered in apps.py);
    when it cannot (the agent may not take complaints), the contact waits, with the reason."""
    try:
        complaint_create(actor=actor, data={}, interaction=interaction)
    except (ValidationFailed, PermissionDenied) as exc:
        return list(exc.errors)
    interaction.refresh_from_db(fields=["routing"])
    return []


def complaint_raise(*, actor: User, followup, department: str, text: str) -> Complaint:
    """An unsatisfied follow-up item that the script marks as a complaint (R-5.4)."""
    customer = followup.customer
    complaint = complaint_create(
        actor=actor,
        data={
            "customer_id": customer.pk if customer else None,
            "channel": "outbound_call",
            "content": text,
        },
    )
    complaint.source_followup = followup
    audit_as(complaint, actor)
    complaint.save(update_fields=["source_followup"])
    return complaint
