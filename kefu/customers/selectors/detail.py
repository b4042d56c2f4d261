"""One customer: cards, details with assets and files, the screen pop (R-1.6), masked
personal data (R-0.5)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.core.errors import FieldError, NotFound, PermissionDenied
from kefu.customers import choices as c
from kefu.customers.models import (
    Asset,
    AssetFile,
    Customer,
    CustomerPhone,
    FileDocument,
    ProfileField,
)
from kefu.customers.validation import (
    mask_address,
    mask_email,
    mask_id_number,
    mask_phone,
    plain,
)


def customer_cards(ids: list[int], matched: dict[int, str] | None = None) -> list[dict]:
    """What a result card shows, in the order of `ids`: three narrow queries, no model
    instances (the search's hot path), personal data masked (R-0.5)."""
    if not ids:
        return []
    rows = Customer.objects.filter(id__in=ids).values(
        "id",
        "number",
        "name",
        "gender",
        "level",
        "status",
        "owner__username",
        "owner__display_name",
    )
    cards: dict[int, dict[str, Any]] = {
        r["id"]: {
            "id": r["id"],
            "number": r["number"],
            "name": r["name"],
            "gender": r["gender"],
            "level": r["level"],
            "level_label": c.Level(r["level"]).label if r["level"] in c.Level.values else "",
            "status": r["status"],
            "owner": r["owner__display_name"] or r["owner__username"],
            "phones": [],
            "plates": [],
            "vins": [],
            "matched": (matched or {}).get(r["id"], ""),
        }
        for r in rows
    }
    for cid, number in (
        CustomerPhone.objects.filter(customer_id__in=ids)
        .order_by("-is_primary", "id")
        .values_list("customer_id", "number")
    ):
        cards[cid]["phones"].append(mask_phone(number))
    for cid, plate, vin in (
        Asset.objects.filter(customer_id__in=ids, status=c.Status.ACTIVE)
        .order_by("id")
        .values_list("customer_id", "plate", "vin")
    ):
        if plate:
            cards[cid]["plates"].append(plate)
        if vin:
            cards[cid]["vins"].append(vin)
    return [cards[i] for i in ids if i in cards]


@dataclass
class CustomerDetail:
    """A customer with what its file page and the screen pop show, loaded by a few narrow
    queries (`load_details`) rather than the prefetch machinery: the screen pop is the
    hottest read of the system and must stay within its 15 ms."""

    customer: Customer
    phones: list[str] = field(default_factory=list)  # full numbers, primary first
    tags: list[str] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    files: dict[int, list[AssetFile]] = field(default_factory=dict)  # by asset id; f.docs


def _file_docs(file_ids: list[int]) -> dict[int, list[dict]]:
    docs: dict[int, list[dict]] = {}
    rows = (
        FileDocument.objects.filter(file_id__in=file_ids)
        .order_by("doc_type__sort", "id")
        .values_list("file_id", "doc_type__code", "doc_type__name", "required", "received_on")
    )
    for file_id, code, name, required, received_on in rows:
        docs.setdefault(file_id, []).append(
            {"code": code, "name": name, "required": required, "received_on": received_on}
        )
    return docs


def asset_files(asset_ids: list[int]) -> list[AssetFile]:
    """Vehicle files of the assets, each with its checklist as `docs` (R-1.4)."""
    files = list(AssetFile.objects.filter(asset_id__in=asset_ids).order_by("id"))
    docs = _file_docs([f.id for f in files]) if files else {}
    for f in files:
        setattr(f, "docs", docs.get(f.id, []))  # noqa: B010 - read by file_state's callers
    return files


def _phones_and_tags(ids: list[int]) -> list[tuple[int, str, str]]:
    """Phones (primary first) and tag names of the customers in one hand-written query:
    the screen pop's hot path, where two ORM queries cost ~1 ms of compilation."""
    if not ids:
        return []
    phone = CustomerPhone._meta.db_table
    through = Customer.tags.through._meta.db_table
    tag = Customer.tags.field.related_model._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT customer_id, 'phone', number, CASE WHEN is_primary THEN 0 ELSE 1 END, id "
        f"FROM {phone} WHERE customer_id IN ({marks}) "
        f"UNION ALL SELECT l.customer_id, 'tag', t.name, 0, t.id FROM {through} l "
        f"JOIN {tag} t ON t.id = l.tag_id WHERE l.customer_id IN ({marks}) "
        f"ORDER BY 1, 2, 4, 5"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [*ids, *ids])
        return [(cid, kind, text) for cid, kind, text, _, _ in cur.fetchall()]


def load_details(customers: list[Customer]) -> list[CustomerDetail]:
    ids = [cu.id for cu in customers]
    details = {cu.id: CustomerDetail(cu) for cu in customers}
    for cid, kind, text in _phones_and_tags(ids):
        (details[cid].phones if kind == "phone" else details[cid].tags).append(text)
    assets = list(Asset.objects.filter(customer_id__in=ids).order_by("id"))
    owner_of = {}
    for asset in assets:
        details[asset.customer_id].assets.append(asset)
        owner_of[asset.id] = asset.customer_id
    for f in asset_files(list(owner_of)) if assets else []:
        details[owner_of[f.asset_id]].files.setdefault(f.asset_id, []).append(f)
    return [details[i] for i in ids]


