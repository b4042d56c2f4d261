"""The wall board 实时监控大屏 and the role dashboards (R-8.4).

The wall board is for the team's room: calls ringing and in progress now, today's inbound
calls and the share answered within the center's "3 rings", follow-ups due today against
those done, work orders and complaints past their time limits, and who is available. Its
figures are read live from indexed columns (today's rows only); the page refreshes them
every 30 seconds and at once when the phone system reports a call (a push to the board
group).

The role dashboards put first the figures each role answers for, each against the period
before it, from the daily aggregates: the team lead today against yesterday, the CS
manager and QA this month against last month, the general manager this month against last
month with a twelve-month trend."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kefu.accounts import permissions as P
from kefu.accounts.choices import AgentStatus, Role
from kefu.accounts.models import User
from kefu.complaints import workflow as complaint_flow
from kefu.complaints.models import Complaint
from kefu.core.errors import PermissionDenied
from kefu.core.services import center_settings
from kefu.followups import choices as fch
from kefu.followups.models import FollowUp
from kefu.interactions.choices import Channel
from kefu.interactions.models import Interaction
from kefu.reports.models import DailyCount
from kefu.reports.periods import Range, range_of
from kefu.reports.selectors import percent
from kefu.tickets import workflow as ticket_flow
from kefu.tickets.models import WorkOrder

RINGING_MINUTES = 5  # a ring older than this without an answer or hang-up is stale


def _require(user: User) -> None:
    if not P.has_perm(user, P.VIEW_REPORTS):
        raise PermissionDenied(
            "只有班长、质检、经理和总经理可查看看板", "Dashboards: leads and above"
        )


def wall(*, user: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """The wall board's figures now (live)."""
    _require(user)
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = dt.datetime.combine(today, dt.time(0), tzinfo=timezone.get_current_timezone())
    rings = Interaction.objects.filter(ring_at__gte=start, ring_at__lte=now)
    live = rings.filter(ended_at__isnull=True).aggregate(
        talking=Count("id", filter=Q(answered_at__isnull=False)),
        ringing=Count("id", filter=Q(answered_at__isnull=True,
                                     ring_at__gte=now - dt.timedelta(minutes=RINGING_MINUTES))),
    )  # fmt: skip
    seconds = dt.timedelta(seconds=center_settings().answer_seconds)
    # a call still ringing inside the answer time is neither in time nor late yet
    calls = rings.filter(channel=Channel.INBOUND_CALL).aggregate(
        n=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        within=Count("id", filter=Q(answered_at__lte=F("ring_at") + seconds)),
        decided=Count("id", filter=Q(answered_at__isnull=False) | Q(ring_at__lte=now - seconds)),
    )
    hours = [0] * 24
    in_time = [0] * 24
    for ring_at, answered_at in rings.filter(channel=Channel.INBOUND_CALL).values_list(
        "ring_at", "answered_at"
    ):
        if ring_at is None:
            continue
        hour = timezone.localtime(ring_at).hour
        hours[hour] += 1
        if answered_at and answered_at <= ring_at + seconds:
            in_time[hour] += 1
    due = FollowUp.objects.filter(due_on=today).exclude(status=fch.Status.CANCELLED)
    followups = due.aggregate(n=Count("id"), done=Count("id", filter=Q(status=fch.Status.DONE)))
    done_today = FollowUp.objects.filter(status=fch.Status.DONE, done_at__gte=start).count()
    overdue_orders = WorkOrder.objects.filter(status__in=ticket_flow.OPEN, due_at__lt=now).count()
    overdue_complaints = Complaint.objects.filter(
        stage__in=complaint_flow.OPEN, stage_due_at__lt=now
    ).count()
    agents: dict[str, int] = defaultdict(int)
    for status, n in (
        User.objects.filter(is_active=True, role=Role.AGENT).values("status")
        .annotate(n=Count("id")).values_list("status", "n")
    ):  # fmt: skip
        agents[status] += n
    first = min((h for h in range(24) if hours[h]), default=8)
    last = max((h for h in range(24) if hours[h]), default=now.hour)
    span = range(min(first, 8), max(last, timezone.localtime(now).hour, 18) + 1)
    return {
        "at": timezone.localtime(now),
        "ringing": live["ringing"],
        "talking": live["talking"],
        "calls": calls["n"],
        "answered": calls["answered"],
        "within": calls["within"],
        "decided": calls["decided"],
        "within_pct": percent(calls["within"], calls["decided"]),
        "answer_seconds": center_settings().answer_seconds,
        "fu_due": followups["n"],
        "fu_done": followups["done"],
        "fu_pct": percent(followups["done"], followups["n"]),
        "fu_done_today": done_today,
        "overdue_orders": overdue_orders,
        "overdue_complaints": overdue_complaints,
        "available": agents[AgentStatus.AVAILABLE],
        "in_call": agents[AgentStatus.IN_CALL],
        "wrap_up": agents[AgentStatus.WRAP_UP],
        "away": agents[AgentStatus.AWAY],
        "hourly": {
            "title": _("今日来电（按小时）"),
            "columns": [_("时"), _("来电"), _("及时接听")],
            "rows": [[f"{h:02d}", hours[h], in_time[h]] for h in span],
        },
    }


