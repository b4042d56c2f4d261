"""The daily aggregates behind the reports (R-8.1), and the counting rules, written once:

- a contact counts on the day it occurred, for its agent, by channel and category;
- an inbound call counts on the day it rang; answered in time when answered within the
  center's "3 rings" seconds;
- a follow-up counts as due on the day it was due (`due_on`), for its owner, and as done on
  the day it was done (`done_at`, local) — a task due in October and done in November is
  November's work and October's miss; done on time means done by its `due_by`, and counts
  on its due day (completion = done on time / due);
- a work order counts as created on its day and as done on the day it was done, on time
  when done by its due time; a complaint as received and as closed on those days, by class
  and department;
- a score counts on the day it was given, on its question's own scale (a 0–10 item stays
  0–10: its sum, count and scale are kept);
- a work order stalls on the day its due time passed while it was not done, and counts an
  urge and an escalation on the day each was made; a complaint counts a reopening on its
  day, a compensation (in fen) on the day it was recorded, a stage's time (in minutes) on
  the day the stage was completed;
- a care message counts on the day it was due to go, by channel, outcome and the reason it
  was not sent;
- a QA inspection counts on the day it was scored, for the agent, on its form's total.

`day_rebuild` recomputes one day from the raw records (idempotent: the day's rows are
replaced in one transaction); the jobs keep today and yesterday fresh every ten minutes and
the last 35 days once a day (a follow-up done late changes its due day's figure)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from kefu.care.models import Message
from kefu.complaints.choices import EventKind as ComplaintEventKind
from kefu.complaints.models import (
    Complaint,
    ComplaintCompensation,
    ComplaintEvent,
    ComplaintStageRecord,
)
from kefu.core.services import center_settings
from kefu.followups import choices as fch
from kefu.followups.models import FollowUp
from kefu.interactions.choices import Channel
from kefu.interactions.models import Interaction
from kefu.quality.models import EvaluationItem, Inspection
from kefu.reports.models import DailyCount
from kefu.tickets.choices import EventKind as WorkOrderEventKind
from kefu.tickets.models import WorkOrder, WorkOrderEvent

WINDOW_DAYS = 35
Key = tuple[str, int | None, str]  # metric, agent id, key


def _bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)


def day_counts(day: dt.date) -> Counter[Key]:
    """Every metric of one local day, from the raw records."""
    start, end = _bounds(day)
    out: Counter[Key] = Counter()
    contacts = (
        Interaction.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .values("agent_id", "channel", "category")
        .annotate(n=Count("id"))
    )
    for r in contacts:
        out["contacts", r["agent_id"], f"{r['channel']}|{r['category']}"] += r["n"]
    seconds = dt.timedelta(seconds=center_settings().answer_seconds)
    calls = (
        Interaction.objects.filter(
            channel=Channel.INBOUND_CALL, ring_at__gte=start, ring_at__lt=end
        )
        .values("agent_id")
        .annotate(
            n=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            within=Count("id", filter=Q(answered_at__lte=F("ring_at") + seconds)),
        )
    )
    for c in calls:
        out["calls_in", c["agent_id"], ""] += c["n"]
        out["calls_answered", c["agent_id"], ""] += c["answered"]
        out["calls_in_time", c["agent_id"], ""] += c["within"]
    # by the hour of the day it rang (the center's clock): when the phones need people
    for ring_at, answered_at in Interaction.objects.filter(
        channel=Channel.INBOUND_CALL, ring_at__gte=start, ring_at__lt=end
    ).values_list("ring_at", "answered_at"):
        if ring_at is None:
            continue
        hour = f"{timezone.localtime(ring_at).hour:02d}"
        out["calls_hour", None, hour] += 1
        if answered_at is not None and answered_at <= ring_at + seconds:
            out["calls_hour_in_time", None, hour] += 1
    # work orders: created on the day, done on the day (on time when by their due time),
    # by department
    for dept, n in (WorkOrder.objects.filter(created_at__gte=start, created_at__lt=end)
                    .values("department_id").annotate(n=Count("id"))
                    .values_list("department_id", "n")):  # fmt: skip
        out["wo_created", None, str(dept or "")] += n
    for dept, n, in_time in (
        WorkOrder.objects.filter(done_at__gte=start, done_at__lt=end)
        .values("department_id")
        .annotate(n=Count("id"), t=Count("id", filter=Q(due_at__isnull=True)
                                         | Q(done_at__lte=F("due_at"))))
        .values_list("department_id", "n", "t")
    ):  # fmt: skip
        out["wo_done", None, str(dept or "")] += n
        out["wo_done_on_time", None, str(dept or "")] += in_time
    # complaints: received and closed on the day, by class and department
    for metric, field in (("cp_received", "received_at"), ("cp_closed", "closed_at")):
        for cls, dept, n in (
            Complaint.objects.filter(**{f"{field}__gte": start, f"{field}__lt": end})
            .values("complaint_class", "department_id").annotate(n=Count("id"))
            .values_list("complaint_class", "department_id", "n")
        ):  # fmt: skip
            out[metric, None, f"{cls or ''}|{dept or ''}"] += n
    _work_order_delays(start, end, out)
    _complaint_details(start, end, out)
    for channel, status, reason, n in (
        Message.objects.filter(scheduled_for__gte=start, scheduled_for__lt=end)
        .values("channel", "status", "skip_reason").annotate(n=Count("id"))
        .values_list("channel", "status", "skip_reason", "n")
    ):  # fmt: skip
        out["care", None, f"{channel}|{status}|{reason}"] += n
    _inspections(start, end, out)
    due = FollowUp.objects.filter(due_on=day).exclude(status=fch.Status.CANCELLED)
    for owner, family, status, done_at, due_by in due.values_list(
        "owner_id", "family", "status", "done_at", "due_by"
    ):
        out["fu_due", owner, family] += 1
        if status == fch.Status.DONE and done_at and timezone.localdate(done_at) <= due_by:
            out["fu_on_time", owner, family] += 1
    done = FollowUp.objects.filter(
        status=fch.Status.DONE, done_at__gte=start, done_at__lt=end
    ).select_related("rule__script")
    segments = dict(
        done.filter(customer__standing__isnull=False)
        .values_list("pk", "customer__standing__segment")
    )  # fmt: skip
    for f in done.select_related("customer").only(
        "owner_id", "family", "result", "answers", "rule__script__questions", "customer__level"
    ):
        out["fu_done", f.owner_id, f.family] += 1
        if f.result == fch.Result.UNSATISFIED:
            out["fu_unsatisfied", f.owner_id, f.family] += 1
        if f.result in (fch.Result.SATISFIED, fch.Result.UNSATISFIED) and f.customer:
            # satisfaction by the customer's level and RFM segment
            out["fu_seg", None, f"level:{f.customer.level}|{f.result}"] += 1
            if segments.get(f.pk):
                out["fu_seg", None, f"rfm:{segments[f.pk]}|{f.result}"] += 1
        script = f.rule.script if f.rule_id and f.rule else None
        for q in script.questions if script else []:
            value = f.answers.get(q.get("key"))
            if q.get("kind") == "score" and isinstance(value, int):
                key = f"{f.family}|{q['key']}|{int(q.get('max', 5))}"
                out["score_sum", None, key] += value
                out["score_n", None, key] += 1
            reason = _unhappy(q, value)
            if reason:  # a dissatisfaction reason: the question and the answer given
                out["fu_reason", None, f"{f.family}|{q.get('text', '')[:40]}|{reason}"[:80]] += 1
    return out


def _unhappy(q: dict[str, Any], value: Any) -> str:
    """The answer as a reason when it is an unsatisfied one ("否", "< 3"), else ""."""
    if q.get("kind") == "choice":
        for option in q.get("options", []):
            if option.get("value") == value and option.get("unsatisfied"):
                return str(option.get("label", value))[:20]
    elif q.get("kind") == "score" and isinstance(value, int) and not isinstance(value, bool):
        top = int(q.get("max", 5))
        below = int(q.get("unsatisfied_below", (top * 3 + 4) // 5))
        if value < below:
            return f"< {below}"
    return ""


def _work_order_delays(start: dt.datetime, end: dt.datetime, out: Counter[Key]) -> None:
    """Stalls (due time passed on the day, not done by then), urges and escalations, by
    department."""
    stalled = WorkOrder.objects.filter(due_at__gte=start, due_at__lt=end).filter(
        Q(done_at__isnull=True) | Q(done_at__gt=F("due_at"))
    )
    for dept, n in (
        stalled.values("department_id").annotate(n=Count("id")).values_list("department_id", "n")
    ):
        out["wo_stalled", None, str(dept or "")] += n
    for kind, metric in ((WorkOrderEventKind.URGE, "wo_urged"),
                         (WorkOrderEventKind.ESCALATE, "wo_escalated")):  # fmt: skip
        for dept, n in (
            WorkOrderEvent.objects.filter(kind=kind, created_at__gte=start, created_at__lt=end)
            .values("work_order__department_id").annotate(n=Count("id"))
            .values_list("work_order__department_id", "n")
        ):  # fmt: skip
            out[metric, None, str(dept or "")] += n


def _complaint_details(start: dt.datetime, end: dt.datetime, out: Counter[Key]) -> None:
    """Reopenings and compensation (fen) by class and department; stage minutes by stage."""
    for cls, dept, n in (
        ComplaintEvent.objects.filter(kind=ComplaintEventKind.REOPENED, created_at__gte=start,
                                      created_at__lt=end)
        .values("complaint__complaint_class", "complaint__department_id").annotate(n=Count("id"))
        .values_list("complaint__complaint_class", "complaint__department_id", "n")
    ):  # fmt: skip
        out["cp_reopened", None, f"{cls or ''}|{dept or ''}"] += n
    for cls, dept, amount in ComplaintCompensation.objects.filter(
        recorded_at__gte=start, recorded_at__lt=end
    ).values_list("complaint__complaint_class", "complaint__department_id", "amount"):
        out["cp_comp_fen", None, f"{cls or ''}|{dept or ''}"] += int(amount * 100)
        out["cp_comp_n", None, f"{cls or ''}|{dept or ''}"] += 1
    for stage, entered, completed in ComplaintStageRecord.objects.filter(
        completed_at__gte=start, completed_at__lt=end
    ).values_list("stage", "entered_at", "completed_at"):
        if completed is None:
            continue
        out["cp_stage_min", None, stage] += max(0, int((completed - entered).total_seconds() // 60))
        out["cp_stage_n", None, stage] += 1


def _inspections(start: dt.datetime, end: dt.datetime, out: Counter[Key]) -> None:
    """QA scores on the day they were given, per agent, on the form's total."""
    scored = Inspection.objects.filter(scored_at__gte=start, scored_at__lt=end,
                                       score__isnull=False)  # fmt: skip
    rows = list(scored.values_list("agent_id", "form_id", "score"))
    totals: Counter[int] = Counter()
    for form, points in EvaluationItem.objects.filter(form_id__in={r[1] for r in rows}).values_list(
        "form_id", "points"
    ):
        totals[form] += points
    for agent, form, score in rows:
        if score is None:
            continue
        key = str(totals[form] or 100)
        out["qa_sum", agent, key] += score
        out["qa_n", agent, key] += 1


