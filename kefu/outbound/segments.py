"""Customer segments (R-9.3): the fields a segment may filter on, each with its operators,
and the translation of a segment's conditions into one database filter. Every condition
must hold; a list value is "any of"; profile fields (the 麦凯66 fields …) match by
equality, "contains" or "contains any of". Pure apart from reading the profile fields."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Exists, OuterRef, Q

from kefu.accounts.models import User
from kefu.core.errors import FieldError, ValidationFailed
from kefu.customers import choices as cc
from kefu.customers.models import Asset, Customer, ProfileField, Tag
from kefu.followups.models import FollowUp, LifecycleEvent
from kefu.interactions.models import Interaction
from kefu.reports.analysis import AGE_BANDS

CONDITIONS_MAX = 20
VALUES_MAX = 50
VALUE_CHARS = 64
DAYS_MAX = 3650

OPS = {
    "in": ("是其中之一", "is any of"),
    "not_in": ("不是", "is none of"),
    "eq": ("等于", "equals"),
    "contains": ("包含", "contains"),
    "any": ("包含任一", "contains any of"),
    "gte": ("不少于", "at least"),
    "lte": ("不多于", "at most"),
    "within": ("最近 N 天内有", "within the last N days"),
    "not_within": ("最近 N 天内没有", "not within the last N days"),
    "due_within": ("N 天内到期", "due within the next N days"),
}


@dataclass(frozen=True)
class SegmentField:
    key: str
    label: tuple[str, str]
    ops: tuple[str, ...]
    value: str  # list, text, number, days, bool
    build: Callable[[str, Any, dict[str, Any]], Q]
    options: Callable[[], list[tuple[str, str]]] | None = None
    days: bool = False  # also takes a number of days (events, satisfaction)


def _halves(label: object) -> tuple[str, str]:
    zh, _, en = str(label).partition(" ")
    return zh, en or zh


def _choices(cls: Any) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(v, str(label)) for v, label in cls.choices]


def _since(days: int, today: dt.date) -> dt.date:
    return today - dt.timedelta(days=days)


def _exists(model: Any, field: str = "customer_id", **lookups: Any) -> Exists:
    return Exists(model.objects.filter(**{field: OuterRef("pk")}, **lookups))


def _list_op(column: str) -> Callable[[str, Any, dict[str, Any]], Q]:
    def build(op: str, value: Any, ctx: dict[str, Any]) -> Q:
        if op == "contains":
            return Q(**{f"{column}__icontains": value})
        if op == "any":
            q = Q()
            for v in value:
                q |= Q(**{f"{column}__icontains": v})
            return q
        q = Q(**{f"{column}__in": value})
        return ~q if op == "not_in" else q

    return build


def _number_op(column: str) -> Callable[[str, Any, dict[str, Any]], Q]:
    return lambda op, value, ctx: Q(**{f"{column}__{'gte' if op == 'gte' else 'lte'}": value})


def _day_op(column: str) -> Callable[[str, Any, dict[str, Any]], Q]:
    """`within` N days: on or after the day N days ago; `not_within`: never, or before it."""

    def build(op: str, value: Any, ctx: dict[str, Any]) -> Q:
        q = Q(**{f"{column}__gte": _since(value, ctx["today"])})
        return q if op == "within" else ~q

    return build


def _due_op(column: str, model: Any = None) -> Callable[[str, Any, dict[str, Any]], Q]:
    def build(op: str, value: Any, ctx: dict[str, Any]) -> Q:
        today = ctx["today"]
        span = {f"{column}__gte": today, f"{column}__lte": today + dt.timedelta(days=value)}
        return Q(_exists(model, **span)) if model else Q(**span)

    return build


def _tags(op: str, value: Any, ctx: dict[str, Any]) -> Q:
    q = Q(_exists(Customer.tags.through, tag__name__in=value))
    return ~q if op == "not_in" else q


def _contact(op: str, value: Any, ctx: dict[str, Any]) -> Q:
    since = dt.datetime.combine(_since(value, ctx["today"]), dt.time.min, tzinfo=ctx["tz"])
    q = Q(_exists(Interaction, occurred_at__gte=since))
    return q if op == "within" else ~q


def _asset(column: str) -> Callable[[str, Any, dict[str, Any]], Q]:
    inner = _list_op(column)
    return lambda op, value, ctx: Q(
        Exists(Asset.objects.filter(Q(customer_id=OuterRef("pk")) & inner(op, value, ctx)))
    )


def _events(op: str, value: Any, ctx: dict[str, Any]) -> Q:
    since = dt.datetime.combine(_since(ctx["days"], ctx["today"]), dt.time.min, tzinfo=ctx["tz"])
    q = Q(_exists(LifecycleEvent, type__in=value, occurred_at__gte=since))
    return ~q if op == "not_in" else q


def _satisfaction(op: str, value: Any, ctx: dict[str, Any]) -> Q:
    since = dt.datetime.combine(_since(ctx["days"], ctx["today"]), dt.time.min, tzinfo=ctx["tz"])
    return Q(_exists(FollowUp, result__in=value, done_at__gte=since))


def _owners() -> list[tuple[str, str]]:
    return [(u.username, u.display_name or u.username)
            for u in User.objects.filter(is_active=True).order_by("username")[:500]]  # fmt: skip


FIELDS: dict[str, SegmentField] = {f.key: f for f in [
    SegmentField("level", ("会员等级", "member level"), ("in", "not_in"), "list",
                 _list_op("level"), _choices(cc.Level)),
    SegmentField("gender", ("性别", "gender"), ("in",), "list", _list_op("gender"),
                 _choices(cc.Gender)),
    SegmentField("kind", ("客户类型", "customer kind"), ("in",), "list", _list_op("kind"),
                 _choices(cc.CustomerKind)),
    SegmentField("source", ("来源", "source"), ("in", "contains"), "list", _list_op("source")),
    SegmentField("owner", ("专属客服", "the customer's agent"), ("in", "not_in"), "list",
                 _list_op("owner__username"), _owners),
    SegmentField("tags", ("标签", "tags"), ("in", "not_in"), "list", _tags,
                 lambda: [(t, t) for t in Tag.objects.order_by("name")
                          .values_list("name", flat=True)[:500]]),
    SegmentField("region", ("地区", "region"), ("in", "not_in"), "list",
                 _list_op("standing__region")),
    SegmentField("age_band", ("年龄段", "age band"), ("in",), "list",
                 _list_op("standing__age_band"), lambda: [(b, b) for _a, _b, b in AGE_BANDS]),
    SegmentField("rfm", ("RFM 分群", "RFM group"), ("in",), "list",
                 _list_op("standing__segment")),
    SegmentField("purchases", ("购买次数", "purchases"), ("gte", "lte"), "number",
                 _number_op("standing__purchases")),
    SegmentField("amount", ("消费金额(元)", "amount spent (yuan)"), ("gte", "lte"), "number",
                 _number_op("standing__amount")),
    SegmentField("last_visit", ("最近到店", "last service visit"), ("within", "not_within"),
                 "days", _day_op("standing__last_service_on")),
    SegmentField("last_contact", ("最近联系", "last contact"), ("within", "not_within"),
                 "days", _contact),
    SegmentField("asset_model", ("车型/品类", "asset model"), ("in", "any"), "list",
                 _asset("model")),
    SegmentField("asset_kind", ("资产类型", "asset kind"), ("in",), "list", _asset("kind"),
                 _choices(cc.AssetKind)),
    SegmentField("insurance_due", ("保险到期", "insurance expiring"), ("due_within",), "days",
                 _due_op("insurance_expires_on", Asset)),
    SegmentField("maintenance_due", ("保养到期", "maintenance due"), ("due_within",), "days",
                 _due_op("next_maintenance_on", Asset)),
    SegmentField("card_expires", ("会员卡到期", "member card expiring"), ("due_within",),
                 "days", _due_op("card_expires_on")),
    SegmentField("event", ("业务事件", "lifecycle event"), ("in", "not_in"), "list", _events,
                 days=True),
    SegmentField("satisfaction", ("回访满意度", "follow-up satisfaction"), ("in",), "list",
                 _satisfaction, lambda: [("satisfied", "满意 satisfied"),
                                         ("neutral", "一般 neutral"),
                                         ("unsatisfied", "不满意 unsatisfied")], days=True),
]}  # fmt: skip

PROFILE_OPS: dict[str, tuple[str, ...]] = {
    cc.FieldType.TEXT: ("contains", "any", "eq", "in"),
    cc.FieldType.CHOICE: ("in", "not_in"),
    cc.FieldType.NUMBER: ("gte", "lte", "eq"),
    cc.FieldType.DATE: ("gte", "lte"),
    cc.FieldType.BOOL: ("eq",),
}


def _profile_field(key: str) -> SegmentField | None:
    """`extra.<key>`: an active profile field of the center's (R-1.1)."""
    pf = ProfileField.objects.filter(key=key, active=True).first()
    if pf is None:
        return None
    column = f"extra__{key}"
    kind = pf.field_type

    def build(op: str, value: Any, ctx: dict[str, Any]) -> Q:
        if op in ("contains", "any", "in", "not_in"):
            return _list_op(column)(op, value, ctx)
        if op == "eq":
            return Q(**{column: value})
        return Q(**{f"{column}__{op}": value})

    value = {"number": "number", "bool": "bool", "date": "date"}.get(kind, "list")
    options = (lambda: [(str(o), str(o)) for o in pf.options]) if pf.options else None
    return SegmentField(f"extra.{key}", (pf.label, pf.label), PROFILE_OPS.get(str(kind), ("eq",)),
                        value, build, options)  # fmt: skip


