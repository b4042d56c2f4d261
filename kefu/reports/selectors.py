"""The reports (R-8.1), read from the daily aggregates: each a list of tables (the first by
person or family, the second by period, which the chart draws) for a range, grouped by day,
week or month, filtered by agent, channel or follow-up family. The same tables fill the
page, the XLSX (a sheet each) and the API."""

from __future__ import annotations

from collections import defaultdict
from contextvars import ContextVar
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.core.errors import FieldError, PermissionDenied, ValidationFailed
from kefu.core.inputs import choice_label, in_language
from kefu.core.replica import replica_reads
from kefu.interactions.choices import Category, Channel
from kefu.reports import analysis
from kefu.reports.models import DailyCount
from kefu.reports.periods import Range, bucket_label, bucket_of, buckets

TITLES = {
    "workload": ("工作量", "Workload"),
    "followups": ("回访完成与满意度", "Follow-up completion and satisfaction"),
    "answer_speed": ("接听及时率", "Answer speed"),
    "work_orders": ("工单及时率", "Work-order timeliness"),
    "complaints": ("顾客投诉分类统计", "Complaints by class"),
    "care": ("关怀消息", "Care messages"),
    "quality": ("质检成绩", "QA scores"),
    "summary": ("周报汇总", "Weekly summary"),
    "customers": ("客户分析", "Customer groups"),
    "loyalty": ("忠诚度与流失", "Loyalty and churn"),
}


# One department's figures (a team's): the report sets it for the call. Per-person metrics
# are those of the department's people; work orders' and complaints' are those of the
# department they were given to; the center's own (scores by question, care messages) stay
# whole.
_department: ContextVar[int | None] = ContextVar("report_department", default=None)
CENTER_WIDE = {"score_sum", "score_n", "care", "fu_seg", "fu_reason", "calls_hour",
               "calls_hour_in_time"}  # fmt: skip


def _rows(metrics: list[str], r: Range, agent: User | None = None) -> QuerySet[DailyCount]:
    qs = DailyCount.objects.filter(metric__in=metrics, day__gte=r.start, day__lt=r.end)
    dept = _department.get()
    if dept is not None:
        orders = [m for m in metrics if m.startswith("wo_")]
        complaints = [m for m in metrics if m.startswith("cp_") and not m.startswith("cp_stage")]
        whole = [m for m in metrics if m in CENTER_WIDE or m.startswith("cp_stage")]
        people = [m for m in metrics if m not in {*orders, *complaints, *whole}]
        qs = qs.filter(
            Q(metric__in=people, agent__department_id=dept)
            | Q(metric__in=orders, key=str(dept))
            | Q(metric__in=complaints, key__endswith=f"|{dept}")
            | Q(metric__in=whole)
        )
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


def percent(part: int, whole: int) -> float | None:
    """part of whole in %, one decimal; None when there is no whole."""
    return round(part * 100 / whole, 1) if whole else None


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
    columns = [_("坐席"), _("合计"), *(choice_label(c.label) for c in cats), _("来电"),
               _("去电"), _("来访"), _("来函")]  # fmt: skip
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
        return [head, d["fu_due"], d["fu_on_time"], percent(d["fu_on_time"], d["fu_due"]),
                d["fu_done"], d["fu_unsatisfied"]]  # fmt: skip

    reasons: dict[str, int] = defaultdict(int)
    if agent is None:
        for key, n in (_rows(["fu_reason"], r).values("key").annotate(t=Sum("n"))
                       .values_list("key", "t")):  # fmt: skip
            if not family or key.split("|")[0] == family:
                reasons[key] += n
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
        {"title": _("不满意原因"), "columns": [_("回访类型"), _("题目"), _("回答"), _("次数")],
         "rows": [[*key.split("|", 2), n]
                  for key, n in sorted(reasons.items(), key=lambda kv: -kv[1])]},
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
                percent(d["calls_in_time"], d["calls_in"])]  # fmt: skip

    people = sorted(per.items(), key=lambda kv: -kv[1]["calls_in"])
    hours: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if agent is None:
        for hour, metric, n in _by_metric(_rows(["calls_hour", "calls_hour_in_time"], r), "key"):
            hours[hour][metric] += n
    hour_rows = [[f"{h}:00", d["calls_hour"], d["calls_hour_in_time"],
                  percent(d["calls_hour_in_time"], d["calls_hour"])]
                 for h, d in sorted(hours.items())]  # fmt: skip
    return [
        {"title": _("按坐席"), "columns": columns, "rows": [row(names[a], d) for a, d in people]},
        {"title": _("按时段"), "chart": True, "columns": [_("时段"), *columns[1:]],
         "rows": [row(bucket_label(b, group), by[b]) for b in buckets(r, group)]},
        {"title": _("按小时（全部坐席）"), "columns": [_("时"), _("来电"), _("及时接听"),
                                                   _("及时率%")], "rows": hour_rows},
    ]  # fmt: skip


