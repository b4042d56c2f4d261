"""A person's requests under PIPL (个人信息保护法, R-11.3): everything the center holds about
one customer exported as one JSON document, or their personal data erased — the personal
parts of every record cleared, the records themselves kept, so the month's figures do not
change. Both are for those who may export customers (CS managers, the GM) and both are
logged (`PrivacyRequest`: who, when, the request and reason, what was touched).

Erasing is refused while a legal hold applies: an open complaint or work order (the case
and its evidence must be kept until it is closed). It cannot be undone: the history tables'
earlier versions of the cleared rows are deleted too.

Above every domain app (setup): it reads and clears each app's records of the person."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.core import serializers
from django.db import models, transaction
from django.db.models import Q

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.core.audit import audit_as
from kefu.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from kefu.customers.models import Customer, CustomerPhone, PiiAccessLog, PrivacyRequest

ERASED = "（已删除）"  # what a cleared name reads as in lists and reports
# The personal parts of each record that points at a customer: cleared on erasure. A
# string field becomes "", a JSON field {}, a date None. Records not named here (points,
# registrations, standings) hold no personal text.
# fmt: off
PERSONAL: dict[str, tuple[str, ...]] = {
    "customers.Asset": ("vin", "vin_last6", "plate", "building", "room", "extra"),
    "interactions.Interaction": ("caller_number", "contact_name", "subject", "content",
                                 "demand", "outcome", "search_words"),
    "interactions.CallbackTask": ("caller_number", "note", "result"),
    "tickets.WorkOrder": ("description", "result", "search_words"),
    "complaints.Complaint": ("complainant_name", "complainant_phone", "content", "demand",
                             "explanation", "acceptance", "evaluation", "search_words"),
    "followups.LifecycleEvent": ("attributes",),
    "followups.FollowUp": ("answers", "note", "search_words"),
    "care.Message": ("to", "body", "params"),
    "care.SmsSurvey": ("phone",),
    "outbound.CampaignCall": ("note",),
}
# fmt: on
# Records pointing at a customer that hold nothing personal to clear (codes, counts, a card
# number that identifies nothing once the customer is erased), or that are handled apart
# (phones deleted, replies cleared by number). A new relation must be named in one of the
# two: a test says so.
NOTHING_PERSONAL = {
    "activities.Registration",
    "members.Membership",
    "members.PointsEntry",
    "reports.CustomerStanding",
    "customers.PiiAccessLog",
    "customers.CustomerPhone",
    "care.InboundSms",
}  # fmt: skip
CUSTOMER_FIELDS = ("id_number", "address", "email", "notes", "extra", "birthday", "birthday_key")
REASON_MAX = 500


def _customer(customer_id: int) -> Customer:
    found = Customer.objects.filter(pk=customer_id).first()
    if found is None:
        raise NotFound(f"customer {customer_id}")
    return found


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValidationFailed(FieldError(
            "reason", "required" if not reason else "too_long",
            f"请写明请求与依据（1–{REASON_MAX} 字）",
            f"State the request and its basis (1–{REASON_MAX} characters)",
        ))  # fmt: skip
    return reason


def _relations() -> list[tuple[str, type[models.Model], str]]:
    """(label, model, field) of every record pointing at a customer, history tables aside."""
    out = []
    for rel in Customer._meta.get_fields(include_hidden=True):
        if not isinstance(rel, models.ForeignObjectRel) or rel.many_to_many:
            continue  # fields of its own, tags (exported beside)
        model = rel.related_model
        if model is None or model._meta.label.split(".")[-1].startswith("Historical"):
            continue
        if model is Customer or model is PrivacyRequest or model._meta.auto_created:
            continue  # merged files, the log itself, the tags' link table
        out.append((model._meta.label, model, rel.field.name))
    return sorted(out, key=lambda r: r[0])


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None  # files and binaries are not personal data here
    return value


def _rows(queryset: Any) -> list[dict[str, Any]]:
    return [
        {"id": row["pk"], **{k: _plain(v) for k, v in row["fields"].items()}}
        for row in serializers.serialize("python", queryset)
    ]


def person_export(
    *, actor: User, customer_id: int, reason: str, channel: str = "api"
) -> dict[str, Any]:
    """Everything held about one customer, record by record (the person's copy, 个人信息
    副本); logged as a privacy request and as an export of personal data."""
    require(actor, P.EXPORT_CUSTOMERS)
    reason = _reason(reason)
    customer = _customer(customer_id)
    records: dict[str, list[dict[str, Any]]] = {}
    for label, model, field in _relations():
        rows = _rows(model._base_manager.filter(**{field: customer}).order_by("pk"))
        if rows:
            records[label] = rows
    document = {
        "customer": _rows(Customer.objects.filter(pk=customer.pk))[0],
        "tags": list(customer.tags.values_list("name", flat=True)),
        "records": records,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    with transaction.atomic():
        PrivacyRequest.objects.create(
            kind="export", customer=customer, number=customer.number, reason=reason,
            user=actor, counts={k: len(v) for k, v in records.items()},
        )  # fmt: skip
        PiiAccessLog.objects.create(user=actor, action="export", customer=customer,
                                    fields="privacy", count=1, channel=channel)  # fmt: skip
    return document


def open_cases() -> tuple[Any, Any]:
    """Complaints not closed and work orders still open (the tickets' own `OPEN`): a legal
    hold on their people (erasure) and their contacts (retention)."""
    from kefu.complaints.choices import Stage
    from kefu.complaints.models import Complaint
    from kefu.tickets.models import WorkOrder
    from kefu.tickets.workflow import OPEN

    return Complaint.objects.exclude(stage=Stage.CLOSED), WorkOrder.objects.filter(status__in=OPEN)


def legal_holds(customer: Customer) -> list[FieldError]:
    """Why the person's data must be kept for now: open cases."""
    complaints, orders = open_cases()
    holds = []
    if n := complaints.filter(customer=customer).count():
        holds.append(FieldError("customer", "open_complaint", f"有 {n} 件未结案的投诉",
                                f"{n} open complaint(s)"))  # fmt: skip
    if n := orders.filter(customer=customer).count():
        holds.append(FieldError("customer", "open_work_order", f"有 {n} 张未完成的工单",
                                f"{n} open work order(s)"))  # fmt: skip
    return holds


def cleared(model: type[models.Model], names: tuple[str, ...]) -> dict[str, Any]:
    """The emptied values of these fields: "" for text, {} for JSON, None where allowed."""
    values: dict[str, Any] = {}
    for name in names:
        field = model._meta.get_field(name)
        if isinstance(field, models.JSONField):
            values[name] = {}
        elif field.null:
            values[name] = None
        else:
            values[name] = ""
    return values


def person_erase(
    *, actor: User, customer_id: int, reason: str, confirm_number: str | None = None
) -> dict[str, int]:
    """Clear the person's personal data everywhere (one transaction), unless a legal hold
    applies; returns how many records of each kind were cleared. `confirm_number` (the
    console and the API ask for it) must be the customer's number: no slip erases."""
    from django.apps import apps

    from kefu.care.models import InboundSms

    require(actor, P.EXPORT_CUSTOMERS)
    reason = _reason(reason)
    customer = _customer(customer_id)
    if confirm_number is not None and confirm_number.strip() != customer.number:
        raise ValidationFailed(FieldError(
            "confirm_number", "mismatch", "请再输入一次客户编号以确认删除",
            "Type the customer's number again to confirm",
        ))  # fmt: skip
    counts: dict[str, int] = {}
    with transaction.atomic():
        # the holds are read with the customer locked: a case opened meanwhile waits or wins
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if holds := legal_holds(customer):
            raise Conflict(holds)
        numbers = list(customer.phones.values_list("number", flat=True))
        for label, names in PERSONAL.items():
            model = apps.get_model(label)
            n = model._base_manager.filter(customer=customer).update(**cleared(model, names))
            if n:
                counts[label] = n
            if hasattr(model, "history"):  # earlier versions hold what was cleared
                model.history.filter(customer_id=customer.pk).delete()
        if n := customer.phones.count():
            counts["customers.CustomerPhone"] = n
        customer.phones.all().delete()
        CustomerPhone.history.filter(customer_id=customer.pk).delete()
        replies = InboundSms.objects.filter(Q(customer=customer) | Q(phone__in=numbers))
        counts["care.InboundSms"] = replies.update(phone="", text="")
        customer.history.filter(id=customer.pk).delete()
        for name, value in cleared(Customer, CUSTOMER_FIELDS).items():
            setattr(customer, name, value)
        customer.name = ERASED
        customer.sms_opt_out = customer.phone_opt_out = True  # nobody to send to, ever
        customer.tags.clear()
        audit_as(customer, actor, f"个人信息删除 PIPL erasure: {reason}"[:100])
        customer.save()
        counts = {k: v for k, v in counts.items() if v}
        PrivacyRequest.objects.create(kind="erase", customer=customer, number=customer.number,
                                      reason=reason, user=actor, counts=counts)  # fmt: skip
    return counts


def privacy_requests(*, actor: User, limit: int = 50) -> Any:
    require(actor, P.EXPORT_CUSTOMERS)
    return PrivacyRequest.objects.select_related("user").order_by("-created_at", "-id")[:limit]


def customer_by_number(*, actor: User, number: str) -> Customer | None:
    require(actor, P.EXPORT_CUSTOMERS)
    return Customer.objects.filter(number=number[:20]).first() if number else None


def retention_runs(*, actor: User, limit: int = 20) -> Any:
    """What the retention job cleared, newest first (the same readers as the requests)."""
    from kefu.core.models import RetentionRun

    require(actor, P.EXPORT_CUSTOMERS)
    return RetentionRun.objects.order_by("-ran_at", "-id")[:limit]
