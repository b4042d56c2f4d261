"""Every write on the customer archive. Each runs in one transaction and records who did it.

History rows come from django-simple-history; services set `_history_user` so the API and
the CLI are attributed like the admin (which the history middleware covers).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.accounts.selectors import active_user
from kefu.core.audit import audit_as
from kefu.core.calendar import WorkCalendar
from kefu.core.errors import (
    Conflict,
    FieldError,
    PermissionDenied,
    ValidationFailed,
    invalid,
)
from kefu.core.services import center_settings, counter_reserve
from kefu.customers import choices as c
from kefu.customers.inputs import Cleaned, birthday_key, clean_asset, clean_customer
from kefu.customers.models import (
    Asset,
    AssetFile,
    Customer,
    CustomerPhone,
    DocumentType,
    FileDocument,
    PiiAccessLog,
    ProfileField,
    Tag,
)
from kefu.customers.reveal import customer_reveal  # noqa: F401  (the archive's one door)
from kefu.customers.validation import name_keys

CUSTOMER_FIELDS = (
    "name",
    "gender",
    "kind",
    "id_number",
    "birthday",
    "birthday_calendar",
    "birthday_key",
    "address",
    "email",
    "card_expires_on",
    "source",
    "level",
    "sms_opt_out",
    "phone_opt_out",
    "notes",
    "extra",
)


def customer_number_format(value: int) -> str:
    conf = settings.KEFU
    return f"{conf['CUSTOMER_NUMBER_PREFIX']}{value:0{conf['CUSTOMER_NUMBER_DIGITS']}d}"


def profile_field_map() -> dict[str, ProfileField]:
    return {f.key: f for f in ProfileField.objects.filter(active=True)}


def access_customer_for_edit(*, user: User, customer: Customer) -> None:
    """An agent edits the customers assigned to them; leads and managers edit any (R-0.4)."""
    if P.has_perm(user, P.EDIT_ANY_CUSTOMER):
        return
    if P.has_perm(user, P.EDIT_OWN_CUSTOMER) and customer.owner_id == user.id:
        return
    raise PermissionDenied(
        "只能修改分配给自己的客户", "You can edit only customers assigned to you"
    )


def _raise_if_errors(cleaned: Cleaned) -> None:
    if cleaned.errors:
        raise ValidationFailed(cleaned.errors)


def _tags(names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    for name in names:
        if name not in existing:
            existing[name] = Tag.objects.create(name=name)
    return [existing[n] for n in names]


def _apply_name(customer: Customer, name: str) -> None:
    customer.name = name
    customer.name_pinyin, customer.name_initials = name_keys(name)


def duplicate_warnings(*, phones=(), id_number: str = "", exclude_id: int | None = None):
    """Existing customers sharing a phone or the ID number (R-1.8 duplicate detection)."""
    warnings = []
    numbers = [p.number for p in phones]
    if numbers:
        qs = CustomerPhone.objects.filter(number__in=numbers, customer__status=c.Status.ACTIVE)
        if exclude_id:
            qs = qs.exclude(customer_id=exclude_id)
        for number, cust_no in qs.values_list("number", "customer__number")[:10]:
            warnings.append(
                FieldError(
                    "phones",
                    "duplicate_phone",
                    f"电话 {number[-4:]} 已属于客户 {cust_no}",
                    f"phone ending {number[-4:]} already belongs to {cust_no}",
                )
            )
    if id_number:
        same = Customer.objects.filter(id_number=id_number, status=c.Status.ACTIVE)
        if exclude_id:
            same = same.exclude(pk=exclude_id)
        for cust_no in same.values_list("number", flat=True)[:10]:
            warnings.append(
                FieldError(
                    "id_number",
                    "duplicate_id_number",
                    f"身份证号已属于客户 {cust_no}",
                    f"ID number already belongs to {cust_no}",
                )
            )
    return warnings


@transaction.atomic
def customer_create(*, actor: User, data: dict, assign: bool = True) -> tuple[Customer, list]:
    """Create a customer with phones (R-1.1); auto-assign an owner when none is given (R-1.7).

    Returns the customer and warnings (possible duplicates) that do not block creation.
    """
    require(actor, P.CREATE_CUSTOMER)
    cleaned = clean_customer(data, profile_fields=profile_field_map())
    _raise_if_errors(cleaned)
    v = cleaned.values
    warnings = cleaned.warnings + duplicate_warnings(
        phones=v["phones"], id_number=v.get("id_number", "")
    )
    customer = Customer(number=customer_number_format(counter_reserve(name="customer")))
    _apply_name(customer, v["name"])
    for key in CUSTOMER_FIELDS:
        if key in v and key != "name":
            setattr(customer, key, v[key])
    audit_as(customer, actor)
    customer.save()
    for i, phone in enumerate(v["phones"]):
        p = CustomerPhone(
            customer=customer,
            number=phone.number,
            last4=phone.last4,
            kind=phone.kind,
            is_primary=i == 0,
        )
        audit_as(p, actor)
        p.save()
    if v.get("tags"):
        customer.tags.set(_tags(v["tags"]))
    owner = data.get("owner")
    if owner:
        customer_assign(customer=customer, actor=actor, agent=owner, check=False)
    elif assign:
        customer_assign(customer=customer, actor=actor, check=False)
    return customer, warnings


def _lock(customer: Customer) -> Customer:
    return Customer.objects.select_for_update().get(pk=customer.pk)


@transaction.atomic
def customer_update(*, actor: User, customer: Customer, data: dict) -> tuple[Customer, list]:
    """Change some fields of a customer; phones given replace the list (history keeps the old)."""
    customer = _lock(customer)
    access_customer_for_edit(user=actor, customer=customer)
    cleaned = clean_customer(data, partial=True, profile_fields=profile_field_map())
    _raise_if_errors(cleaned)
    v = cleaned.values
    if "birthday_calendar" in v and "birthday" not in v and customer.birthday:
        v["birthday_key"] = birthday_key(customer.birthday, v["birthday_calendar"])
    if "name" in v:
        _apply_name(customer, v["name"])
    for key in CUSTOMER_FIELDS:
        if key in v and key != "name":
            if key == "extra":
                customer.extra = {**customer.extra, **v["extra"]}
            else:
                setattr(customer, key, v[key])
    audit_as(customer, actor)
    customer.save()
    warnings = cleaned.warnings
    if "phones" in v:
        warnings += duplicate_warnings(phones=v["phones"], exclude_id=customer.pk)
        _replace_phones(customer, v["phones"], actor)
    if "tags" in v:
        customer.tags.set(_tags(v["tags"]))
    return customer, warnings


def _replace_phones(customer: Customer, phones, actor: User) -> None:
    wanted = {p.number: p for p in phones}
    for old in customer.phones.all():
        if old.number not in wanted:
            audit_as(old, actor)
            old.delete()  # the historical row keeps it; phones are not an archive of their own
    existing = set(customer.phones.values_list("number", flat=True))
    for i, phone in enumerate(phones):
        if phone.number in existing:
            CustomerPhone.objects.filter(customer=customer, number=phone.number).update(
                is_primary=i == 0
            )
            continue
        p = CustomerPhone(
            customer=customer,
            number=phone.number,
            last4=phone.last4,
            kind=phone.kind,
            is_primary=i == 0,
        )
        audit_as(p, actor)
        p.save()


@transaction.atomic
def customer_set_status(
    *, actor: User, customer: Customer, status: str, reason: str = ""
) -> Customer:
    """Obsolete (废除) or reactivate; nothing is ever hard-deleted (R-0.3)."""
    customer = _lock(customer)
    access_customer_for_edit(user=actor, customer=customer)
    if status not in c.Status.values:
        raise ValidationFailed(
            FieldError(
                "status", "invalid_status", f"状态无效：{status}", f"Invalid status: {status}"
            )
        )
    customer.status = status
    audit_as(customer, actor, reason=reason or None)
    customer.save(update_fields=["status", "updated_at"])
    return customer


def pick_agent() -> User | None:
    """The agent with the fewest active customers per skill point (R-1.7).

    A level-5 agent carries five times the load of a level-1 agent before being picked again.
    """
    agents = (
        User.objects.filter(is_active=True, accepts_customers=True, role=Role.AGENT)
        .annotate(load=Count("customers", filter=Q(customers__status=c.Status.ACTIVE)))
        .values("id", "load", "skill_level")
    )
    best = min(
        agents, key=lambda a: ((a["load"] + 1) / max(a["skill_level"], 1), a["id"]), default=None
    )
    return User.objects.get(pk=best["id"]) if best else None


@transaction.atomic
def customer_assign(
    *, customer: Customer, actor: User, agent: User | str | None = None, check: bool = True
) -> Customer:
    """Give the customer an owner agent and start the first-contact clock (R-1.7)."""
    if check:
        require(actor, P.ASSIGN_CUSTOMERS)
    if isinstance(agent, str):
        agent = active_user(agent, field="owner")
    agent = agent or pick_agent()
    if agent is None:
        return customer
    now = timezone.now()
    customer.owner = agent
    customer.assigned_at = now
    customer.first_contact_due_at = now + dt.timedelta(hours=center_settings().first_contact_hours)
    customer.first_contacted_at = None
    audit_as(customer, actor)
    customer.save(
        update_fields=[
            "owner",
            "assigned_at",
            "first_contact_due_at",
            "first_contacted_at",
            "updated_at",
        ]
    )
    return customer


@transaction.atomic
def customer_mark_contacted(*, customer: Customer, actor: User, at: dt.datetime | None = None):
    """Record the owner's first contact (later issues call this from interactions)."""
    customer = _lock(customer)
    if customer.first_contacted_at is None:
        customer.first_contacted_at = at or timezone.now()
        audit_as(customer, actor)
        customer.save(update_fields=["first_contacted_at", "updated_at"])
    return customer