def _departments() -> dict[str, str]:
    from kefu.accounts.models import Department

    names = {str(pk): name for pk, name in Department.objects.values_list("pk", "name")}
    names[""] = _("未指定")
    return names


def work_orders(r: Range, group: str, agent: User | None, channel: str) -> list[dict[str, Any]]:
    """Per department: work orders created, done, done on time and the on-time rate, stalled
    (due time passed undone), urged and escalated; per period the same; and what is overdue
    now."""
    from kefu.tickets.selectors import overdue_by_department

    metrics = ["wo_created", "wo_done", "wo_done_on_time", "wo_stalled", "wo_urged",
               "wo_escalated"]  # fmt: skip
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = _rows(metrics, r)
    for key, metric, n in _by_metric(rows, "key"):
        per[key][metric] += n
    for day, metric, n in _by_metric(rows, "day"):
        by[bucket_of(day, group)][metric] += n
    names = _departments()
    columns = [_("部门"), _("新建"), _("完成"), _("按时完成"), _("及时率%"), _("超时未完成"),
               _("催办"), _("升级")]  # fmt: skip

    def row(head: str, d: dict[str, int]) -> list[Any]:
        return [head, d["wo_created"], d["wo_done"], d["wo_done_on_time"],
                percent(d["wo_done_on_time"], d["wo_done"]), d["wo_stalled"], d["wo_urged"],
                d["wo_escalated"]]  # fmt: skip

    now = overdue_by_department()
    return [
        {"title": _("按部门"), "columns": columns,
         "rows": [row(names.get(k, k), d) for k, d in sorted(per.items())]},
        {"title": _("按时段"), "chart": True, "columns": [_("时段"), *columns[1:]],
         "rows": [row(bucket_label(b, group), by[b]) for b in buckets(r, group)]},
        {"title": _("当前超时未完成（实时）"), "columns": [_("部门"), _("工单数"), _("最早期限")],
         "rows": [[names.get(k, k), n, oldest] for k, n, oldest in now]},
    ]  # fmt: skip


def _yuan(fen: int) -> float:
    return round(fen / 100, 2)


def complaints(r: Range, group: str, agent: User | None, channel: str) -> list[dict[str, Any]]:
    """顾客投诉分类统计表: per class the complaints received, their share, closed, reopened
    (and the reopen rate), compensations and their amount, and the received ones by
    department across; the same per department; the average time of each stage; per
    period."""
    from kefu.complaints.choices import ComplaintClass, Stage

    metrics = ["cp_received", "cp_closed", "cp_reopened", "cp_comp_fen", "cp_comp_n"]
    per_class: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_dept: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    cross: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = _rows(metrics, r)
    for key, metric, n in _by_metric(rows, "key"):
        cls, dept = key.split("|", 1)
        per_class[cls][metric] += n
        per_dept[dept][metric] += n
        if metric == "cp_received":
            cross[cls][dept] += n
    for day, metric, n in _by_metric(rows, "day"):
        by[bucket_of(day, group)][metric] += n
    names = _departments()
    classes = {c.value: choice_label(c.label) for c in ComplaintClass}
    classes[""] = _("未分类")
    total = sum(d["cp_received"] for d in per_class.values())
    depts = sorted({d for c in cross.values() for d in c}, key=lambda d: names.get(d, d))

    def row(head: str, d: dict[str, int]) -> list[Any]:
        return [head, d["cp_received"], percent(d["cp_received"], total), d["cp_closed"],
                d["cp_reopened"], percent(d["cp_reopened"], d["cp_closed"]), d["cp_comp_n"],
                _yuan(d["cp_comp_fen"])]  # fmt: skip

    counts = [_("受理"), _("占比%"), _("结案"), _("重开"), _("重开率%"), _("补偿次数"),
              _("补偿金额(元)")]  # fmt: skip
    order = [c.value for c in ComplaintClass if c.value in per_class] + sorted(
        k for k in per_class if k not in classes or k == ""
    )
    class_rows = [
        [*row(classes.get(k, k), per_class[k]), *(cross[k][d] for d in depts)] for k in order
    ]
    if class_rows:
        summed: dict[str, int] = defaultdict(int)
        for d in per_class.values():
            for metric, n in d.items():
                summed[metric] += n
        class_rows.append([*row(_("合计"), summed),
                           *(sum(cross[k][d] for k in cross) for d in depts)])  # fmt: skip
    stage_rows = []
    for stage, metric, n in _by_metric(_rows(["cp_stage_min", "cp_stage_n"], r), "key"):
        stage_rows.append((stage, metric, n))
    stage_sum: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for stage, metric, n in stage_rows:
        stage_sum[stage][metric] += n
    stage_table = [
        [choice_label(s.label), stage_sum[s.value]["cp_stage_n"],
         round(stage_sum[s.value]["cp_stage_min"] / stage_sum[s.value]["cp_stage_n"] / 60, 1)]
        for s in Stage if stage_sum[s.value]["cp_stage_n"]
    ]  # fmt: skip
    return [
        {"title": _("顾客投诉分类统计表"),
         "columns": [_("类别"), *counts, *(names.get(d, d) for d in depts)],
         "rows": class_rows},
        {"title": _("按部门"), "columns": [_("部门"), *counts],
         "rows": [row(names.get(k, k), d) for k, d in sorted(per_dept.items())]},
        {"title": _("各阶段用时"), "columns": [_("阶段"), _("完成次数"), _("平均用时(小时)")],
         "rows": stage_table},
        {"title": _("按时段"), "chart": True, "columns": [_("时段"), *counts],
         "rows": [row(bucket_label(b, group), by[b]) for b in buckets(r, group)]},
    ]  # fmt: skip


