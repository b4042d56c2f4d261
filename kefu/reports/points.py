"""Performance points 绩效积分 (R-8.3; seed 004's table as the default rules): each agent's
month computed from what was recorded — follow-ups done, last month's deals revisited in the
first week, records verified, attitude complaints, late file hand-overs (R-1.4), the QA
score — each entry naming the records behind it; manual adjustments with a reason, requested
by a team lead and approved by a CS manager; the year's total, the bonus eligibility (at
least 110 points; not for who left during the year or served under three months) and each
eligible agent's share of a bonus pool, in proportion to points."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import User
from kefu.accounts.selectors import active_user
from kefu.complaints.models import Complaint
from kefu.core.audit import audit_as
from kefu.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from kefu.core.inputs import label_halves, text_value
from kefu.customers.models import AssetFile, Customer
from kefu.followups import choices as fch
from kefu.followups.models import FollowUp
from kefu.followups.selectors import period_bounds
from kefu.interactions.choices import NoticeKind
from kefu.interactions.notices import notice_send, notices_send
from kefu.quality.inspections import month_of
from kefu.quality.models import Inspection
from kefu.reports.models import PointAdjustment, PointEntry, PointRule

BONUS_AT_LEAST = 110  # points a year for a bonus
SERVICE_MONTHS = 3  # of service before the year ends, for a bonus
EVIDENCE_KEPT = 500  # record ids kept on one entry

# seed 004: code, name, kind, threshold, points, params
DEFAULT_RULES = [
    ("deals_revisited", "上月成交客户首周回访完毕", "deals_revisited", 0, 3, {"family": "7DC"}),
    ("followups_week", "每周回访≥30个", "followups_week", 30, 3, {}),
    ("followups_month", "每月回访≥120个", "followups_month", 120, 3, {}),
    ("records_verified", "核实档案≥1200条", "records_verified", 1200, 5, {}),
    ("visits_verified", "业务员访客记录核查完毕", "visits_verified", 0, 4, {"family": "访客核查"}),
    ("attitude_complaint", "服务态度投诉", "attitude_complaint", 0, -5, {}),
    ("late_file", "档案交接逾期", "late_file", 0, -1, {}),
    ("qa_excellent", "质检月均≥95分", "qa_band", 95, 2, {}),
    ("qa_poor", "质检月均<80分", "qa_band", 80, -2, {"below": True}),
]


def rules_seed() -> int:
    if PointRule.objects.exists():
        return 0
    for code, name, kind, threshold, points, params in DEFAULT_RULES:
        PointRule.objects.create(code=code, name=name, kind=kind, threshold=threshold,
                                 points=points, params=params)  # fmt: skip
    return len(DEFAULT_RULES)


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_current_timezone())


Counts = list[tuple[int, dt.date, int]]
Rows = list[tuple[int, int, dt.date]]


def _done_rows(family: str, since: dt.date, until: dt.date, memo: dict[Any, Any]) -> Rows:
    """(owner, follow-up id, local day done) of the follow-ups done in [since, until), the
    day made by the database, read once per points run for the rules that share it."""
    key = ("rows", family, since, until)
    if key not in memo:
        rows = _done(family, since, until).values_list("owner_id", "id", "day")  # type: ignore[misc]
        memo[key] = list(rows)
    return memo[key]  # type: ignore[no-any-return]


def _done_counts(family: str, since: dt.date, until: dt.date, memo: dict[Any, Any]) -> Counts:
    """(owner, local day, how many) of the same follow-ups."""
    counted: dict[tuple[int, dt.date], int] = defaultdict(int)
    for owner, _pk, day in _done_rows(family, since, until, memo):
        counted[owner, day] += 1
    return [(owner, day, n) for (owner, day), n in counted.items()]


def _done(family: str, since: dt.date, until: dt.date) -> QuerySet[FollowUp]:
    done = FollowUp.objects.filter(
        status=fch.Status.DONE,
        owner__isnull=False,
        done_at__gte=_aware(since),
        done_at__lt=_aware(until),
    )
    if family:
        done = done.filter(family=family)
    tz = timezone.get_current_timezone()
    return done.annotate(day=TruncDate("done_at", tzinfo=tz)).order_by()


def _evidence(family: str, since: dt.date, until: dt.date, days: dict[int, set[dt.date]],
              memo: dict[Any, Any]) -> dict[int, list[int]]:  # fmt: skip
    """Up to EVIDENCE_KEPT ids per owner of the follow-ups they did on their `days`, from
    one read of the period's (owner, id, day) shared by the rules of the run."""
    if not days:
        return {}
    out: dict[int, list[int]] = defaultdict(list)
    for owner, pk, day in _done_rows(family, since, until, memo):
        if day in days.get(owner, ()) and len(out[owner]) < EVIDENCE_KEPT:
            out[owner].append(pk)
    return out