@transaction.atomic
def customer_verify(*, customer: Customer, actor: User, result: str, data: dict | None = None):
    """Mark a record verified, corrected (with the corrections) or obsolete (R-1.10)."""
    require(actor, P.VERIFY_CUSTOMERS)
    if result not in (c.Verification.VERIFIED, c.Verification.CORRECTED, c.Verification.OBSOLETE):
        raise ValidationFailed(
            FieldError(
                "result",
                "invalid_result",
                "核实结果须为 verified、corrected 或 obsolete",
                "result must be verified, corrected or obsolete",
            )
        )
    if result == c.Verification.CORRECTED:
        if not data:
            raise ValidationFailed(
                FieldError(
                    "data",
                    "required",
                    "更正需提供更正内容",
                    "a correction needs the corrected fields",
                )
            )
        customer, _ = customer_update(actor=actor, customer=customer, data=data)
    customer = _lock(customer)
    if result == c.Verification.OBSOLETE:  # obsolete is a status change: the editor's right
        access_customer_for_edit(user=actor, customer=customer)
    customer.verification = result
    customer.verified_at = timezone.now()
    customer.verified_by = actor
    if result == c.Verification.OBSOLETE:
        customer.status = c.Status.OBSOLETE
    audit_as(customer, actor)
    customer.save()
    return customer


