"""Customer analysis (R-8.2): who the customers are, what they bought, who is being lost and
who is loyal, and how satisfied each kind is.

The daily job `kefu.reports.customers` gives every customer a standing (`CustomerStanding`)
from the records — region (the address's province, else the ID number's), age band, last
service visit (the churn rules' event types, or an asset's last repair), visits in the last
twelve months, purchases (assets) and their amount, the last complaint, and the RFM segment
— then keeps that day's group counts as `snap_*` daily rows. The reports read those rows,
and the churn lists read the standings by index: nothing here scans the raw records while a
manager waits.

RFM (recency, frequency, monetary), each high (1) or low (0) against the center's own
median: recency by the days since the last visit or purchase, frequency by the visits in a
year, monetary by the amount bought (where the center records amounts; else repeat
purchase). Eight segments from 重要价值客户 (111) to 一般挽留客户 (000).

The churn rules' lists, and what they become (win-back calls, a care campaign), are in
`kefu.reports.churn`."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from kefu.accounts.models import User
from kefu.complaints.models import Complaint
from kefu.core.inputs import choice_label, in_language
from kefu.customers.choices import Level
from kefu.customers.choices import Status as CustomerStatus
from kefu.customers.models import Asset, Customer
from kefu.followups.models import LifecycleEvent
from kefu.reports.churn import churned, kind_label, snap_day
from kefu.reports.models import ChurnRule, CustomerStanding, DailyCount
from kefu.reports.periods import Range, bucket_label, bucket_of, buckets

BATCH = 5000
REFERRAL_WORDS = ("介绍", "推荐", "referral")
SEGMENTS = {
    "111": ("重要价值客户", "important value"),
    "101": ("重要发展客户", "important to develop"),
    "011": ("重要保持客户", "important to keep"),
    "001": ("重要挽留客户", "important to win back"),
    "110": ("一般价值客户", "general value"),
    "100": ("一般发展客户", "general to develop"),
    "010": ("一般保持客户", "general to keep"),
    "000": ("一般挽留客户", "general to win back"),
}
AGE_BANDS = [(0, 25, "<25"), (25, 35, "25–34"), (35, 45, "35–44"), (45, 55, "45–54"),
             (55, 200, "55+")]  # fmt: skip
_PROVINCE = re.compile(r"^(北京|上海|天津|重庆)市?|^(.{2,8}?(?:省|自治区|特别行政区))")


# ---- a customer's standing


def region_of(address: str, id_number: str) -> str:
    """The province: from the address when it starts with one, else from the ID number's
    region code (python-stdnum's table); "" when neither says."""
    found = _PROVINCE.match((address or "").strip())
    if found:
        return f"{found.group(1)}市" if found.group(1) else found.group(2)
    if id_number:
        try:
            place = ric.get_birth_place(id_number)
        except Exception:
            return ""
        return str(place.get("province", ""))[:16]
    return ""


def _birthday(birthday: dt.date | None, id_number: str) -> dt.date | None:
    if birthday:
        return birthday
    if id_number:
        try:
            return ric.get_birth_date(id_number)
        except Exception:
            return None
    return None


def age_band(birthday: dt.date | None, today: dt.date) -> str:
    if birthday is None:
        return ""
    age = today.year - birthday.year - ((today.month, today.day) < (birthday.month, birthday.day))
    return next((label for low, high, label in AGE_BANDS if low <= age < high), "")


def visit_types() -> list[str]:
    """The event types that count as a service visit: those of the active no-visit rules."""
    types: set[str] = set()
    for event_types in ChurnRule.objects.filter(active=True, kind="no_visit").values_list(
        "event_types", flat=True
    ):
        types.update(str(t) for t in event_types or [])
    return sorted(types)


def standings_rebuild(today: dt.date | None = None, batch: int = BATCH) -> int:
    """Every customer's standing, `batch` customers at a time (each batch one transaction);
    then the RFM segments. Returns how many customers."""
    today = today or timezone.localdate()
    year_ago = dt.datetime.combine(today - dt.timedelta(days=365), dt.time(0),
                                   tzinfo=timezone.get_current_timezone())  # fmt: skip
    types = visit_types()
    cursor, done = 0, 0
    while True:
        people = list(
            Customer.objects.filter(pk__gt=cursor).order_by("pk")
            .values_list("pk", "address", "id_number", "birthday")[:batch]
        )  # fmt: skip
        if not people:
            break
        low, high = people[0][0], people[-1][0]
        within = {"customer_id__gte": low, "customer_id__lte": high}
        visits = {
            r[0]: r[1:]
            for r in LifecycleEvent.objects.filter(type__in=types, **within)
            .values("customer_id")
            .annotate(last=Max("occurred_at"),
                      year=Count("id", filter=Q(occurred_at__gte=year_ago)))
            .values_list("customer_id", "last", "year")
        } if types else {}  # fmt: skip
        assets = {
            r[0]: r[1:]
            for r in Asset.objects.filter(**within).values("customer_id").annotate(
                n=Count("id"), amount=Sum("amount"),
                bought=Max(Coalesce("invoiced_on", "delivered_on", "contract_on")),
                repaired=Max("last_repair_on"),
            ).values_list("customer_id", "n", "amount", "bought", "repaired")
        }  # fmt: skip
        complaints = dict(
            Complaint.objects.filter(**within).values("customer_id")
            .annotate(last=Max("received_at")).values_list("customer_id", "last")
        )  # fmt: skip
        rows = []
        for pk, address, id_number, birthday in people:
            last_visit, year = visits.get(pk, (None, 0))
            n, amount, bought, repaired = assets.get(pk, (0, None, None, None))
            visited = timezone.localtime(last_visit).date() if last_visit else None
            service = max([d for d in (visited, repaired) if d], default=None)
            complained = complaints.get(pk)
            active = max([d for d in (service, bought) if d], default=None)
            rows.append(CustomerStanding(
                customer_id=pk, region=region_of(address, id_number),
                age_band=age_band(_birthday(birthday, id_number), today),
                last_service_on=service, visits_year=year, purchases=n,
                amount=amount or Decimal(0), last_purchase_on=bought,
                last_complaint_on=timezone.localtime(complained).date() if complained else None,
                last_active_on=active, computed_on=today,
            ))  # fmt: skip
        with transaction.atomic():
            CustomerStanding.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["customer"],
                update_fields=["region", "age_band", "last_service_on", "visits_year",
                               "purchases", "amount", "last_purchase_on", "last_complaint_on",
                               "last_active_on", "computed_on"],
            )  # fmt: skip
        cursor, done = high, done + len(people)
    segments_set(today)
    return done


