"""Reads on the customer archive: the one-box search (R-1.5), the screen pop (R-1.6), details.

Search keys are derived columns with byte-wise b-tree indexes, so every kind of key is one
index range scan: `key >= q AND key < q || U+10FFFF`, ordered by the key itself (exact
matches sort first). Counts stop at SEARCH_COUNT_CAP: nobody pages through 70,000 王.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from kefu.core.fields import prefix_range
from kefu.customers import choices as c
from kefu.customers.inputs import parse_date
from kefu.customers.models import (
    Asset,
    AssetFile,
    Customer,
    CustomerPhone,
    FileDocument,
    ProfileField,
)
from kefu.customers.validation import (
    PLATE_RE,
    VIN_RE,
    mask_address,
    mask_email,
    mask_id_number,
    mask_phone,
)

HAN_RE = re.compile(r"[\u3400-\u9fff]")
ID_RE = re.compile(r"^\d{17}[\dX]$")


def caller_digits(phone: str) -> str:
    """A caller number as stored: digits only, without the +86 / 0086 country prefix."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0086"):
        return digits[4:]
    if digits.startswith("86") and len(digits) == 13:
        return digits[2:]
    return digits


@dataclass
class Tier:
    """One kind of match: a label and an ordered queryset of customer ids."""

    kind: str
    ids: QuerySet


@dataclass
class SearchResult:
    items: list[dict]
    count: int
    count_capped: bool
    kinds: list[str] = field(default_factory=list)
    matched: dict[int, str] = field(default_factory=dict)


def _active(qs: QuerySet, include_obsolete: bool) -> QuerySet:
    return qs if include_obsolete else qs.filter(status=c.Status.ACTIVE)


def _by_phone(**lookup) -> QuerySet:
    return CustomerPhone.objects.filter(**lookup).values("customer_id")


def _by_asset(**lookup) -> QuerySet:
    return Asset.objects.filter(**lookup).values("customer_id")


def search_tiers(q: str, base: QuerySet) -> list[Tier]:
    """Read what kind of key `q` is and build the matching index lookups, best first."""
    raw = q.strip()
    key = re.sub(r"[\s\-·.]", "", raw).upper()
    digits = key.replace("+86", "")
    tiers: list[Tier] = []

    def by_id(kind: str, qs: QuerySet) -> None:
        tiers.append(Tier(kind, qs.order_by("-id").values_list("id", flat=True)))

    prefix = settings.KEFU["CUSTOMER_NUMBER_PREFIX"]
    if key.startswith(prefix) and key[len(prefix) :].isdigit():
        width = settings.KEFU["CUSTOMER_NUMBER_DIGITS"]
        by_id("number", base.filter(number=f"{prefix}{int(key[len(prefix) :]):0{width}d}"))
        return tiers
    if ID_RE.match(key):
        by_id("id_number", base.filter(id_number=key))
        return tiers
    if VIN_RE.match(key) and not key.isdigit():
        by_id("vin", base.filter(id__in=_by_asset(vin=key)))
        return tiers
    if PLATE_RE.match(key):
        by_id("plate", base.filter(id__in=_by_asset(plate=key)))
        return tiers
    if digits.isdigit():
        if len(digits) == 4:
            by_id("phone_last4", base.filter(id__in=_by_phone(last4=digits)))
        elif len(digits) >= 7:
            by_id("phone", base.filter(id__in=_by_phone(number=caller_digits(digits))))
        if len(digits) == 6:
            by_id("vin_last6", base.filter(id__in=_by_asset(vin_last6=digits)))
        if len(digits) <= settings.KEFU["CUSTOMER_NUMBER_DIGITS"]:
            width = settings.KEFU["CUSTOMER_NUMBER_DIGITS"]
            by_id("number", base.filter(number=f"{prefix}{int(digits):0{width}d}"))
        return tiers
    if len(key) == 6 and key.isalnum() and key.isascii() and any(ch.isdigit() for ch in key):
        by_id("vin_last6", base.filter(id__in=_by_asset(vin_last6=key)))
        return tiers
    if HAN_RE.search(raw):
        name = re.sub(r"\s+", " ", raw)
        tiers.append(
            Tier(
                "name",
                base.filter(**prefix_range("name", name))
                .order_by("name", "id")
                .values_list("id", flat=True),
            )
        )
        return tiers
    letters = re.sub(r"[^a-z]", "", raw.lower())
    if letters:
        tiers.append(
            Tier(
                "initials",
                base.filter(name_initials=letters)
                .order_by("name_initials", "id")
                .values_list("id", flat=True),
            )
        )
        tiers.append(
            Tier(
                "pinyin",
                base.filter(**prefix_range("name_pinyin", letters))
                .order_by("name_pinyin", "id")
                .values_list("id", flat=True),
            )
        )
        tiers.append(
            Tier(
                "initials_prefix",
                base.filter(**prefix_range("name_initials", letters))
                .exclude(name_initials=letters)
                .order_by("name_initials", "id")
                .values_list("id", flat=True),
            )
        )
    return tiers