# ---- role dashboards: each figure from the daily aggregates for a range

# A figure: its label, the metrics it reads, how it is made from their sums, the report it
# opens, and whether a higher value is better (for the arrow's colour).
FIGURES: dict[str, tuple[Any, list[str], Any, str, bool]] = {
    "contacts": (gettext_lazy("接待量"), ["contacts"],
                 lambda s: s["contacts"], "workload", True),
    "calls_in": (gettext_lazy("来电"), ["calls_in"],
                 lambda s: s["calls_in"], "answer_speed", True),
    "answer_rate": (gettext_lazy("接听及时率%"), ["calls_in", "calls_in_time"],
                    lambda s: percent(s["calls_in_time"], s["calls_in"]), "answer_speed", True),
    "fu_completion": (gettext_lazy("回访完成率%"), ["fu_due", "fu_on_time"],
                      lambda s: percent(s["fu_on_time"], s["fu_due"]), "followups", True),
    "fu_done": (gettext_lazy("已回访"), ["fu_done"],
                lambda s: s["fu_done"], "followups", True),
    "fu_unsatisfied": (gettext_lazy("回访不满意"), ["fu_unsatisfied"],
                       lambda s: s["fu_unsatisfied"], "followups", False),
    "wo_on_time": (gettext_lazy("工单及时率%"), ["wo_done", "wo_done_on_time"],
                   lambda s: percent(s["wo_done_on_time"], s["wo_done"]), "work_orders", True),
    "wo_stalled": (gettext_lazy("工单超时"), ["wo_stalled"],
                   lambda s: s["wo_stalled"], "work_orders", False),
    "cp_received": (gettext_lazy("投诉受理"), ["cp_received"],
                    lambda s: s["cp_received"], "complaints", False),
    "cp_closed": (gettext_lazy("投诉结案"), ["cp_closed"],
                  lambda s: s["cp_closed"], "complaints", True),
    "cp_reopen_rate": (gettext_lazy("投诉重开率%"), ["cp_reopened", "cp_closed"],
                       lambda s: percent(s["cp_reopened"], s["cp_closed"]), "complaints", False),
    "cp_compensation": (gettext_lazy("补偿金额(元)"), ["cp_comp_fen"],
                        lambda s: round(s["cp_comp_fen"] / 100, 2), "complaints", False),
    "care_sent": (gettext_lazy("关怀消息送达"), ["care_sent"],
                  lambda s: s["care_sent"], "care", True),
    "qa_average": (gettext_lazy("质检平均得分率%"), ["qa_pct", "qa_n"],
                   lambda s: round(s["qa_pct"] / s["qa_n"], 1) if s["qa_n"] else None,
                   "quality", True),
}  # fmt: skip

ROLE_FIGURES: dict[str, list[str]] = {
    Role.TEAM_LEAD: ["calls_in", "answer_rate", "fu_completion", "fu_done", "fu_unsatisfied",
                     "contacts", "qa_average"],
    Role.QA: ["qa_average", "fu_unsatisfied", "cp_received", "answer_rate", "fu_completion"],
    Role.MANAGER: ["fu_completion", "answer_rate", "wo_on_time", "wo_stalled", "cp_received",
                   "cp_closed", "cp_reopen_rate", "cp_compensation", "care_sent", "qa_average"],
    Role.GM: ["contacts", "cp_received", "cp_reopen_rate", "cp_compensation", "fu_completion",
              "fu_unsatisfied", "wo_on_time", "answer_rate"],
}  # fmt: skip

