"""The one-box search (R-1.5): every kind of key is one index range scan.

Search keys are derived columns with byte-wise b-tree indexes: `key >= q AND key < q ||
U+10FFFF`, ordered by the key itself (exact matches sort first). Counts stop at
SEARCH_COUNT_CAP: nobody pages through 70,000 王.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.core.errors import FieldError, PermissionDenied, ValidationFailed
from kefu.core.fields import prefix_range
from kefu.customers import choices as c
from kefu.customers.inputs import parse_date
from kefu.customers.models import (
    Asset,
    Customer,
    CustomerPhone,
    ProfileField,
)
from kefu.customers.selectors.detail import caller_digits, customer_cards
from kefu.customers.validation import (
    PLATE_RE,
    PROVINCES,
    VIN_RE,
    plain,
)

HAN_RE = re.compile(r"[\u3400-\u9fff]")
ID_RE = re.compile(r"^\d{17}[\dX]$")


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
    raw = plain(q).strip()
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
    if any(ch.isdigit() for ch in key) and PLATE_RE.match(PROVINCES[0] + key):
        # a plate typed without its province (CFF0001): that plate in any province, by the
        # plate index — never a customer whose key merely holds similar letters
        plates = [p + key for p in PROVINCES]
        by_id("plate", base.filter(id__in=_by_asset(plate__in=plates)))
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
        # "王 阳" is 王阳: spaces between Chinese characters are never part of a name
        name = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", raw)
        name = re.sub(r"\s+", " ", name)
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