def field_for(key: str) -> SegmentField | None:
    if key.startswith("extra."):
        return _profile_field(key[6:])
    return FIELDS.get(key)


def field_catalogue() -> list[dict[str, Any]]:
    """Every field a segment may use, with its operators and options (for the editor)."""
    out = []
    profile = ProfileField.objects.filter(active=True).order_by("group", "sort", "key")
    keys = list(FIELDS) + [f"extra.{k}" for k in profile.values_list("key", flat=True)]
    for key in keys:
        f = field_for(key)
        if f is None:
            continue
        out.append({"key": f.key, "label": f.label, "ops": [(o, OPS[o]) for o in f.ops],
                    "value": f.value, "days": f.days,
                    "options": f.options() if f.options else []})  # fmt: skip
    return out


_SPLIT = re.compile(r"[,，、;；\n]+")


def _err(i: int, part: str, code: str, zh: str, en: str) -> FieldError:
    return FieldError(f"filters[{i}].{part}", code, f"第 {i + 1} 个条件：{zh}",
                      f"Condition {i + 1}: {en}")  # fmt: skip


def _clean_value(i: int, f: SegmentField, raw: Any, errors: list[FieldError]) -> Any:
    if f.value in ("days",):
        try:
            n = int(raw)
        except (TypeError, ValueError):
            n = -1
        if not 1 <= n <= DAYS_MAX:
            errors.append(_err(i, "value", "invalid_days", f"天数须为 1–{DAYS_MAX} 的整数",
                               f"the days must be a whole number 1–{DAYS_MAX}"))  # fmt: skip
        return n
    if f.value == "number":
        try:
            return float(Decimal(str(raw).strip()))
        except (InvalidOperation, ValueError):
            errors.append(_err(i, "value", "invalid_number", "请填写数字", "a number is needed"))
            return None
    if f.value == "bool":
        return str(raw).strip().lower() in ("1", "true", "yes", "是", "y")
    if f.value == "date":
        try:
            return dt.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            errors.append(_err(i, "value", "invalid_date", "日期格式为 YYYY-MM-DD",
                               "a date is YYYY-MM-DD"))  # fmt: skip
            return None
    items = raw if isinstance(raw, list) else _SPLIT.split(str(raw or ""))
    values = [str(v).strip() for v in items if str(v).strip()]
    if not values:
        errors.append(_err(i, "value", "required", "请填写条件的值", "a value is needed"))
    elif len(values) > VALUES_MAX:
        errors.append(_err(i, "value", "too_many", f"最多 {VALUES_MAX} 个值",
                           f"at most {VALUES_MAX} values"))  # fmt: skip
    elif any(len(v) > VALUE_CHARS for v in values):
        errors.append(_err(i, "value", "too_long", f"每个值最多 {VALUE_CHARS} 个字",
                           f"each value is at most {VALUE_CHARS} characters"))  # fmt: skip
    elif f.options is not None and f.key not in ("tags", "owner"):
        # a choice may be typed as its value or its label in either language (会员, member)
        named: dict[str, str] = {}
        for v, label in f.options():
            for name in (v, *_halves(label)):
                named.setdefault(name.lower(), v)
        values = [named.get(v.lower(), v) for v in values]
        allowed = set(named.values())
        bad = [v for v in values if v not in allowed]
        if bad:
            errors.append(_err(i, "value", "invalid_choice", f"无效的值：{'、'.join(bad[:5])}",
                               f"not a choice: {', '.join(bad[:5])}"))  # fmt: skip
    return values


