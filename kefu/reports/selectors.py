"""The reports (R-8.1), read from the daily aggregates: each a list of tables (the first by
person or family, the second by period, which the chart draws) for a range, grouped by day,
week or month, filtered by agent, channel or follow-up family. The same tables fill the
page, the XLSX (a sheet each) and the API."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.core.errors import FieldError, PermissionDenied, ValidationFailed
from kefu.core.inputs import label_halves
from kefu.interactions.choices import Category, Channel
from kefu.reports.models import DailyCount
from kefu.reports.periods import Range, bucket_label, bucket_of, buckets

TITLES = {
    "workload": ("工作量", "Workload"),
    "followups": ("回访完成与满意度", "Follow-up completion and satisfaction"),
    "answer_speed": ("接听及时率", "Answer speed"),
    "work_orders": ("工单及时率", "Work-order timeliness"),
    "complaints": ("顾客投诉分类统计", "Complaints by class"),
}


def _rows(metrics: list[str], r: Range, agent: User | None = None) -> QuerySet[DailyCount]:
    qs = DailyCount.objects.filter(metric__in=metrics, day__gte=r.start, day__lt=r.end)
    return qs.filter(agent=agent) if agent is not None else qs


def _summed(rows: QuerySet[DailyCount], head: str) -> Any:
    """(head, key, total) of `rows` grouped by `head` (agent_id or day) and key."""
    return rows.order_by().values(head, "key").annotate(t=Sum("n")).values_list(head, "key", "t")


def _by_metric(rows: QuerySet[DailyCount], head: str) -> Any:
    """(head, metric, total) of `rows` grouped by `head` (agent_id, day or key) and
    metric."""
    return (
        rows.order_by().values(head, "metric").annotate(t=Sum("n"))
        .values_list(head, "metric", "t")
    )  # fmt: skip


def _names(ids: set[int | None]) -> dict[int | None, str]:
    names: dict[int | None, str] = {None: _("未分配")}
    for pk, name, username in User.objects.filter(pk__in=[i for i in ids if i]).values_list(
        "pk", "display_name", "username"
    ):
        names[pk] = name or username
    return names


def _pct(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def _label(choice: Any) -> str:
    zh, en = label_halves(choice.label)
    return en if _english() else zh


def workload(r: Range, group: str, agent: User | None, channel: str) -> list[dict[str, Any]]:
    """Contacts per agent by category, and per period."""
    cats = list(Category)
    per: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = _rows(["contacts"], r, agent)
    if channel:
        rows = rows.filter(key__startswith=f"{channel}|")
    # summed by the database: a year of 200 agents is ~700,000 daily rows
    for fields in ("agent_id", "day"):
        for head, key, n in _summed(rows, fields):
            ch, cat = key.split("|", 1)
            target = by[bucket_of(head, group)] if fields == "day" else per[head]
            target[cat] += n
            target["total"] += n
            target[ch] += n
    names = _names(set(per))
    columns = [_("坐席"), _("合计"), *(_label(c) for c in cats), _("来电"), _("去电"), _("来访"),
               _("来函")]  # fmt: skip
    shown = (Channel.INBOUND_CALL, Channel.OUTBOUND_CALL, Channel.VISIT, Channel.LETTER)

    def row(head: str, d: dict[str, int]) -> list[Any]:
        return [head, d["total"], *(d[c.value] for c in cats), *(d[c.value] for c in shown)]

    people = sorted(per.items(), key=lambda kv: -kv[1]["total"])
    return [
        {"title": _("按坐席"), "columns": columns,
         "rows": [row(names[a], d) for a, d in people]},
        {"title": _("按时段"), "chart": True, "columns": [_("时段"), *columns[1:]],
         "rows": [row(bucket_label(b, group), by[b]) for b in buckets(r, group)]},
    ]  # fmt: skip


def followups(r: Range, group: str, agent: User | None, family: str) -> list[dict[str, Any]]:
    """Per follow-up family: due in the range, done on time (of those due), completion, done
    in the range (whenever due), dissatisfied; per question its average on its own scale;
    per period completion."""
    metrics = ["fu_due", "fu_on_time", "fu_done", "fu_unsatisfied"]
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = _rows(metrics, r, agent)
    if family:
        rows = rows.filter(key=family)
    for key, metric, n in _by_metric(rows, "key"):
        per[key][metric] += n
    for day, metric, n in _by_metric(rows, "day"):
        by[bucket_of(day, group)][metric] += n
    scores: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if agent is None:  # scores are kept for the center, not per person
        for metric, key, n in (
            _rows(["score_sum", "score_n"], r).values("metric", "key").annotate(t=Sum("n"))
            .values_list("metric", "key", "t")
        ):  # fmt: skip
            if not family or key.split("|")[0] == family:
                scores[key][metric] += n
    columns = [
        _("回访类型"),
        _("应回访"),
        _("按时完成"),
        _("完成率%"),
        _("本期已回访"),
        _("不满意"),
    ]

    def row(head: str, d: dict[str, int]) -> list[Any]:
        return [head, d["fu_due"], d["fu_on_time"], _pct(d["fu_on_time"], d["fu_due"]),
                d["fu_done"], d["fu_unsatisfied"]]  # fmt: skip

    question_rows = []
    for key, d in sorted(scores.items()):
        fam, question, scale = key.split("|")
        average = round(d["score_sum"] / d["score_n"], 2) if d["score_n"] else None
        question_rows.append([fam, question, f"0–{scale}", d["score_n"], average])
    return [
        {"title": _("按回访类型"), "columns": columns,
         "rows": [row(k, d) for k, d in sorted(per.items())]},
        {"title": _("按时段"), "chart": True, "columns": [_("时段"), *columns[1:]],
         "rows": [row(bucket_label(b, group), by[b]) for b in buckets(r, group)]},
        {"title": _("满意度（各题按自身分制）"),
         "columns": [_("回访类型"), _("题目"), _("分制"), _("作答数"), _("平均分")],
         "rows": question_rows},
    ]  # fmt: skip


def answer_speed(r: Range, group: str, agent: User | None, channel: str) -> list[dict[str, Any]]:
    """Inbound calls, answered, answered within the center's seconds, per agent and period."""
    metrics = ["calls_in", "calls_answered", "calls_in_time"]
    per: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = _rows(metrics, r, agent)
    for agent_id, metric, n in _by_metric(rows, "agent_id"):
        per[agent_id][metric] += n
    for day, metric, n in _by_metric(rows, "day"):
        by[bucket_of(day, group)][metric] += n
    names = _names(set(per))
    columns = [_("坐席"), _("来电"), _("已接听"), _("及时接听"), _("及时率%")]

    def row(head: str, d: dict[str, int]) -> list[Any]:
        return [head, d["calls_in"], d["calls_answered"], d["calls_in_time"],
                _pct(d["calls_in_time"], d["calls_in"])]  # fmt: skip

    people = sorted(per.items(), key=lambda kv: -kv[1]["calls_in"])
    return [
        {"title": _("按坐席"), "columns": columns, "rows": [row(names[a], d) for a, d in people]},
        {"title": _("按时段"), "chart": True, "columns": [_("时段"), *columns[1:]],
         "rows": [row(bucket_label(b, group), by[b]) for b in buckets(r, group)]},
    ]  # fmt: skip