def summary(r: Range, group: str, agent: User | None, channel: str) -> list[dict[str, Any]]:
    """The manager's weekly summary (R-8.1, seed 000): items accepted (contacts by kind),
    supervised (work orders urged and escalated), fed back (work orders done, complaints
    closed) and followed up (follow-ups done, dissatisfied), and per period the same."""
    metrics = ["contacts", "wo_created", "wo_urged", "wo_escalated", "wo_done", "cp_received",
               "cp_closed", "fu_done", "fu_unsatisfied"]  # fmt: skip
    totals: dict[str, int] = defaultdict(int)
    cats: dict[str, int] = defaultdict(int)
    by: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = _rows(metrics, r)
    for key, metric, n in _by_metric(rows, "key"):
        totals[metric] += n
        if metric == "contacts":
            cats[key.split("|", 1)[1]] += n
    for day, metric, n in _by_metric(rows, "day"):
        by[bucket_of(day, group)][metric] += n
    accepted = [[_("受理") + " · " + choice_label(c.label), cats[c.value]] for c in Category]
    lines = [
        [_("受理合计（接待记录）"), totals["contacts"]],
        *accepted,
        [_("督办：工单新建"), totals["wo_created"]],
        [_("督办：催办"), totals["wo_urged"]],
        [_("督办：升级"), totals["wo_escalated"]],
        [_("反馈：工单完成"), totals["wo_done"]],
        [_("反馈：投诉受理"), totals["cp_received"]],
        [_("反馈：投诉结案"), totals["cp_closed"]],
        [_("回访：已回访"), totals["fu_done"]],
        [_("回访：不满意"), totals["fu_unsatisfied"]],
    ]
    columns = [_("时段"), _("受理"), _("催办"), _("工单完成"), _("投诉结案"), _("已回访")]

    def row(head: str, d: dict[str, int]) -> list[Any]:
        return [head, d["contacts"], d["wo_urged"], d["wo_done"], d["cp_closed"], d["fu_done"]]

    return [
        {"title": _("汇总"), "columns": [_("项目"), _("数量")], "rows": lines},
        {"title": _("按时段"), "chart": True, "columns": columns,
         "rows": [row(bucket_label(b, group), by[b]) for b in buckets(r, group)]},
    ]  # fmt: skip


SKIP_REASONS = {
    "opt_out": ("顾客拒收", "customer opted out"),
    "no_mobile": ("无手机号", "no mobile number"),
    "no_email": ("无邮箱", "no e-mail address"),
    "no_address": ("无地址", "no address"),
}