Hits = dict[int, tuple[int, str, list[int]]]


def _hits(rule: PointRule, month: dt.date, today: dt.date,
          memo: dict[Any, Any] | None = None) -> Hits:  # fmt: skip
    """agent id → (how many times the rule scores, the record type, the records, or the
    first EVIDENCE_KEPT of them with their total)."""
    start, end = period_bounds("month", month)
    memo = {} if memo is None else memo
    out: dict[int, tuple[int, str, list[int]]] = {}
    family = str(rule.params.get("family") or "")
    if rule.kind in ("followups_month", "followups_week"):
        until = end + dt.timedelta(days=6)  # a week counts in the month of its Monday, whole
        counts = _done_counts(family, start, until, memo)
        days: dict[int, set[dt.date]] = defaultdict(set)
        totals: dict[int, int] = defaultdict(int)
        times: dict[int, int] = {}
        if rule.kind == "followups_month":
            per: dict[int, int] = defaultdict(int)
            for owner, day, n in counts:
                if day < end:
                    per[owner] += n
            for owner, day, _n in counts:
                if day < end and per[owner] >= rule.threshold:
                    times[owner], totals[owner] = 1, per[owner]
                    days[owner].add(day)
        else:
            weeks: dict[tuple[int, dt.date], int] = defaultdict(int)
            for owner, day, n in counts:
                weeks[owner, day - dt.timedelta(days=day.weekday())] += n
            for (owner, monday), n in weeks.items():
                if start <= monday < end and n >= rule.threshold:
                    times[owner] = times.get(owner, 0) + 1
                    totals[owner] += n
                    days[owner] |= {monday + dt.timedelta(days=k) for k in range(7)}
        kept = _evidence(family, start, until, days, memo)
        out = {owner: (n, "followup", kept.get(owner, [])) for owner, n in times.items()}
        memo["totals", rule.pk] = totals
    elif rule.kind == "deals_revisited":
        previous = (start - dt.timedelta(days=1)).replace(day=1)
        first_week_end = _aware(start + dt.timedelta(days=7))
        deals = (
            FollowUp.objects.filter(family=rule.params.get("family", "7DC"), due_on__gte=previous,
                                    due_on__lt=start, owner__isnull=False)
            .exclude(status=fch.Status.CANCELLED).order_by()
        )  # fmt: skip
        # counted by the database: an owner scores when every one was done in the first week
        good = {
            owner: n
            for owner, n, in_time in deals.values("owner_id")
            .annotate(
                n=Count("id"),
                ok=Count("id", filter=Q(status=fch.Status.DONE, done_at__lt=first_week_end)),
            )
            .values_list("owner_id", "n", "ok")
            if n == in_time
        }
        deal_ids: dict[int, list[int]] = defaultdict(list)
        for owner, pk in deals.filter(owner_id__in=list(good)).values_list("owner_id", "id"):
            deal_ids[owner].append(pk)
        out = {owner: (1, "followup", deal_ids[owner]) for owner in good}
    elif rule.kind == "visits_verified":
        # seed 004: the customers a salesman visited are called back the day after (the
        # follow-ups of the visit-check family); every one due in the month done by its
        # last day earns the points
        checks: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        family = rule.params.get("family", "访客核查")
        for owner, pk, status, at, due_by in (
            FollowUp.objects.filter(family=family, due_on__gte=start, due_on__lt=min(end, today),
                                    owner__isnull=False)
            .exclude(status=fch.Status.CANCELLED)
            .values_list("owner_id", "id", "status", "done_at", "due_by")
        ):  # fmt: skip
            ok = (
                status == fch.Status.DONE
                and at is not None
                and timezone.localtime(at).date() <= due_by
            )
            checks[owner].append((pk, ok))
        for owner, checked in checks.items():
            if all(ok for _, ok in checked):
                out[owner] = (1, "followup", [pk for pk, _ in checked])
    elif rule.kind == "records_verified":
        by = defaultdict(list)
        for who, pk in Customer.objects.filter(
            verified_at__gte=_aware(start), verified_at__lt=_aware(end), verified_by__isnull=False
        ).values_list("verified_by_id", "id"):
            by[who].append((pk, start))
        for who, rows in by.items():
            if len(rows) >= rule.threshold:
                out[who] = (1, "customer", [pk for pk, _ in rows])
    elif rule.kind == "attitude_complaint":
        counted: dict[int, list[int]] = defaultdict(list)
        for who, pk in Complaint.objects.filter(
            complaint_class="service_attitude", responsible_user__isnull=False,
            received_at__gte=_aware(start), received_at__lt=_aware(end),
        ).values_list("responsible_user_id", "id"):  # fmt: skip
            counted[who].append(pk)
        out = {who: (len(ids), "complaint", ids) for who, ids in counted.items()}
    elif rule.kind == "late_file":
        late: dict[int, list[int]] = defaultdict(list)
        for who, pk, due, completed in AssetFile.objects.filter(
            due_on__gte=start, due_on__lt=min(end, today), responsible_user__isnull=False
        ).values_list("responsible_user_id", "id", "due_on", "completed_on"):
            if completed is None or completed > due:
                late[who].append(pk)
        out = {who: (len(ids), "asset_file", ids) for who, ids in late.items()}
    elif rule.kind == "qa_band":
        for row in (
            Inspection.objects.filter(month=start, score__isnull=False)
            .values("agent_id").annotate(avg=Avg("score"))
        ):  # fmt: skip
            below = bool(rule.params.get("below"))
            if (row["avg"] < rule.threshold) if below else (row["avg"] >= rule.threshold):
                ids = list(Inspection.objects.filter(month=start, agent_id=row["agent_id"],
                                                     score__isnull=False)
                           .values_list("id", flat=True))  # fmt: skip
                out[row["agent_id"]] = (1, "inspection", ids)
    return out