def customer_by_id(*, user: User, customer_id: int) -> Customer:
    """The customer row (with owner) for a write or a check; no details."""
    if not P.has_perm(user, P.VIEW_CUSTOMERS):
        raise PermissionDenied()
    customer = Customer.objects.select_related("owner").filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(f"customer {customer_id}")
    return customer


def customer_get(*, user: User, customer_id: int) -> CustomerDetail:
    return load_details([customer_by_id(user=user, customer_id=customer_id)])[0]


def customer_for_number(number: str) -> Customer | None:
    """The most recent active customer owning a (normalised) number: how a call is linked
    to its customer by caller id."""
    return (
        Customer.objects.filter(
            id__in=CustomerPhone.objects.filter(number=number).values("customer_id"),
            status=c.Status.ACTIVE,
        )
        .order_by("-id")
        .first()
    )


def customer_lookup(*, user: User, phone: str) -> list[CustomerDetail]:
    """The screen pop (R-1.6): the active customers owning a caller number, most recent
    first (a family phone may belong to several), each with its details."""
    if not P.has_perm(user, P.VIEW_CUSTOMERS):
        raise PermissionDenied()
    digits = caller_digits(phone)
    found = list(
        Customer.objects.select_related("owner")
        .filter(
            id__in=CustomerPhone.objects.filter(number=digits).values("customer_id"),
            status=c.Status.ACTIVE,
        )
        .order_by("-id")[:5]
    )
    if not found:
        raise NotFound(f"phone {phone}")
    return load_details(found)


OPEN_WORK_ORDER = ("new", "dispatched", "in_progress", "reopened")