def _departments() -> dict[str, str]:
    from kefu.accounts.models import Department

    names = {str(pk): name for pk, name in Department.objects.values_list("pk", "name")}
    names[""] = _("未指定")
    return names


def work_orders(r: Range, group: str, agent: User | None, channel: str) -> list[dict[str, Any]]:
    """Per department: work orders created, done, done on time and the on-time rate; per
    period the same."""
    metrics = ["wo_created", "wo_done", "wo_done_on_time"]
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = _rows(metrics, r)
    for key, metric, n in _by_metric(rows, "key"):
        per[key][metric] += n
    for day, metric, n in _by_metric(rows, "day"):
        by[bucket_of(day, group)][metric] += n
    names = _departments()
    columns = [_("部门"), _("新建"), _("完成"), _("按时完成"), _("及时率%")]

    def row(head: str, d: dict[str, int]) -> list[Any]:
        return [head, d["wo_created"], d["wo_done"], d["wo_done_on_time"],
                _pct(d["wo_done_on_time"], d["wo_done"])]  # fmt: skip

    return [
        {"title": _("按部门"), "columns": columns,
         "rows": [row(names.get(k, k), d) for k, d in sorted(per.items())]},
        {"title": _("按时段"), "chart": True, "columns": [_("时段"), *columns[1:]],
         "rows": [row(bucket_label(b, group), by[b]) for b in buckets(r, group)]},
    ]  # fmt: skip