@transaction.atomic
@transaction.atomic
def points_compute(month: dt.date, *, today: dt.date | None = None) -> int:
    """Every active rule for every agent for `month`, replacing the month's computed
    entries in one transaction (idempotent: a failure leaves the old ones); how many
    entries."""
    start = month.replace(day=1)
    today = today or timezone.localdate()
    PointEntry.objects.filter(month=start).delete()
    agents = set(User.objects.filter(role__in=[Role.AGENT, Role.TEAM_LEAD])
                 .values_list("id", flat=True))  # fmt: skip
    made = []
    memo: dict[Any, Any] = {}
    for rule in PointRule.objects.filter(active=True).order_by("id"):
        for agent_id, (times, kind, ids) in _hits(rule, start, today, memo).items():
            if agent_id in agents and times:
                total = memo.get(("totals", rule.pk), {}).get(agent_id, len(ids))
                made.append(PointEntry(agent_id=agent_id, month=start, rule=rule,
                                       points=rule.points * times, count=times,
                                       evidence={"type": kind, "ids": ids[:EVIDENCE_KEPT],
                                                 "total": total}))  # fmt: skip
    PointEntry.objects.bulk_create(made)
    return len(made)


def points_job(day: dt.date | None = None) -> int:
    """The daily job: this month so far, and last month (late records still change it)."""
    day = day or timezone.localdate()
    this = day.replace(day=1)
    return points_compute(this, today=day) + points_compute(
        (this - dt.timedelta(days=1)).replace(day=1), today=day
    )