def filters_clean(raw: Any) -> list[dict[str, Any]]:
    """The conditions as stored, or every problem at once, each naming its condition."""
    if not isinstance(raw, list):
        raise ValidationFailed(FieldError("filters", "invalid", "条件须为列表",
                                          "filters must be a list"))  # fmt: skip
    if len(raw) > CONDITIONS_MAX:
        raise ValidationFailed(FieldError("filters", "too_many", f"最多 {CONDITIONS_MAX} 个条件",
                                          f"at most {CONDITIONS_MAX} conditions"))  # fmt: skip
    errors: list[FieldError] = []
    out = []
    for i, cond in enumerate(raw):
        cond = cond if isinstance(cond, dict) else {}
        f = field_for(str(cond.get("field") or "")[:60])
        if f is None:
            errors.append(_err(i, "field", "unknown_field", f"没有字段 {cond.get('field')!s:.40}",
                               f"no field {cond.get('field')!s:.40}"))  # fmt: skip
            continue
        op = str(cond.get("op") or f.ops[0])
        if op not in f.ops:
            takes = "、".join(OPS[o][0] for o in f.ops)
            errors.append(_err(i, "op", "invalid_op", f"{f.label[0]} 可用：{takes}",
                               f"{f.label[1]} takes {', '.join(f.ops)}"))  # fmt: skip
            continue
        value = _clean_value(i, f, cond.get("value"), errors)
        if op in ("contains", "eq") and isinstance(value, list):
            value = value[0] if value else ""
        item: dict[str, Any] = {"field": f.key, "op": op, "value": value}
        if f.days:
            item["days"] = _clean_value(i, SegmentField("", ("", ""), (), "days", f.build),
                                        cond.get("days") or 365, errors)  # fmt: skip
        out.append(item)
    if errors:
        raise ValidationFailed(errors)
    return out