@transaction.atomic
def day_rebuild(day: dt.date) -> int:
    """Replace one day's aggregates with a fresh count; how many rows."""
    counts = day_counts(day)
    # the day's customer counts (`snap_*`, kefu.reports.analysis) are the analysis job's
    DailyCount.objects.filter(day=day).exclude(metric__startswith="snap_").delete()
    DailyCount.objects.bulk_create(
        DailyCount(day=day, metric=m, agent_id=a, key=k, n=n)
        for (m, a, k), n in counts.items()
        if n
    )
    return len(counts)


def days_rebuild(since: dt.date, until: dt.date) -> int:
    """Rebuild every day of [since, until): after an import, or to check the jobs' work."""
    day, rows = since, 0
    while day < until:
        rows += day_rebuild(day)
        day += dt.timedelta(days=1)
    return rows


def recent_rebuild(now: Any = None) -> int:
    """Today and yesterday (the job every ten minutes)."""
    today = timezone.localdate()
    return days_rebuild(today - dt.timedelta(days=1), today + dt.timedelta(days=1))


def window_rebuild(day: dt.date | None = None) -> int:
    """The last WINDOW_DAYS days up to `day` (the daily job)."""
    day = day or timezone.localdate()
    return days_rebuild(day - dt.timedelta(days=WINDOW_DAYS), day + dt.timedelta(days=1))


def as_of() -> dt.datetime | None:
    """When today's figures were last counted (shown under every report)."""
    from kefu.core.models import JobStatus

    found = JobStatus.objects.filter(job="kefu.reports.today").first()
    return found.last_ok_at if found else None