@transaction.atomic
def adjustment_request(*, actor: User, data: dict[str, Any]) -> PointAdjustment:
    """A team lead asks to add or take points from an agent's month, saying why; the CS
    managers are told."""
    P.require(actor, P.MANAGE_TASKS)
    errors: list[FieldError] = []
    agent = None
    try:
        agent = active_user(data.get("agent"), field="agent")
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    reason = text_value(data, "reason", 500, errors)
    if not reason:
        errors.append(FieldError("reason", "required", "请说明调整原因", "say why"))
    try:
        points = int(data.get("points"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        points = 0
    if not points or not -50 <= points <= 50:
        errors.append(FieldError("points", "out_of_range", "调整分值须为 −50 到 50 之间的非零整数",
                                 "points is a non-zero whole number from −50 to 50"))  # fmt: skip
    month = None
    try:
        month = month_of(str(data.get("month") or "")[:7] or None)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if errors or agent is None or month is None:
        raise ValidationFailed(errors)
    row = PointAdjustment(agent=agent, month=month, points=points, reason=reason,
                          requested_by=actor)  # fmt: skip
    audit_as(row, actor)
    row.save()
    notices_send(kind=NoticeKind.APPROVAL, users=User.objects.filter(role=Role.MANAGER,
                                                                     is_active=True),
                 link="/points/", text=f"积分调整待审批：{agent.display_name or agent.username} "
                 f"{month:%Y-%m} {points:+d}（{reason[:60]}）")  # fmt: skip
    return row


@transaction.atomic
def adjustment_decide(*, actor: User, adjustment_id: int, approve: bool) -> PointAdjustment:
    """A CS manager approves or rejects; only approved adjustments count."""
    if not P.has_perm(actor, P.DECIDE_POINTS):
        raise PermissionDenied("积分调整由客服经理审批", "A CS manager decides adjustments")
    row = PointAdjustment.objects.select_for_update().filter(pk=adjustment_id).first()
    if row is None:
        raise NotFound(f"adjustment {adjustment_id}")
    if row.status != "pending":
        raise Conflict(FieldError("status", "decided", "已审批", "already decided"))
    if row.requested_by_id == actor.pk:
        raise PermissionDenied("不能审批自己提出的调整", "You cannot decide your own request")
    row.status = "approved" if approve else "rejected"
    row.decided_by, row.decided_at = actor, timezone.now()
    audit_as(row, actor)
    row.save()
    notice_send(kind=NoticeKind.APPROVAL, user=row.requested_by, link="/points/",
                text=f"积分调整{'已批准' if approve else '被驳回'}：{row.points:+d}")  # fmt: skip
    return row


def _reader(user: Any) -> None:
    if not P.has_perm(user, P.VIEW_REPORTS) and not P.has_perm(user, P.VIEW_INTERACTIONS):
        raise PermissionDenied()


def points_month(*, user: Any, month: dt.date) -> list[dict[str, Any]]:
    """Each agent's month: the computed entries (with their records), the approved
    adjustments, the total — an agent sees their own; leads and above everyone's."""
    _reader(user)
    start = month.replace(day=1)
    entries = PointEntry.objects.filter(month=start).select_related("agent", "rule")
    adjustments = PointAdjustment.objects.filter(month=start).select_related("agent")
    if not P.has_perm(user, P.VIEW_REPORTS):
        entries, adjustments = entries.filter(agent=user), adjustments.filter(agent=user)
    people: dict[int, dict[str, Any]] = {}

    def person(u: User) -> dict[str, Any]:
        return people.setdefault(u.pk, {"agent": u.username,
                                        "name": u.display_name or u.username, "total": 0,
                                        "entries": [], "adjustments": []})  # fmt: skip

    for e in entries.order_by("rule_id"):
        p = person(e.agent)
        p["entries"].append({"rule": e.rule.name, "points": e.points, "count": e.count,
                             "evidence": e.evidence})  # fmt: skip
        p["total"] += e.points
    for a in adjustments.order_by("id"):
        p = person(a.agent)
        label, label_en = label_halves(dict(PointAdjustment.STATUSES)[a.status])
        p["adjustments"].append({"id": a.pk, "points": a.points, "reason": a.reason,
                                 "status": a.status, "status_label": label,
                                 "status_label_en": label_en})  # fmt: skip
        if a.status == "approved":
            p["total"] += a.points
    return sorted(people.values(), key=lambda p: (-p["total"], p["name"]))


def bonus_year(*, user: Any, year: int, pool: Decimal = Decimal(0)) -> list[dict[str, Any]]:
    """The year's points per agent, bonus eligibility and each eligible agent's share of
    `pool` (yuan, in proportion to points): at least BONUS_AT_LEAST points; nobody who left
    during the year (inactive), nor who joined less than SERVICE_MONTHS months before the
    year's end."""
    pool = Decimal(pool)  # an int or a float from a caller would lose the cents
    if not P.has_perm(user, P.VIEW_REPORTS):
        raise PermissionDenied()
    first, following = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    totals: dict[int, int] = defaultdict(int)
    for agent_id, t in (PointEntry.objects.filter(month__gte=first, month__lt=following)
                        .values("agent_id").annotate(t=Sum("points"))
                        .values_list("agent_id", "t")):  # fmt: skip
        totals[agent_id] += t
    for agent_id, t in (PointAdjustment.objects.filter(month__gte=first, month__lt=following,
                                                        status="approved")
                        .values("agent_id").annotate(t=Sum("points"))
                        .values_list("agent_id", "t")):  # fmt: skip
        totals[agent_id] += t
    joined_by = dt.date(year, 12, 31) - dt.timedelta(days=SERVICE_MONTHS * 30)
    rows: list[dict[str, Any]] = []
    for u in User.objects.filter(pk__in=list(totals)).order_by("username"):
        total = totals[u.pk]
        why = ""
        if total < BONUS_AT_LEAST:
            why = f"不足 {BONUS_AT_LEAST} 分"
        elif not u.is_active:
            why = "年内离职"
        elif timezone.localdate(u.date_joined) > joined_by:
            why = f"入职不满 {SERVICE_MONTHS} 个月"
        rows.append({"agent": u.username, "name": u.display_name or u.username,
                     "points": total, "eligible": not why, "why_not": why,
                     "share": Decimal(0)})  # fmt: skip
    counted = sum(r["points"] for r in rows if r["eligible"])
    for r in rows:
        if r["eligible"] and counted and pool:
            r["share"] = (pool * r["points"] / counted).quantize(Decimal("0.01"),
                                                                 ROUND_HALF_UP)  # fmt: skip
    return sorted(rows, key=lambda r: (-r["points"], r["name"]))