def segment_q(filters: list[dict[str, Any]], *, today: dt.date, tz: dt.tzinfo) -> Q:
    """One filter on Customer for the stored conditions (all must hold)."""
    q = Q()
    for cond in filters:
        f = field_for(cond["field"])
        if f is None:  # a profile field retired since: it matches nobody
            return Q(pk__in=[])
        q &= f.build(cond["op"], cond["value"], {"today": today, "tz": tz,
                                                  "days": cond.get("days") or 365})  # fmt: skip
    return q


def shown_values(cond: dict[str, Any], english: bool = False) -> Any:
    """A condition's value as a person reads it: a choice's label, not its code."""
    f, value = field_for(cond["field"]), cond["value"]
    if f and f.options and isinstance(value, list):
        names = dict(f.options())
        return [_halves(names.get(v, v))[1 if english else 0] for v in value]
    return value


def describe(filters: list[dict[str, Any]], english: bool = False) -> list[str]:
    """Each condition in words, in the page's language."""
    out = []
    for cond in filters:
        f = field_for(cond["field"])
        label = f.label[1 if english else 0] if f else cond["field"]
        op = OPS.get(cond["op"], (cond["op"], cond["op"]))[1 if english else 0]
        value = shown_values(cond, english)
        shown = "、".join(map(str, value)) if isinstance(value, list) else str(value)
        days = cond.get("days")
        tail = (f"（{days} 天内）" if not english else f" (within {days} days)") if days else ""
        out.append(f"{label} {op} {shown}{tail}")
    return out