FILTER_KEYS = (
    "tag",
    "owner",
    "level",
    "delivered_from",
    "delivered_to",
    "repaired_from",
    "repaired_to",
)
DATE_FILTERS = ("delivered_from", "delivered_to", "repaired_from", "repaired_to")


def search_filters(raw: dict) -> dict:
    """Clean the search filters: dates parsed, `profile` ("key:value,…") limited to the
    extended-profile fields marked searchable (R-1.2). Raises ValidationFailed naming the
    filter."""
    filters = {k: raw[k] for k in FILTER_KEYS if raw.get(k)}
    for key in DATE_FILTERS:
        if key in filters:
            filters[key] = parse_date(filters[key], field=key)
    if raw.get("profile"):
        searchable = set(
            ProfileField.objects.filter(active=True, searchable=True).values_list("key", flat=True)
        )
        extra = {}
        for pair in re.split(r"[,，]", raw["profile"]):
            key, _, value = pair.partition(":")
            key = key.strip()
            if key not in searchable or not value.strip():
                known = sorted(searchable)
                raise ValidationFailed(
                    FieldError(
                        "profile",
                        "invalid_profile_filter",
                        f"扩展资料筛选无效：{pair}（可搜索字段：{'、'.join(known)}）",
                        f"Invalid profile filter: {pair} (searchable: {', '.join(known)})",
                    )
                )
            extra[key] = value.strip()
        filters["extra"] = extra
    return filters


def _filtered(base: QuerySet, filters: dict) -> QuerySet:
    if filters.get("tag"):
        base = base.filter(tags__name=filters["tag"])
    if filters.get("owner"):
        base = base.filter(owner__username=filters["owner"])
    if filters.get("level"):
        base = base.filter(level=filters["level"])
    asset = {}
    for key, lookup in (
        ("delivered_from", "delivered_on__gte"),
        ("delivered_to", "delivered_on__lte"),
        ("repaired_from", "last_repair_on__gte"),
        ("repaired_to", "last_repair_on__lte"),
    ):
        if filters.get(key):
            asset[lookup] = filters[key]
    if asset:
        base = base.filter(id__in=_by_asset(**asset))
    for key, value in (filters.get("extra") or {}).items():
        base = base.filter(**{f"extra__{key}": value})
    return base


