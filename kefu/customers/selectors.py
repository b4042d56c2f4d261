"""Reads on the customer archive: the one-box search (R-1.5), the screen pop (R-1.6), details.

Search keys are derived columns with byte-wise b-tree indexes, so every kind of key is one
index range scan: `key >= q AND key < q || U+10FFFF`, ordered by the key itself (exact
matches sort first). Counts stop at SEARCH_COUNT_CAP: nobody pages through 70,000 王.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from kefu.core.fields import prefix_range
from kefu.customers import choices as c
from kefu.customers.inputs import parse_date
from kefu.customers.models import Asset, AssetFile, Customer, CustomerPhone, ProfileField
from kefu.customers.validation import (
    PLATE_RE,
    VIN_RE,
    mask_address,
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


def _detail_queryset():
    """A customer with everything its file page and the screen pop show (5 queries)."""
    files = AssetFile.objects.order_by("id").prefetch_related("documents__doc_type")
    return Customer.objects.select_related("owner").prefetch_related(
        Prefetch("phones", queryset=CustomerPhone.objects.order_by("-is_primary", "id")),
        Prefetch(
            "assets",
            queryset=Asset.objects.order_by("id").prefetch_related(
                Prefetch("files", queryset=files)
            ),
        ),
        "tags",
    )


def customer_get(*, user: User, customer_id: int) -> Customer:
    if not P.has_perm(user, P.VIEW_CUSTOMERS):
        raise PermissionDenied()
    customer = _detail_queryset().filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(f"customer {customer_id}")
    return customer


def customer_lookup(*, user: User, phone: str) -> list[Customer]:
    """The screen pop (R-1.6): the active customers owning a caller number, most recent
    first (a family phone may belong to several), each with its details."""
    if not P.has_perm(user, P.VIEW_CUSTOMERS):
        raise PermissionDenied()
    digits = caller_digits(phone)
    found = list(
        _detail_queryset()
        .filter(
            id__in=CustomerPhone.objects.filter(number=digits).values("customer_id"),
            status=c.Status.ACTIVE,
        )
        .order_by("-id")[:5]
    )
    if not found:
        raise NotFound(f"phone {phone}")
    return found


def open_items(customer: Customer) -> list[dict]:
    """What is still open for a customer, for the screen pop (R-1.6): the first-contact
    promise and vehicle files missing documents; later issues add tickets and follow-ups."""
    items = []
    if customer.first_contacted_at is None and customer.first_contact_due_at:
        items.append({"kind": "first_contact", "due_at": customer.first_contact_due_at})
    for asset in customer.assets.all():
        for f in asset.files.all():
            state = file_state(f)
            if not state["complete"]:
                items.append(
                    {
                        "kind": "file_documents",
                        "asset": str(asset),
                        "file": f.kind,
                        "due_on": f.due_on,
                        **state,
                    }
                )
    open_tasks = customer.callback_tasks.filter(status="open").order_by("due_at")[:5]
    for task in open_tasks.select_related("assignee"):
        items.append(
            {
                "kind": task.kind,
                "due_at": task.due_at,
                "assignee": str(task.assignee),
                "note": task.note[:100],
            }
        )
    return items


def recent_interactions(customer: Customer, limit: int = 5) -> list[dict]:
    """The customer's last contacts, newest first (R-1.6)."""
    rows = customer.interactions.select_related("agent").order_by("-occurred_at")[:limit]
    return [
        {
            "id": i.id,
            "occurred_at": i.occurred_at,
            "channel": i.channel,
            "category": i.category,
            "subject": i.subject or i.content[:60],
            "agent": str(i.agent) if i.agent_id else None,
        }
        for i in rows
    ]


def card_of(customer: Customer) -> dict:
    """A result card from a customer whose phones and assets are already loaded."""
    assets = [a for a in customer.assets.all() if a.status == c.Status.ACTIVE]
    return {
        "id": customer.id,
        "number": customer.number,
        "name": customer.name,
        "gender": customer.gender,
        "level": customer.level,
        "status": customer.status,
        "owner": str(customer.owner) if customer.owner_id else None,
        "phones": masked_phones(customer),
        "plates": [a.plate for a in assets if a.plate],
        "vins": [a.vin for a in assets if a.vin],
        "matched": "phone",
    }


def file_state(file: AssetFile, today: dt.date | None = None) -> dict:
    """Completeness and lateness of a vehicle file (R-1.4)."""
    today = today or timezone.localdate()
    docs = list(file.documents.all())
    required = [d for d in docs if d.required]
    received = [d for d in required if d.received_on]
    if file.completed_on:
        late = file.completed_on > file.due_on
    else:
        late = today > file.due_on
    return {
        "required": len(required),
        "received": len(received),
        "complete": file.completed_on is not None,
        "late": late,
    }


def masked_phones(customer: Customer) -> list[str]:
    return [mask_phone(p.number) for p in customer.phones.all()]


def masked_pii(customer: Customer) -> dict:
    """Personal data as every role sees it by default (R-0.5); reveals go through a service."""
    return {
        "phones": masked_phones(customer),
        "id_number": mask_id_number(customer.id_number),
        "address": mask_address(customer.address),
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