@transaction.atomic
def customer_merge(*, target: Customer, source: Customer, actor: User) -> Customer:
    """Merge duplicate `source` into `target` (R-1.9), keeping all history.

    Every row that points at `source` (phones, assets, and whatever later apps add:
    interactions, tickets, follow-ups) is moved to `target`; `source` becomes obsolete
    with `merged_into` set, so old references and its history stay readable.
    """
    require(actor, P.MERGE_CUSTOMERS)
    if target.pk == source.pk:
        raise Conflict(
            FieldError(
                "source", "same_customer", "不能与自身合并", "cannot merge a customer into itself"
            )
        )
    target, source = _lock(target), _lock(source)
    if source.merged_into_id:
        raise Conflict(
            FieldError(
                "source",
                "already_merged",
                f"{source.number} 已被合并",
                f"{source.number} was already merged",
            )
        )
    target_numbers = set(target.phones.values_list("number", flat=True))
    for phone in source.phones.all():
        audit_as(phone, actor)
        if phone.number in target_numbers:
            phone.delete()
        else:
            phone.customer = target
            phone.is_primary = False
            phone.save()
    for rel in Customer._meta.related_objects:
        model = rel.related_model
        if (
            rel.one_to_many
            and model is not CustomerPhone
            and rel.field.name != "merged_into"
            and not model._meta.label.startswith("customers.Historical")
            and model is not PiiAccessLog
        ):
            for obj in model._default_manager.filter(**{rel.field.name: source}):
                setattr(obj, rel.field.name, target)
                audit_as(obj, actor)
                obj.save(update_fields=[rel.field.name])
    target.tags.add(*source.tags.all())
    for key in ("id_number", "birthday", "address", "source"):
        if not getattr(target, key) and getattr(source, key):
            setattr(target, key, getattr(source, key))
    target.extra = {**source.extra, **target.extra}
    if source.notes:
        target.notes = f"{target.notes}\n[合并自 {source.number}] {source.notes}".strip()
    audit_as(target, actor, reason=f"merged {source.number}")
    target.save()
    source.status = c.Status.OBSOLETE
    source.merged_into = target
    audit_as(source, actor, reason=f"merged into {target.number}")
    source.save(update_fields=["status", "merged_into", "updated_at"])
    return target