def customer_search(
    *,
    user: User,
    q: str = "",
    page: int = 1,
    page_size: int | None = None,
    filters: dict | None = None,
    include_obsolete: bool = False,
) -> SearchResult:
    """One box, any key (R-1.5): name/pinyin/initials, phone or its last 4, customer number,
    VIN or its last 6, plate, ID number; plus filters (tag, owner, level, date ranges)."""
    if not P.has_perm(user, P.VIEW_CUSTOMERS):
        raise PermissionDenied()
    page_size = min(page_size or settings.KEFU["SEARCH_PAGE_SIZE"], 100)
    cap = settings.KEFU["SEARCH_COUNT_CAP"]
    base = _filtered(_active(Customer.objects.all(), include_obsolete), filters or {})
    if q.strip():
        tiers = search_tiers(q, base)
    elif filters:
        tiers = [Tier("filter", base.order_by("-id").values_list("id", flat=True))]
    else:
        tiers = []
    offset, wanted = (max(page, 1) - 1) * page_size, page_size
    ids: list[int] = []
    matched: dict[int, str] = {}
    total, capped = 0, False
    for tier in tiers:
        page_ids = list(tier.ids[offset : offset + wanted]) if wanted > 0 else []
        if offset == 0 and len(page_ids) < wanted:
            n = len(page_ids)  # the whole tier is on this page: no count query needed
        else:
            n = tier.ids[: cap + 1].count()
            if n > cap:
                n, capped = cap, True
        total += n
        for cid in page_ids:
            if cid not in matched:
                ids.append(cid)
                matched[cid] = tier.kind
        wanted = page_size - len(ids)
        offset = max(0, offset - n)
    return SearchResult(
        items=customer_cards(ids, matched),
        count=min(total, cap),
        count_capped=capped or total > cap,
        kinds=[t.kind for t in tiers],
        matched=matched,
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
    cards = {
        r["id"]: {
            "id": r["id"],
            "number": r["number"],
            "name": r["name"],
            "gender": r["gender"],
            "level": r["level"],
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
        f.docs = docs.get(f.id, [])
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
        f"SELECT * FROM (SELECT 'task', t.kind, t.note, t.status, t.due_at, u.username, t.id "
        f"FROM {task} t JOIN {user} u ON u.id = t.assignee_id "
        f"WHERE t.customer_id = %s AND t.status = 'open' ORDER BY t.due_at LIMIT {limit}) a "
        f"UNION ALL SELECT * FROM (SELECT 'work_order', w.number, w.title, w.status, w.due_at, "
        f"u.username, w.id FROM {order} w LEFT JOIN {user} u ON u.id = w.assignee_id "
        f"WHERE w.customer_id = %s AND w.status IN ({statuses}) ORDER BY w.due_at "
        f"LIMIT {limit}) b "
        f"UNION ALL SELECT * FROM (SELECT 'contact', i.channel, "
        f"COALESCE(NULLIF(i.subject, ''), SUBSTR(i.content, 1, 60)), i.category, "
        f"i.occurred_at, u.username, i.id FROM {contact} i "
        f"LEFT JOIN {user} u ON u.id = i.agent_id WHERE i.customer_id = %s "
        f"ORDER BY i.occurred_at DESC LIMIT {limit}) c"
    )
    out: dict[str, list[dict]] = {"task": [], "work_order": [], "contact": []}
    with connection.cursor() as cur:
        cur.execute(sql, [customer_id] * 3)
        for src, a, b, status, when, person, row_id in cur.fetchall():
            when = _aware(when)
            if src == "task":
                out[src].append(
                    {"kind": a, "due_at": when, "assignee": person, "note": (b or "")[:100]}
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
            state = file_state(f, docs=f.docs)
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


def _scoped(qs: QuerySet, user: User | None, owner_path: str) -> QuerySet:
    """Agents see their own rows of a report; leads, managers and admins see everyone's."""
    if (
        user is None
        or P.has_perm(user, P.EDIT_ANY_CUSTOMER)
        or P.has_perm(user, P.EXPORT_CUSTOMERS)
    ):
        return qs
    if P.has_perm(user, P.VIEW_CUSTOMERS):
        return qs.filter(**{owner_path: user})
    raise PermissionDenied()


def first_contact_overdue(*, user: User | None = None, now: dt.datetime | None = None) -> QuerySet:
    """Customers whose owner has not made first contact in time (R-1.7 report)."""
    now = now or timezone.now()
    qs = (
        Customer.objects.filter(
            status=c.Status.ACTIVE, first_contacted_at__isnull=True, first_contact_due_at__lt=now
        )
        .select_related("owner")
        .order_by("first_contact_due_at", "id")
    )
    return _scoped(qs, user, "owner")


def late_files(*, user: User | None = None, today: dt.date | None = None) -> QuerySet:
    """Vehicle files handed over late or still incomplete past their due date (R-1.4); each
    counts against its `responsible` salesperson or front desk in KPIs (R-8.3)."""
    today = today or timezone.localdate()
    qs = (
        AssetFile.objects.filter(
            Q(completed_on__gt=F("due_on")) | Q(completed_on__isnull=True, due_on__lt=today)
        )
        .select_related("asset__customer")
        .order_by("due_on", "id")
    )
    return _scoped(qs, user, "asset__customer__owner")


def _history_rows(records, label: str) -> list[dict]:
    rows = []
    records = list(records)
    for i, rec in enumerate(records):
        prev = records[i + 1] if i + 1 < len(records) and records[i + 1].id == rec.id else None
        if rec.history_type == "+":
            changes = [{"field": label, "before": None, "after": str(rec.instance)}]
        elif rec.history_type == "-":
            changes = [{"field": label, "before": str(rec.instance), "after": None}]
        elif prev is not None:
            delta = rec.diff_against(prev)
            changes = [
                {"field": f"{label}.{ch.field}", "before": _plain(ch.old), "after": _plain(ch.new)}
                for ch in delta.changes
            ]
        else:
            changes = []
        rows.append(
            {
                "at": rec.history_date,
                "user": getattr(rec.history_user, "username", None),
                "action": {"+": "created", "~": "changed", "-": "removed"}[rec.history_type],
                "changes": changes,
                "reason": rec.history_change_reason,
            }
        )
    return rows


def _plain(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | dict | int | float | bool) or value is None:
        return value
    return str(value)


def customer_history(*, user: User, customer: Customer, limit: int = 200) -> list[dict]:
    """Who changed what, when (R-0.3): the customer, its phones and its assets."""
    if not P.has_perm(user, P.VIEW_CUSTOMERS):
        raise PermissionDenied()
    order = ("id", "-history_date", "-history_id")
    rows = _history_rows(Customer.history.filter(id=customer.pk).order_by(*order), "customer")
    rows += _history_rows(
        CustomerPhone.history.filter(customer_id=customer.pk).order_by(*order), "phone"
    )
    rows += _history_rows(Asset.history.filter(customer_id=customer.pk).order_by(*order), "asset")
    for row in rows:
        if row["changes"] and row["changes"][0]["field"] == "phone":
            row["changes"] = [
                {
                    **ch,
                    "before": ch["before"] and mask_phone(ch["before"]),
                    "after": ch["after"] and mask_phone(ch["after"]),
                }
                for ch in row["changes"]
            ]
        for ch in row["changes"]:
            if ch["field"] in ("customer.id_number", "phone.number", "phone.last4"):
                ch["before"] = ch["before"] and "****"
                ch["after"] = ch["after"] and "****"
            elif ch["field"] == "customer.address":
                ch["before"] = ch["before"] and mask_address(ch["before"])
                ch["after"] = ch["after"] and mask_address(ch["after"])
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows[:limit]