def _aware(value):
    """Raw SQL returns SQLite datetimes as naive UTC text; PostgreSQL's are aware already."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def customer_activity(customer_id: int, limit: int = 5) -> dict[str, list[dict]]:
    """Open callbacks/messages, open work orders and the last contacts of a customer in one
    round trip. Hand-written SQL on purpose: the screen pop is the hottest read, and three
    ORM queries cost it 2–3 ms of compilation; table and column names come from the models."""
    user = apps.get_model("accounts", "User")._meta.db_table
    task = apps.get_model("interactions", "CallbackTask")._meta.db_table
    order = apps.get_model("tickets", "WorkOrder")._meta.db_table
    contact = apps.get_model("interactions", "Interaction")._meta.db_table
    statuses = ", ".join(f"'{s}'" for s in OPEN_WORK_ORDER)
    sql = (
        f"SELECT * FROM (SELECT 'task', t.kind, t.note, t.status, t.due_at, u.username, t.id, "
        f"u.display_name FROM {task} t JOIN {user} u ON u.id = t.assignee_id "
        f"WHERE t.customer_id = %s AND t.status = 'open' ORDER BY t.due_at LIMIT {limit}) a "
        f"UNION ALL SELECT * FROM (SELECT 'work_order', w.number, w.title, w.status, w.due_at, "
        f"u.username, w.id, u.display_name FROM {order} w "
        f"LEFT JOIN {user} u ON u.id = w.assignee_id "
        f"WHERE w.customer_id = %s AND w.status IN ({statuses}) ORDER BY w.due_at "
        f"LIMIT {limit}) b "
        f"UNION ALL SELECT * FROM (SELECT 'contact', i.channel, "
        f"COALESCE(NULLIF(i.subject, ''), SUBSTR(i.content, 1, 60)), i.category, "
        f"i.occurred_at, u.username, i.id, u.display_name FROM {contact} i "
        f"LEFT JOIN {user} u ON u.id = i.agent_id WHERE i.customer_id = %s "
        f"ORDER BY i.occurred_at DESC LIMIT {limit}) c"
    )
    out: dict[str, list[dict]] = {"task": [], "work_order": [], "contact": []}
    with connection.cursor() as cur:
        cur.execute(sql, [customer_id] * 3)
        for src, a, b, status, when, person, row_id, name in cur.fetchall():
            when = _aware(when)
            name = name or person  # a person by their name in the console, never the login
            if src == "task":
                out[src].append(
                    {
                        "kind": a,
                        "due_at": when,
                        "assignee": person,
                        "assignee_name": name,
                        "note": (b or "")[:100],
                    }
                )
            elif src == "work_order":
                out[src].append(
                    {
                        "kind": "work_order",
                        "number": a,
                        "title": b,
                        "status": status,
                        "due_at": when,
                        "assignee": person,
                        "assignee_name": name,
                    }
                )
            else:
                out[src].append(
                    {
                        "id": row_id,
                        "occurred_at": when,
                        "channel": a,
                        "category": status,
                        "subject": b,
                        "agent": person,
                        "agent_name": name,
                    }
                )
    return out


def open_items(detail: CustomerDetail, activity: dict | None = None) -> list[dict]:
    """What is still open for a customer, for the screen pop (R-1.6): the first-contact
    promise, vehicle files missing documents, callback promises and messages, open work
    orders; the follow-up issue adds due follow-ups."""
    customer = detail.customer
    activity = activity or customer_activity(customer.id)
    items = []
    if customer.first_contacted_at is None and customer.first_contact_due_at:
        items.append({"kind": "first_contact", "due_at": customer.first_contact_due_at})
    labels = {a.id: str(a) for a in detail.assets}
    for asset_id, files in detail.files.items():
        for f in files:
            state = file_state(f, docs=getattr(f, "docs", None))
            if not state["complete"]:
                items.append(
                    {
                        "kind": "file_documents",
                        "asset": labels[asset_id],
                        "file": f.kind,
                        "due_on": f.due_on,
                        **state,
                    }
                )
    return items + activity["task"] + activity["work_order"]


def card_of(detail: CustomerDetail) -> dict:
    """A result card from a loaded customer detail."""
    customer = detail.customer
    assets = [a for a in detail.assets if a.status == c.Status.ACTIVE]
    return {
        "id": customer.id,
        "number": customer.number,
        "name": customer.name,
        "gender": customer.gender,
        "level": customer.level,
        "level_label": customer.get_level_display(),
        "status": customer.status,
        "owner": str(customer.owner) if customer.owner_id else None,
        "phones": [mask_phone(p) for p in detail.phones],
        "plates": [a.plate for a in assets if a.plate],
        "vins": [a.vin for a in assets if a.vin],
        "matched": "phone",
    }


def file_state(
    file: AssetFile, today: dt.date | None = None, docs: list[dict] | None = None
) -> dict:
    """Completeness and lateness of a vehicle file (R-1.4)."""
    today = today or timezone.localdate()
    if docs is None:
        docs = _file_docs([file.id]).get(file.id, [])
    required = [d for d in docs if d["required"]]
    received = [d for d in required if d["received_on"]]
    late = file.completed_on > file.due_on if file.completed_on else today > file.due_on
    return {
        "required": len(required),
        "received": len(received),
        "complete": file.completed_on is not None,
        "late": late,
    }


def masked_pii(customer: Customer, phones: list[str] | None = None) -> dict:
    """Personal data as every role sees it by default (R-0.5); reveals go through a service."""
    if phones is None:
        phones = [p.number for p in customer.phones.order_by("-is_primary", "id")]
    return {
        "phones": [mask_phone(p) for p in phones],
        "id_number": mask_id_number(customer.id_number),
        "address": mask_address(customer.address),
        "email": mask_email(customer.email),
    }


def caller_digits(phone: str) -> str:
    """A caller number as stored: digits only, without the +86 / 0086 country prefix."""
    digits = re.sub(r"[^0-9]", "", plain(phone or ""))
    if digits.startswith("0086"):
        return digits[4:]
    if digits.startswith("86") and len(digits) == 13:
        return digits[2:]
    return digits


def customer_by_number(number: str) -> Customer | None:
    """The customer numbered `number` (KH…), any case."""
    return Customer.objects.filter(number=number.strip().upper()).first()


def asset_of_customer(*, customer: Customer, asset_id: int) -> Asset:
    asset = Asset.objects.filter(customer=customer, pk=asset_id).first()
    if asset is None:
        raise NotFound(f"asset {asset_id}")
    return asset


def document_of_customer(*, customer: Customer, file_id: int, doc_code: str) -> FileDocument:
    """A checklist line of one of the customer's vehicle files."""
    document = FileDocument.objects.filter(
        file__asset__customer=customer, file_id=file_id, doc_type__code=doc_code
    ).first()
    if document is None:
        raise NotFound(f"document {doc_code} of file {file_id}")
    return document


def customers_by_ids(ids: list[int]) -> QuerySet[Customer]:
    """The customers with these ids (a search's matches, for an export)."""
    return Customer.objects.filter(id__in=ids)


def customer_named(customer_id, errors: list, *, field: str = "customer_id") -> Customer | None:
    """The customer a request names by id; an unknown id adds a 422 error naming `field`
    (collected with the request's other errors) and answers None."""
    customer = Customer.objects.filter(pk=customer_id).first() if customer_id else None
    if customer is None:
        errors.append(
            FieldError(
                field,
                "not_found",
                f"客户不存在：{customer_id}",
                f"No customer {customer_id}",
            )
        )
    return customer


def profile_form(customer: Customer) -> list[dict]:
    """The extended profile (R-1.2) as the customer page shows and edits it: each group the
    center configured, its questions in order, with this customer's answers."""
    groups: dict[str, dict] = {}
    for f in ProfileField.objects.filter(active=True).order_by("group", "sort", "id"):
        group = groups.setdefault(
            f.group,
            {"code": f.group, "label": c.PROFILE_GROUPS.get(f.group, f.group), "fields": []},
        )
        group["fields"].append(
            {"key": f.key, "label": f.label, "type": f.field_type, "options": f.options,
             "value": customer.extra.get(f.key, "")}
        )  # fmt: skip
    order = list(c.PROFILE_GROUPS)
    return sorted(
        groups.values(), key=lambda g: order.index(g["code"]) if g["code"] in order else 99
    )