@transaction.atomic
def asset_create(*, actor: User, customer: Customer, data: dict) -> tuple[Asset, list]:
    """Add a vehicle, unit or order to a customer (R-1.3); a vehicle's VIN is unique."""
    access_customer_for_edit(user=actor, customer=customer)
    cleaned = clean_asset(data)
    _raise_if_errors(cleaned)
    v = cleaned.values
    if v.get("vin"):
        other = (
            Asset.objects.filter(vin=v["vin"], status=c.Status.ACTIVE)
            .select_related("customer")
            .first()
        )
        if other:
            raise ValidationFailed(
                FieldError(
                    "vin",
                    "duplicate_vin",
                    f"车架号已登记在客户 {other.customer.number} 名下",
                    f"VIN already on file for {other.customer.number}",
                )
            )
    asset = Asset(customer=customer, **v)
    audit_as(asset, actor)
    asset.save()
    if (
        asset.kind == c.AssetKind.VEHICLE
        and asset.delivered_on
        and DocumentType.objects.filter(file_kind=c.FileKind.SALES, active=True).exists()
    ):
        asset_file_open(
            actor=actor,
            asset=asset,
            kind=c.FileKind.SALES,
            opened_on=asset.delivered_on,
            responsible=asset.salesperson,
        )
    return asset, cleaned.warnings


def handover_workdays(kind: str) -> int:
    preset = center_settings().preset
    conf = (preset.config if preset else {}).get("file_handover_workdays", {})
    return int(conf.get(kind, 2 if kind == c.FileKind.SALES else 1))


@transaction.atomic
def asset_file_open(
    *,
    actor: User,
    asset: Asset,
    kind: str,
    opened_on: dt.date,
    reference_no: str = "",
    responsible: str = "",
    calendar: WorkCalendar | None = None,
) -> AssetFile:
    """Open the sales file (at delivery) or a repair file (at hand-back) with its checklist.

    The hand-over deadline counts working days (R-1.4, R-0.6): sales 2, repair 1 by default.
    """
    access_customer_for_edit(user=actor, customer=asset.customer)
    calendar = calendar or WorkCalendar()
    file = AssetFile(
        asset=asset,
        kind=kind,
        opened_on=opened_on,
        reference_no=reference_no,
        responsible=responsible,
        due_on=calendar.add_workdays(opened_on, handover_workdays(kind)),
    )
    audit_as(file, actor)
    file.save()
    FileDocument.objects.bulk_create(
        FileDocument(file=file, doc_type=t, required=t.required)
        for t in DocumentType.objects.filter(file_kind=kind, active=True)
    )
    return file