TREND = ["contacts", "answer_rate", "fu_completion", "wo_on_time", "cp_received"]


# the stored metrics a figure's made-up names read
_STORED = {"care_sent": "care", "qa_pct": "qa_sum"}


def _sums(r: Range, codes: list[str]) -> dict[str, float]:
    """The sums the figures `codes` need over the range, in one read by the (metric, day)
    index; care messages sent and QA scores as shares are folded from their keys."""
    metrics = sorted({_STORED.get(m, m) for code in codes for m in FIGURES[code][1]})
    sums: dict[str, float] = defaultdict(int)
    rows = DailyCount.objects.filter(metric__in=metrics, day__gte=r.start, day__lt=r.end)
    for metric, key, n in rows.order_by().values("metric", "key").annotate(t=Sum("n")) \
            .values_list("metric", "key", "t"):  # fmt: skip
        if metric == "care":
            if key.split("|")[1] == "sent":
                sums["care_sent"] += n
        elif metric == "qa_sum":
            sums["qa_pct"] += n * 100 / (int(key) or 100)
        else:
            sums[metric] += n
    return sums


def _ranges(role: str, today: dt.date) -> tuple[Range, Range, str, str]:
    if role == Role.TEAM_LEAD:
        return (range_of("today", today=today), range_of("yesterday", today=today),
                _("今日"), _("昨日"))  # fmt: skip
    return (range_of("this_month", today=today), range_of("last_month", today=today),
            _("本月"), _("上月"))  # fmt: skip


def _role_of(user: User) -> str:
    role = getattr(user, "role", "")
    return role if role in ROLE_FIGURES else Role.MANAGER


def role_dashboard(*, user: User, today: dt.date | None = None) -> dict[str, Any]:
    """The figures the user's role answers for, this period against the one before, and
    for the manager and the GM a twelve-month trend."""
    _require(user)
    today = today or timezone.localdate()
    role = _role_of(user)
    now_range, before_range, now_label, before_label = _ranges(role, today)
    codes = ROLE_FIGURES[role]
    now, before = _sums(now_range, codes), _sums(before_range, codes)
    tiles = []
    for code in ROLE_FIGURES[role]:
        label, _metrics, make, report, higher_better = FIGURES[code]
        value, previous = make(defaultdict(int, now)), make(defaultdict(int, before))
        change = None
        if value is not None and previous is not None:
            change = round(value - previous, 1)
        good = None if not change else (change > 0) == higher_better
        tiles.append({"code": code, "label": str(label), "value": value, "previous": previous,
                      "change": change, "good": good, "report": report})  # fmt: skip
    trend = None
    if role in (Role.MANAGER, Role.GM):
        # a year of daily rows: counted once per ten minutes, like today's figures
        key = f"kefu:reports:trend:{today:%Y%m%d}:{get_language()}"
        trend = cache.get(key)
        if trend is None:
            trend = _trend(today)
            cache.set(key, trend, 600)
    return {"role": role, "now": now_label, "before": before_label, "range": now_range.label(),
            "tiles": tiles, "trend": trend}  # fmt: skip


def _trend(today: dt.date, months: int = 12) -> dict[str, Any]:
    """The last twelve months, one row each, of the TREND figures."""
    first = range_of("this_month", today=today).start
    index = first.year * 12 + first.month - 1 - (months - 1)
    start = dt.date(index // 12, index % 12 + 1, 1)
    per: dict[dt.date, dict[str, float]] = defaultdict(lambda: defaultdict(int))
    rows = DailyCount.objects.filter(
        day__gte=start, day__lt=range_of("this_month", today=today).end,
        metric__in=sorted({m for code in TREND for m in FIGURES[code][1]}),
    ).order_by()  # fmt: skip
    for day, metric, n in (
        rows.values("day", "metric").annotate(t=Sum("n")).values_list("day", "metric", "t")
    ):
        per[day.replace(day=1)][metric] += n
    out = []
    for i in range(months):
        at = index + i
        month = dt.date(at // 12, at % 12 + 1, 1)
        sums = defaultdict(int, per[month])
        out.append([f"{month:%Y-%m}", *(FIGURES[code][2](sums) for code in TREND)])
    return {"title": _("近 12 个月趋势"), "columns": [_("月份"),
            *(str(FIGURES[code][0]) for code in TREND)], "rows": out}  # fmt: skip
