"""Churn lists (R-8.2): when a customer counts as lost (`ChurnRule`, data per center; the
preset's defaults), the list each rule finds from the customers' standings (longest gone
first; counted up to LIST_COUNTED, the day's count gives the whole), its XLSX (logged as an
export of personal data), and what a team lead turns it into: win-back calls (follow-ups of
the rule's follow-up rule, its script and family; once per customer and month) or a care
campaign's message (once per customer, list and month)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import User
from kefu.care.services import LIST_MAX, list_send
from kefu.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from kefu.core.inputs import choice_label
from kefu.customers.choices import Level
from kefu.customers.choices import Status as CustomerStatus
from kefu.customers.models import PiiAccessLog
from kefu.followups import choices as fch
from kefu.followups.models import FollowUp, FollowUpRule, Script
from kefu.followups.services import followup_open
from kefu.reports.models import ChurnRule, CustomerStanding, DailyCount

WINBACK_MAX = 500  # win-back calls made by one click
EXPORT_MAX = 50_000
LIST_COUNTED = 10_000  # a churn list's pages reach this far; the XLSX has EXPORT_MAX


def snap_day(end: dt.date) -> dt.date | None:
    """The latest day with customer counts before `end`."""
    return (DailyCount.objects.filter(metric="snap_total", day__lt=end)
            .order_by("-day").values_list("day", flat=True).first())  # fmt: skip


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
    latest = snap_day(timezone.localdate() + dt.timedelta(days=1))
    counts = dict(DailyCount.objects.filter(day=latest, metric="snap_churn")
                  .values_list("key", "n")) if latest else {}  # fmt: skip
    return [{"code": r.code, "name": r.name, "kind": r.kind, "kind_label": kind_label(r.kind),
             "months": r.months, "count": counts.get(r.code, 0)}
            for r in ChurnRule.objects.filter(active=True)]  # fmt: skip


def kind_label(kind: str) -> str:
    return choice_label(dict(ChurnRule.KINDS)[kind])


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
            "level": choice_label(levels.get(c.level, c.level)),
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