@transaction.atomic
def repair_file_for_event(
    *, asset: Asset, occurred_on: dt.date, reference_no: str = ""
) -> AssetFile | None:
    """一车两档, the repair half (R-1.4): a repair or maintenance hand-back opens the
    vehicle's repair file for that visit with its checklist (接车单, 派工单, 结算单, 例行检查单)
    and moves the vehicle's last repair date; the same visit again (same repair order
    number, or the same day) extends the file it opened instead of opening another.
    Called by the lifecycle events (the recorder of the event was allowed to record it)."""
    if (
        asset.kind != c.AssetKind.VEHICLE
        or not DocumentType.objects.filter(file_kind=c.FileKind.REPAIR, active=True).exists()
    ):
        return None
    if asset.last_repair_on is None or occurred_on > asset.last_repair_on:
        Asset.objects.filter(pk=asset.pk).update(last_repair_on=occurred_on)
    same = AssetFile.objects.filter(asset=asset, kind=c.FileKind.REPAIR)
    same = (
        same.filter(reference_no=reference_no)
        if reference_no
        else same.filter(opened_on=occurred_on, reference_no="")
    )
    found = same.first()
    if found is not None:
        return found
    calendar = WorkCalendar()
    file = AssetFile(
        asset=asset,
        kind=c.FileKind.REPAIR,
        opened_on=occurred_on,
        reference_no=reference_no[:40],
        due_on=calendar.add_workdays(occurred_on, handover_workdays(c.FileKind.REPAIR)),
    )
    file.save()
    FileDocument.objects.bulk_create(
        FileDocument(file=file, doc_type=t, required=t.required)
        for t in DocumentType.objects.filter(file_kind=c.FileKind.REPAIR, active=True)
    )
    return file


@transaction.atomic
def file_document_receive(*, actor: User, document: FileDocument, received_on: dt.date):
    """Tick a checklist line with the day the document reached CS (not after today, not
    before the file was opened); the file is complete when every required document is in,
    and late when that day is past the hand-over deadline (R-1.4)."""
    document = FileDocument.objects.select_for_update().get(pk=document.pk)
    access_customer_for_edit(user=actor, customer=document.file.asset.customer)
    if not document.file.opened_on <= received_on <= timezone.localdate():
        raise invalid(
            "received_on",
            "out_of_range",
            f"收到日期应在建档日 {document.file.opened_on} 与今天之间",
            f"The day received must be between {document.file.opened_on} and today",
        )
    document.received_on = received_on
    audit_as(document, actor)
    document.save(update_fields=["received_on"])
    file = AssetFile.objects.select_for_update().get(pk=document.file_id)
    received = [d.received_on for d in file.documents.filter(required=True)]
    if file.completed_on is None and all(received):
        file.completed_on = max((d for d in received if d is not None), default=received_on)
        audit_as(file, actor)
        file.save(update_fields=["completed_on"])
    return document


def preset_apply_customer_data(*, config: dict) -> None:
    """Create or update a preset's document types and profile fields (idempotent)."""
    for kind, docs in config.get("document_types", {}).items():
        for sort, (code, name) in enumerate(docs):
            DocumentType.objects.update_or_create(
                file_kind=kind, code=code, defaults={"name": name, "sort": sort, "active": True}
            )
    for sort, (group, key, label, ftype, options, searchable) in enumerate(
        config.get("profile_fields", [])
    ):
        ProfileField.objects.update_or_create(
            key=key,
            defaults={
                "group": group,
                "label": label,
                "field_type": ftype,
                "options": options,
                "searchable": searchable,
                "sort": sort,
            },
        )
    if "first_contact_hours" in config:
        setting = center_settings()
        setting.first_contact_hours = config["first_contact_hours"]
        setting.save(update_fields=["first_contact_hours"])