def _median(qs: QuerySet[CustomerStanding], field: str) -> Any:
    n = qs.count()
    if not n:
        return None
    return qs.order_by(field).values_list(field, flat=True)[n // 2]


def segments_set(today: dt.date) -> dict[str, Any]:
    """Each standing's RFM segment against the medians of the center's own customers;
    returns the bars used."""
    from django.db.models import Case, CharField, Value, When
    from django.db.models.functions import Concat

    standings = CustomerStanding.objects.all()
    last_active = _median(standings.filter(last_active_on__isnull=False), "last_active_on")
    recent_since = last_active or today - dt.timedelta(days=180)
    visits = max(1, _median(standings.filter(visits_year__gt=0), "visits_year") or 1)
    amount = _median(standings.filter(amount__gt=0), "amount")
    money = Q(amount__gte=amount) if amount else Q(purchases__gte=2)

    def bit(condition: Q) -> Case:
        return Case(When(condition, then=Value("1")), default=Value("0"), output_field=CharField())

    standings.update(segment=Concat(
        bit(Q(last_active_on__gte=recent_since)), bit(Q(visits_year__gte=visits)), bit(money),
        output_field=CharField(),
    ))  # fmt: skip
    return {"recent_since": recent_since, "visits": visits, "amount": amount}


# ---- the day's group counts


def _is_referral(source: str) -> bool:
    return any(word in (source or "").lower() for word in REFERRAL_WORDS)


def snapshot(today: dt.date | None = None) -> int:
    """The day's group counts as `snap_*` daily rows (replaced, so the job may run again)."""
    today = today or timezone.localdate()
    out: Counter[tuple[str, str]] = Counter()
    active = Customer.objects.filter(status=CustomerStatus.ACTIVE).order_by()
    for level, source, n in (active.values("level", "source").annotate(n=Count("pk"))
                             .values_list("level", "source", "n")):  # fmt: skip
        out["snap_total", ""] += n
        out["snap_level", level] += n
        out["snap_source", source[:80]] += n
        if _is_referral(source):
            out["snap_referral", ""] += n
    standing = CustomerStanding.objects.filter(customer__status=CustomerStatus.ACTIVE).order_by()
    for field in ("region", "age_band", "segment"):
        for key, n in standing.values(field).annotate(n=Count("pk")).values_list(field, "n"):
            out[f"snap_{field}"[:24], key or ""] += n
    out["snap_repeat", ""] = standing.filter(purchases__gte=2).count()
    assets = Asset.objects.filter(customer__status=CustomerStatus.ACTIVE).order_by()
    for model, n, amount in (assets.values("model").annotate(n=Count("pk"), a=Sum("amount"))
                             .values_list("model", "n", "a")):  # fmt: skip
        out["snap_model", (model or "")[:80]] += n
        out["snap_model_fen", (model or "")[:80]] += int((amount or 0) * 100)
    for rule in ChurnRule.objects.filter(active=True):
        out["snap_churn", rule.code] = churned(rule, today).count()
    with transaction.atomic():
        DailyCount.objects.filter(day=today, metric__startswith="snap_").delete()
        DailyCount.objects.bulk_create(
            DailyCount(day=today, metric=m, key=k, n=n) for (m, k), n in out.items() if n
        )
    return len(out)


def analysis_job(day: dt.date | None = None) -> int:
    """The daily job: standings, then the day's counts."""
    standings_rebuild(day)
    return snapshot(day)


# ---- the reports


def _snap(day: dt.date | None, metric: str) -> dict[str, int]:
    if day is None:
        return {}
    return dict(DailyCount.objects.filter(day=day, metric=metric).values_list("key", "n"))


def _share_rows(counts: dict[str, int], label: Any, top: int = 0) -> list[list[Any]]:
    total = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if top and len(ranked) > top:
        rest = sum(n for _k, n in ranked[top:])
        ranked = [*ranked[:top], ("\0rest", rest)]
    return [[_("其他") if k == "\0rest" else label(k), n,
             round(n * 100 / total, 1) if total else None] for k, n in ranked]  # fmt: skip


def customers_report(
    r: Range, group: str, agent: User | None, channel: str
) -> list[dict[str, Any]]:
    """Customer groups (R-8.2) as of the range's last counted day: by level, region, age
    band and source; purchase structure (asset models, amounts, repeat buyers, referrals);
    and per period the number of customers (the trend)."""
    day = snap_day(r.end)
    levels = {c.value: choice_label(c.label) for c in Level}
    unknown = _("未知")
    share = [_("人数"), _("占比%")]
    models = _snap(day, "snap_model")
    amounts = _snap(day, "snap_model_fen")
    model_rows = [[k or unknown, n, round(amounts.get(k, 0) / 100, 2)]
                  for k, n in sorted(models.items(), key=lambda kv: -kv[1])]  # fmt: skip
    totals = _snap(day, "snap_total").get("", 0)
    structure = [
        [_("客户总数"), totals],
        [_("复购客户（2 件及以上）"), _snap(day, "snap_repeat").get("", 0)],
        [_("转介绍客户"), _snap(day, "snap_referral").get("", 0)],
    ]
    per: dict[Any, int] = {}
    for d, n in (
        DailyCount.objects.filter(metric="snap_total", day__gte=r.start, day__lt=r.end)
        .order_by("day")
        .values_list("day", "n")
    ):
        per[bucket_of(d, group)] = n  # the last count of each period
    as_of = f"{day:%Y-%m-%d}" if day else _("尚未统计")
    return [
        {"title": _("按级别") + f"（{as_of}）", "columns": [_("级别"), *share],
         "rows": _share_rows(_snap(day, "snap_level"), lambda k: levels.get(k, k or unknown))},
        {"title": _("按地区"), "columns": [_("地区"), *share],
         "rows": _share_rows(_snap(day, "snap_region"), lambda k: k or unknown, top=30)},
        {"title": _("按年龄段"), "columns": [_("年龄段"), *share],
         "rows": _share_rows(_snap(day, "snap_age_band"), lambda k: k or unknown)},
        {"title": _("按来源"), "columns": [_("来源"), *share],
         "rows": _share_rows(_snap(day, "snap_source"), lambda k: k or unknown, top=30)},
        {"title": _("购买结构（车型/品类）"), "columns": [_("车型/品类"), _("数量"), _("金额(元)")],
         "rows": model_rows},
        {"title": _("复购与转介绍"), "columns": [_("项目"), _("人数")], "rows": structure},
        {"title": _("客户数趋势"), "chart": True, "columns": [_("时段"), _("客户数")],
         "rows": [[bucket_label(b, group), per.get(b)] for b in buckets(r, group)]},
    ]  # fmt: skip


def loyalty_report(r: Range, group: str, agent: User | None, channel: str) -> list[dict[str, Any]]:
    """Loyalty and churn (R-8.2): the RFM segments, what each churn rule finds, and the
    satisfaction of follow-ups done in the range by customer level and by segment, and per
    period."""
    day = snap_day(r.end)
    segments = _snap(day, "snap_segment")
    total = sum(segments.values())
    seg_rows = [[in_language(SEGMENTS[k]), k, segments.get(k, 0),
                 round(segments.get(k, 0) * 100 / total, 1) if total else None]
                for k in SEGMENTS]  # fmt: skip
    churn = _snap(day, "snap_churn")
    rules = list(ChurnRule.objects.filter(active=True))
    churn_rows = [[rule.name, kind_label(rule.kind), rule.months, churn.get(rule.code, 0)]
                  for rule in rules]  # fmt: skip
    by_kind: dict[str, dict[str, int]] = {}
    by: dict[Any, dict[str, int]] = {}
    for d, key, n in (DailyCount.objects.filter(metric="fu_seg", day__gte=r.start, day__lt=r.end)
                      .order_by().values("day", "key").annotate(t=Sum("n"))
                      .values_list("day", "key", "t")):  # fmt: skip
        kind, result = key.rsplit("|", 1)
        by_kind.setdefault(kind, Counter())[result] += n
        if kind.startswith("level:"):
            by.setdefault(bucket_of(d, group), Counter())[result] += n
    levels = {c.value: choice_label(c.label) for c in Level}

    def name(kind: str) -> str:
        what, code = kind.split(":", 1)
        if what == "level":
            return f"{_('级别')} {levels.get(code, code)}"
        return f"RFM {in_language(SEGMENTS.get(code, (code or '—', code or '—')))}"

    def row(head: str, d: dict[str, int]) -> list[Any]:
        asked = d["satisfied"] + d["unsatisfied"]
        return [head, asked, d["satisfied"], d["unsatisfied"],
                round(d["satisfied"] * 100 / asked, 1) if asked else None]  # fmt: skip

    sat_columns = [_("已回访"), _("满意"), _("不满意"), _("满意率%")]
    return [
        {"title": _("RFM 客户分层"), "columns": [_("分层"), "RFM", _("人数"), _("占比%")],
         "rows": seg_rows},
        {"title": _("流失客户"), "columns": [_("规则"), _("类型"), _("月数"), _("人数")],
         "rows": churn_rows, "links": [f"/reports/churn/{rule.code}/" for rule in rules]},
        {"title": _("满意度（按客户级别与分层）"), "columns": [_("客户"), *sat_columns],
         "rows": [row(name(k), Counter(d)) for k, d in sorted(by_kind.items())]},
        {"title": _("满意度趋势"), "chart": True, "columns": [_("时段"), *sat_columns],
         "rows": [row(bucket_label(b, group), Counter(by.get(b, {})))
                  for b in buckets(r, group)]},
    ]  # fmt: skip