def care(r: Range, group: str, agent: User | None, channel: str) -> list[dict[str, Any]]:
    """Care messages (R-6.4) due in the range by channel: sent, failed, skipped (and why),
    waiting; per period the same."""
    from kefu.care.choices import Channel as CareChannel

    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    reasons: dict[tuple[str, str], int] = defaultdict(int)
    by: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = _rows(["care"], r)
    if channel:
        rows = rows.filter(key__startswith=f"{channel}|")
    for fields in ("key", "day"):
        for head, key, n in _summed(rows, fields):
            ch, status, reason = key.split("|", 2)
            waiting = status in ("queued", "sending")
            target = per[ch] if fields == "key" else by[bucket_of(head, group)]
            target["waiting" if waiting else status] += n
            target["total"] += n
            if fields == "key" and reason:
                reasons[ch, reason] += n
    channels = {c.value: choice_label(c.label) for c in CareChannel}
    columns = [_("渠道"), _("应发"), _("已发送"), _("发送失败"), _("未发送"), _("待发送"),
               _("送达率%")]  # fmt: skip

    def row(head: str, d: dict[str, int]) -> list[Any]:
        return [head, d["total"], d["sent"], d["failed"], d["skipped"], d["waiting"],
                percent(d["sent"], d["total"] - d["waiting"])]  # fmt: skip

    def reason_label(code: str) -> str:
        return in_language(SKIP_REASONS.get(code, (code, code)))

    return [
        {"title": _("按渠道"), "columns": columns,
         "rows": [row(channels.get(k, k), d) for k, d in sorted(per.items())]},
        {"title": _("未发送原因"), "columns": [_("渠道"), _("原因"), _("条数")],
         "rows": [[channels.get(c, c), reason_label(why), n]
                  for (c, why), n in sorted(reasons.items())]},
        {"title": _("按时段"), "chart": True, "columns": [_("时段"), *columns[1:]],
         "rows": [row(bucket_label(b, group), by[b]) for b in buckets(r, group)]},
    ]  # fmt: skip


def quality(r: Range, group: str, agent: User | None, channel: str) -> list[dict[str, Any]]:
    """QA scores (R-7.1) given in the range: per agent the inspections and the average, as
    a percentage of the form's total; per period the same."""
    per: dict[int | None, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    by: dict[Any, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    rows = _rows(["qa_sum", "qa_n"], r, agent)
    for fields in ("agent_id", "day"):
        for head, key, metric, n in (
            rows.order_by().values(fields, "key", "metric").annotate(t=Sum("n"))
            .values_list(fields, "key", "metric", "t")
        ):  # fmt: skip
            target = per[head] if fields == "agent_id" else by[bucket_of(head, group)]
            if metric == "qa_n":
                target["n"] += n
            else:  # each score as a share of its form's total
                target["pct"] += n * 100 / (int(key) or 100)
    names = _names(set(per))
    columns = [_("坐席"), _("质检数"), _("平均得分率%")]

    def row(head: str, d: dict[str, float]) -> list[Any]:
        return [head, int(d["n"]), round(d["pct"] / d["n"], 1) if d["n"] else None]

    people = sorted(per.items(), key=lambda kv: -(kv[1]["pct"] / (kv[1]["n"] or 1)))
    return [
        {"title": _("按坐席"), "columns": columns, "rows": [row(names[a], d) for a, d in people]},
        {"title": _("按时段"), "chart": True, "columns": [_("时段"), *columns[1:]],
         "rows": [row(bucket_label(b, group), by[b]) for b in buckets(r, group)]},
    ]  # fmt: skip


BUILDERS = {"workload": workload, "followups": followups, "answer_speed": answer_speed,
            "work_orders": work_orders, "complaints": complaints, "care": care,
            "quality": quality, "summary": summary, "customers": analysis.customers_report,
            "loyalty": analysis.loyalty_report}  # fmt: skip


@replica_reads
def report(
    *, user: Any, name: str, r: Range, group: str = "day", agent: str = "", channel: str = "",
    family: str = "", department: str = "",
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
    dept = None
    if department:
        from kefu.accounts.models import Department

        dept = Department.objects.filter(code=department[:32]).values_list("pk", flat=True).first()
        if dept is None:
            raise ValidationFailed(FieldError("department", "unknown", f"没有部门 {department}",
                                              f"no department {department}"))  # fmt: skip
    buckets(r, group)  # a bad group or too many periods is refused before reading
    extra = family if name == "followups" else channel
    token = _department.set(dept)
    try:
        tables = BUILDERS[name](r, group, person, extra)
    finally:
        _department.reset(token)
    return {"name": name, "title": in_language(TITLES[name]), "range": r.label(),
            "stamp": r.stamp(), "group": group, "department": department,
            "tables": tables}  # fmt: skip
