"""Lifecycle events in (R-5.1): checking one (the apps that act on it may ask more of it,
hooks.py), recording it once (idempotent by the sender's id or its content), and scheduling
what the follow-up rules and the other apps' listeners say."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.core.errors import FieldError, ValidationFailed
from kefu.core.inputs import choice_error, parse_when, text_value
from kefu.core.services import center_settings
from kefu.customers.models import Asset
from kefu.customers.selectors import customer_named
from kefu.customers.services import repair_file_for_event
from kefu.followups import hooks
from kefu.followups.models import FollowUpRule, LifecycleEvent
from kefu.followups.services import schedule_event

# The events that hand a serviced vehicle back: each opens (or extends) its repair file.
REPAIR_EVENTS = {"repair_handed_back", "maintenance_done"}


def known_event_types() -> set[str]:
    """Event types of the active preset, plus those the rules and the system use."""
    setting = center_settings()
    types = {e["code"] for e in (setting.preset.config.get("events", []) if setting.preset else [])}
    types |= set(FollowUpRule.objects.values_list("event_type", flat=True))
    return types | hooks.extra_event_types()


def event_clean(data: dict) -> tuple[dict, list[FieldError]]:
    errors: list[FieldError] = []
    kind = str(data.get("type") or "").strip()
    known = known_event_types()
    if kind not in known:
        errors.append(choice_error("type", kind, sorted(known)))
    customer = customer_named(data.get("customer_id"), errors)
    asset = None
    if data.get("asset_id"):
        asset = Asset.objects.filter(pk=data["asset_id"]).first()
        if asset is None or (customer and asset.customer_id != customer.pk):
            errors.append(
                FieldError(
                    "asset_id",
                    "not_found",
                    "资产不存在或不属于该客户",
                    "No such asset for this customer",
                )
            )
    attributes = data.get("attributes") or {}
    if not isinstance(attributes, dict):
        errors.append(
            FieldError("attributes", "invalid", "attributes 应为对象", "attributes is an object")
        )
        attributes = {}
    external = text_value(data, "external_id", 64, errors)
    try:
        occurred = (
            parse_when(data["occurred_at"], field="occurred_at")
            if data.get("occurred_at")
            else timezone.now()
        )
    except ValidationFailed as exc:
        errors.extend(exc.errors)
        occurred = timezone.now()
    values = {
        "type": kind,
        "customer": customer,
        "asset": asset,
        "attributes": attributes,
        "occurred_at": occurred,
        "external": external,
    }
    if not errors:  # what other apps need of this event (hooks.py), e.g. a notice's date
        errors.extend(hooks.event_check(values))
    return values, errors


def _event_key(v: dict) -> str:
    if v["external"]:
        return f"ext:{v['type']}:{v['external']}"
    basis = f"{v['type']}:{v['customer'].pk}:{v['asset'].pk if v['asset'] else ''}:"
    basis += v["occurred_at"].isoformat()
    return "auto:" + hashlib.sha1(basis.encode()).hexdigest()


@transaction.atomic
def event_record(*, actor: User | None, data: dict) -> tuple[LifecycleEvent, bool]:
    """Record a lifecycle event and schedule what the rules say (R-5.1). Sending the same
    event again (same `external_id`, or same type, customer, asset and time) changes
    nothing and returns the first record. Returns (event, created)."""
    if actor is not None:
        require(actor, P.LOG_INTERACTIONS)
    v, errors = event_clean(data)
    if errors:
        raise ValidationFailed(errors)
    key = _event_key(v)
    existing = LifecycleEvent.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    event = LifecycleEvent.objects.create(
        type=v["type"],
        customer=v["customer"],
        asset=v["asset"],
        occurred_at=v["occurred_at"],
        attributes=v["attributes"],
        key=key,
        created_by=actor,
    )
    schedule_event(event)
    if event.type in REPAIR_EVENTS and event.asset is not None:  # 一车两档
        repair_file_for_event(
            asset=event.asset,
            occurred_on=timezone.localdate(event.occurred_at),
            reference_no=str(event.attributes.get("repair_order") or ""),
        )
    for listener in hooks.event_listeners():  # e.g. the care app's notices
        listener(event)
    return event, True