def complaints(r: Range, group: str, agent: User | None, channel: str) -> list[dict[str, Any]]:
    """顾客投诉分类统计: complaints received and closed by class, by department, by period."""
    from kefu.complaints.choices import ComplaintClass

    metrics = ["cp_received", "cp_closed"]
    per_class: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_dept: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = _rows(metrics, r)
    for key, metric, n in _by_metric(rows, "key"):
        cls, dept = key.split("|", 1)
        per_class[cls][metric] += n
        per_dept[dept][metric] += n
    for day, metric, n in _by_metric(rows, "day"):
        by[bucket_of(day, group)][metric] += n
    names = _departments()
    classes = {c.value: _label(c) for c in ComplaintClass}
    classes[""] = _("未分类")

    def row(head: str, d: dict[str, int]) -> list[Any]:
        return [head, d["cp_received"], d["cp_closed"]]

    counts = [_("受理"), _("结案")]
    return [
        {"title": _("按类别"), "columns": [_("类别"), *counts],
         "rows": [row(classes.get(k, k), d) for k, d in sorted(per_class.items())]},
        {"title": _("按部门"), "columns": [_("部门"), *counts],
         "rows": [row(names.get(k, k), d) for k, d in sorted(per_dept.items())]},
        {"title": _("按时段"), "chart": True, "columns": [_("时段"), *counts],
         "rows": [row(bucket_label(b, group), by[b]) for b in buckets(r, group)]},
    ]  # fmt: skip


BUILDERS = {"workload": workload, "followups": followups, "answer_speed": answer_speed,
            "work_orders": work_orders, "complaints": complaints}  # fmt: skip


def report(
    *, user: Any, name: str, r: Range, group: str = "day", agent: str = "", channel: str = "",
    family: str = "",
) -> dict[str, Any]:  # fmt: skip
    """One report's tables for the range (team leads, QA, managers and the GM)."""
    if not P.has_perm(user, P.VIEW_REPORTS):
        raise PermissionDenied("只有班长、质检、经理和总经理可查看报表", "Reports: leads and above")
    if name not in BUILDERS:
        raise ValidationFailed(FieldError("name", "unknown_report", f"没有报表 {name}",
                                          f"no report {name}"))  # fmt: skip
    person = None
    if agent:
        person = User.objects.filter(username=agent).first()
        if person is None:
            raise ValidationFailed(FieldError("agent", "unknown", f"没有用户 {agent}",
                                              f"no user {agent}"))  # fmt: skip
    if channel and channel not in Channel.values:
        raise ValidationFailed(FieldError("channel", "invalid_channel", f"渠道无效：{channel}",
                                          f"invalid channel: {channel}"))  # fmt: skip
    buckets(r, group)  # a bad group or too many periods is refused before reading
    extra = family if name == "followups" else channel
    tables = BUILDERS[name](r, group, person, extra)
    zh, en = TITLES[name]
    return {"name": name, "title": en if _english() else zh, "range": r.label(),
            "stamp": r.stamp(), "group": group, "tables": tables}  # fmt: skip
