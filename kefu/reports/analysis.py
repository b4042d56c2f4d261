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

A churn rule's list becomes win-back calls (follow-up tasks of the rule's follow-up rule,
its script and family; once per customer, rule and month) and is exported as XLSX."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import User
from kefu.care.services import LIST_MAX, list_send
from kefu.complaints.models import Complaint
from kefu.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from kefu.core.inputs import label_halves
from kefu.customers.choices import Level
from kefu.customers.choices import Status as CustomerStatus
from kefu.customers.models import Asset, Customer, PiiAccessLog
from kefu.followups import choices as fch
from kefu.followups.models import FollowUp, FollowUpRule, LifecycleEvent, Script
from kefu.followups.services import followup_open
from kefu.reports.models import ChurnRule, CustomerStanding, DailyCount
from kefu.reports.periods import Range, bucket_label, bucket_of, buckets

BATCH = 5000
WINBACK_MAX = 500  # win-back calls made by one click
EXPORT_MAX = 50_000
LIST_COUNTED = 10_000  # a churn list's pages reach this far; the XLSX has EXPORT_MAX
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


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "zh-hans").startswith("en")


def _pick(pair: tuple[str, str]) -> str:
    return pair[1] if _english() else pair[0]


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


# ---- churn lists and win-back calls


def churned(rule: ChurnRule, today: dt.date | None = None) -> QuerySet[CustomerStanding]:
    """The active customers this rule finds lost, longest gone first."""
    today = today or timezone.localdate()
    month = today.year * 12 + today.month - 1 - rule.months
    cutoff = dt.date(month // 12, month % 12 + 1, min(today.day, 28))
    qs = CustomerStanding.objects.filter(customer__status=CustomerStatus.ACTIVE)
    if rule.kind == "after_complaint":
        qs = qs.filter(last_complaint_on__lt=cutoff).filter(
            Q(last_service_on__isnull=True) | Q(last_service_on__lt=F("last_complaint_on"))
        )
        return qs.order_by("last_complaint_on", "customer_id")
    # no visit for `months`: customers who came before (a visit or a purchase) and not since
    qs = qs.filter(last_active_on__lt=cutoff).filter(
        Q(last_service_on__lt=cutoff) | Q(last_service_on__isnull=True)
    )
    return qs.order_by("last_active_on", "customer_id")


def _rule(code: str) -> ChurnRule:
    found = ChurnRule.objects.filter(code=code[:40], active=True).first()
    if found is None:
        raise NotFound(f"churn rule {code}")
    return found


def churn_rules(*, user: User) -> list[dict[str, Any]]:
    """The active rules with how many each finds today (from the day's counts)."""
    if not P.has_perm(user, P.VIEW_REPORTS):
        raise PermissionDenied("只有班长、质检、经理和总经理可查看客户分析",
                               "Customer analysis: leads and above")  # fmt: skip
    latest = _snap_day(timezone.localdate() + dt.timedelta(days=1))
    counts = dict(DailyCount.objects.filter(day=latest, metric="snap_churn")
                  .values_list("key", "n")) if latest else {}  # fmt: skip
    return [{"code": r.code, "name": r.name, "kind": r.kind, "kind_label": _kind(r.kind),
             "months": r.months, "count": counts.get(r.code, 0)}
            for r in ChurnRule.objects.filter(active=True)]  # fmt: skip


def _kind(kind: str) -> str:
    zh, en = label_halves(dict(ChurnRule.KINDS)[kind])
    return en if _english() else zh


def churn_list(*, user: User, code: str, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """One rule's list, a page of it: customer, level, owner, last visit, last complaint,
    months gone, and whether a win-back call is open."""
    if not P.has_perm(user, P.VIEW_REPORTS):
        raise PermissionDenied("只有班长、质检、经理和总经理可查看流失名单",
                               "Churn lists: leads and above")  # fmt: skip
    rule = _rule(code)
    qs = churned(rule)
    # counted up to LIST_COUNTED (a lost customer of a center of a million is a long list:
    # counting it all takes half a second); the day's count says how many in all
    total = qs[: LIST_COUNTED + 1].count()
    page = list(qs.select_related("customer__owner")[offset : offset + min(limit, 200)])
    return {"rule": rule, "total": min(total, LIST_COUNTED), "more": total > LIST_COUNTED,
            "rows": _rows(rule, page)}  # fmt: skip


def _rows(rule: ChurnRule, page: list[CustomerStanding]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    open_calls = set(
        FollowUp.objects.filter(customer_id__in=[s.customer_id for s in page],
                                source_key__startswith=f"winback:{rule.code}:",
                                status=fch.Status.PENDING).values_list("customer_id", flat=True)
    )  # fmt: skip
    levels = {c.value: c.label for c in Level}
    out = []
    for s in page:
        c = s.customer
        since = s.last_complaint_on if rule.kind == "after_complaint" else s.last_active_on
        out.append({
            "customer_id": c.pk, "number": c.number, "name": c.name,
            "level": _pick(label_halves(levels.get(c.level, c.level))),
            "owner": (c.owner.display_name or c.owner.username) if c.owner else "",
            "last_service_on": s.last_service_on, "last_purchase_on": s.last_purchase_on,
            "last_complaint_on": s.last_complaint_on,
            "months": _months(since, today),
            "winback_open": c.pk in open_calls,
        })  # fmt: skip
    return out


def _months(since: dt.date | None, today: dt.date) -> int | None:
    return (today.year - since.year) * 12 + today.month - since.month if since else None


def churn_xlsx_rows(*, user: User, code: str) -> tuple[str, list[str], list[list[Any]]]:
    """The whole list (at most EXPORT_MAX) for the XLSX: title, columns, rows."""
    found = churn_list(user=user, code=code, limit=0)
    rule = found["rule"]
    rows: list[list[Any]] = []
    qs = churned(rule).select_related("customer__owner")
    for start in range(0, EXPORT_MAX, 2000):
        chunk = list(qs[start : start + 2000])
        if not chunk:
            break
        for r in _rows(rule, chunk):
            rows.append([r["number"], r["name"], r["level"], r["owner"], r["last_service_on"],
                         r["last_purchase_on"], r["last_complaint_on"], r["months"],
                         _("是") if r["winback_open"] else ""])  # fmt: skip
    # names leave the system: logged like every export of personal data
    PiiAccessLog.objects.create(user=user, action="export", fields=f"churn:{rule.code}",
                                count=len(rows), channel="xlsx")  # fmt: skip
    columns = [_("客户编号"), _("姓名"), _("级别"), _("专属客服"), _("最近到店"), _("最近购买"),
               _("最近投诉"), _("已流失(月)"), _("挽回回访中")]  # fmt: skip
    return rule.name, columns, rows


def _list_action(actor: User, code: str, limit: int, most: int) -> ChurnRule:
    """What both list actions check first: a team lead or above, at most `most` customers
    at once, an active rule."""
    if not P.has_perm(actor, P.MANAGE_TASKS):
        raise PermissionDenied("只有班长及以上可对流失名单生成回访或发送关怀",
                               "Only team leads and above act on a churn list")  # fmt: skip
    if not 1 <= limit <= most:
        raise ValidationFailed(FieldError("limit", "out_of_range", f"每次最多 {most} 位客户",
                                          f"at most {most} customers at a time"))  # fmt: skip
    return _rule(code)


def winback_create(*, actor: User, code: str, limit: int = WINBACK_MAX) -> dict[str, int]:
    """Win-back calls for the first `limit` customers of a rule's list who have none this
    month: follow-up tasks of the rule's follow-up rule (its script and family), owned by
    the customer's agent or the least loaded one, due from today for a week (R-8.2)."""
    rule = _list_action(actor, code, limit, WINBACK_MAX)
    if rule.followup_rule is None:
        raise ValidationFailed(FieldError(
            "followup_rule", "required", f"流失规则“{rule.name}”未设置挽回回访规则",
            f"the churn rule {rule.code} has no win-back follow-up rule"))  # fmt: skip
    today = timezone.localdate()
    stamp = f"{today:%Y%m}"
    agents = list(User.objects.filter(role=Role.AGENT, is_active=True, accepts_customers=True)
                  .annotate(n=Count("followups", filter=Q(followups__status=fch.Status.PENDING)))
                  .order_by("n", "pk"))  # fmt: skip
    load = {a.pk: a.n for a in agents}
    made = skipped = 0
    for standing in churned(rule).select_related("customer__owner").iterator(chunk_size=500):
        if made >= limit:
            break
        customer = standing.customer
        if customer.phone_opt_out:
            skipped += 1
            continue
        owner = customer.owner if customer.owner and customer.owner.is_active else None
        if owner is None and agents:
            owner = min(agents, key=lambda a: (load[a.pk], a.pk))
            load[owner.pk] += 1
        with transaction.atomic():
            _task, created = followup_open(
                kind=fch.Kind.RULE, source_key=f"winback:{rule.code}:{customer.pk}:{stamp}",
                due_on=today, due_by=today + dt.timedelta(days=7), customer=customer,
                owner=owner, rule=rule.followup_rule, family=rule.followup_rule.family,
                note=rule.name,
            )  # fmt: skip
        made += created
    return {"created": made, "skipped_opt_out": skipped}


def churn_care(*, actor: User, code: str, rule_code: str, limit: int = 1000) -> dict[str, int]:
    """A campaign's message (a care rule of the campaign kind: a return offer, a greeting)
    to the first `limit` customers of a churn list — once per customer, list and month."""
    rule = _list_action(actor, code, limit, LIST_MAX)
    ids = list(churned(rule).values_list("customer_id", flat=True)[:limit])
    stamp = f"{timezone.localdate():%Y%m}"
    return list_send(actor=actor, customer_ids=ids, rule_code=rule_code,
                     key=f"churn:{rule.code}:{stamp}")  # fmt: skip


# ---- seeds

WINBACK_SCRIPT = {
    "code": "win-back",
    "name": "流失客户挽回回访 win-back call",
    "opening": "您好，请问是{name}{title}吗？我是{center}的客服{agent}，好久没见到您了，"
               "想了解一下您最近的用车/使用情况，占用您两分钟可以吗？",
    "questions": [
        {"key": "reason", "text": "请问您最近没有再来的原因是？", "kind": "choice", "options": [
            {"value": "moved", "label": "搬家/距离远"},
            {"value": "other_shop", "label": "去了其他店"},
            {"value": "price", "label": "价格原因", "unsatisfied": True},
            {"value": "service", "label": "对服务不满意", "unsatisfied": True},
            {"value": "no_need", "label": "暂时没有需要"}]},
        {"key": "return", "text": "如果我们为您预约，您愿意再来吗？（0–10 分）", "kind": "score",
         "max": 10, "unsatisfied_below": 4},
        {"key": "note", "text": "您还有什么意见或建议？", "kind": "text"},
    ],
    "satisfied_text": "感谢您，我们随时为您预留服务。",
    "unsatisfied_text": "非常抱歉，我们会把您的意见转给相关部门改进，并尽快与您联系。",
    "closing": "欢迎随时来电，再见！",
}  # fmt: skip

CHURN_DEFAULTS = {
    "auto": [("no-visit-6m", "6 个月未回厂", "no_visit", 6),
             ("no-visit-12m", "12 个月未回厂", "no_visit", 12),
             ("after-complaint", "投诉后 3 个月未回厂", "after_complaint", 3)],
    "home": [("no-visit-12m", "12 个月未到店", "no_visit", 12),
             ("after-complaint", "投诉后 6 个月未到店", "after_complaint", 6)],
    "property": [("after-complaint", "投诉后 3 个月无往来", "after_complaint", 3)],
    "general": [("no-visit-12m", "12 个月未购买", "no_visit", 12),
                ("after-complaint", "投诉后 6 个月未购买", "after_complaint", 6)],
}  # fmt: skip
VISIT_EVENTS = {
    "auto": ["repair_handed_back", "maintenance_done"],
    "home": ["contract", "goods_delivered", "installed"],
    "property": ["repair_report"],
    "general": ["purchase"],
}


def churn_rules_seed(preset: str) -> int:
    """The preset's churn rules and the win-back script and follow-up rule, each unless the
    center has one of that code already (edits are kept)."""
    script, _created = Script.objects.get_or_create(code=WINBACK_SCRIPT["code"],
                                                    defaults=WINBACK_SCRIPT)  # fmt: skip
    followup_rule, _created = FollowUpRule.objects.get_or_create(code="win-back", defaults={
        "family": "挽回", "name": "流失客户挽回回访 win-back", "trigger": fch.Trigger.EVENT,
        "event_type": "win_back", "offset_days": 0, "window_days": 7, "script": script,
    })  # fmt: skip
    made = 0
    for code, name, kind, months in CHURN_DEFAULTS.get(preset, CHURN_DEFAULTS["general"]):
        _rule_row, created = ChurnRule.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "months": months,
            "event_types": VISIT_EVENTS.get(preset, []) if kind == "no_visit" else [],
            "followup_rule": followup_rule,
        })  # fmt: skip
        made += created
    return made


# ---- the reports


def _snap_day(end: dt.date) -> dt.date | None:
    """The latest day with counts before `end`."""
    return (DailyCount.objects.filter(metric="snap_total", day__lt=end)
            .order_by("-day").values_list("day", flat=True).first())  # fmt: skip


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
    day = _snap_day(r.end)
    levels = {c.value: _pick(label_halves(c.label)) for c in Level}
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
    day = _snap_day(r.end)
    segments = _snap(day, "snap_segment")
    total = sum(segments.values())
    seg_rows = [[_pick(SEGMENTS[k]), k, segments.get(k, 0),
                 round(segments.get(k, 0) * 100 / total, 1) if total else None]
                for k in SEGMENTS]  # fmt: skip
    churn = _snap(day, "snap_churn")
    rules = list(ChurnRule.objects.filter(active=True))
    churn_rows = [[rule.name, _kind(rule.kind), rule.months, churn.get(rule.code, 0)]
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
    levels = {c.value: _pick(label_halves(c.label)) for c in Level}

    def name(kind: str) -> str:
        what, code = kind.split(":", 1)
        if what == "level":
            return f"{_('级别')} {levels.get(code, code)}"
        return f"RFM {_pick(SEGMENTS.get(code, (code or '—', code or '—')))}"

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
