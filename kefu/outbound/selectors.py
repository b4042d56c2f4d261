"""Reads of outbound work (R-9.3): the segments and campaigns a lead manages, an agent's
campaigns and next call, a campaign's progress and results (reach, conversion per agent,
sales or service visits that followed a call), and the results per segment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.core.calendar import WorkCalendar
from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.inputs import choice_label
from kefu.core.services import center_settings
from kefu.customers.models import PiiAccessLog
from kefu.customers.validation import mask_phone
from kefu.followups import rules as R
from kefu.followups.models import LifecycleEvent
from kefu.outbound import choices as ch
from kefu.outbound.models import CallCampaign, CampaignCall, SalesScript, Segment
from kefu.outbound.services import in_hours

EXPORT_MAX = 250_000


def _manager(user: User) -> bool:
    return P.has_perm(user, P.MANAGE_CAMPAIGNS)


def segments(*, user: User) -> QuerySet[Segment]:
    if not _manager(user):
        raise PermissionDenied("只有班长和客服经理可管理客户分群", "Segments: team leads and above")
    return Segment.objects.filter(active=True).select_related("created_by")


def segment_get(*, user: User, segment_id: int) -> Segment:
    found = segments(user=user).filter(pk=segment_id).first()
    if found is None:
        raise NotFound(f"segment {segment_id}")
    return found


def scripts() -> QuerySet[SalesScript]:
    return SalesScript.objects.filter(active=True)


def campaigns(*, user: User, status: str = "") -> QuerySet[CallCampaign]:
    """A lead's: every campaign; an agent's: the ones they call for."""
    qs = CallCampaign.objects.select_related("segment", "script")
    if status:
        qs = qs.filter(status=status)
    return qs if _manager(user) else qs.filter(agents=user).exclude(
        status=ch.CampaignStatus.DRAFT)  # fmt: skip


def campaign_agents(campaign: CallCampaign) -> list[str]:
    return list(campaign.agents.order_by("username").values_list("username", flat=True))


def campaign_get(*, user: User, campaign_id: int) -> CallCampaign:
    found = campaigns(user=user).filter(pk=campaign_id).first()
    if found is None:
        raise NotFound(f"campaign {campaign_id}")
    return found


def call_get(*, user: User, call_id: int) -> CampaignCall:
    qs = CampaignCall.objects.select_related("campaign", "campaign__script", "customer", "agent")
    if not _manager(user):
        qs = qs.filter(agent=user)
    found = qs.filter(pk=call_id).first()
    if found is None:
        raise NotFound(f"call {call_id}")
    return found


def calling_now(now: dt.datetime) -> tuple[str, bool]:
    """The rest-time window now falls in (as text) and whether today is a public holiday:
    no campaign call then, but a time the customer chose."""
    quiet = R.quiet_window(now, R.parse_windows(center_settings().quiet_hours))
    rest = f"{quiet[0]:%H:%M}–{quiet[1]:%H:%M}" if quiet else ""
    return rest, WorkCalendar().is_public_holiday(timezone.localdate(now))


def call_next(*, user: User, now: dt.datetime | None = None) -> CampaignCall | None:
    """The agent's next call: a time the customer chose that has come first, then retries
    that are due, then fresh names; only from campaigns calling now (their dates and calling
    hours), never in the rest time or on a public holiday except a time the customer chose,
    never a customer who opted out since the list was built."""
    now = now or timezone.now()
    open_ids = [c.pk for c in CallCampaign.objects.filter(
        agents=user, status=ch.CampaignStatus.ACTIVE) if in_hours(c, now)]  # fmt: skip
    rest, holiday = calling_now(now)
    base = CampaignCall.objects.filter(
        agent=user, status=ch.CallStatus.PENDING, customer__phone_opt_out=False,
        campaign__status=ch.CampaignStatus.ACTIVE,
    ).filter(Q(next_call_at__isnull=True) | Q(next_call_at__lte=now))  # fmt: skip
    chosen = base.filter(outcome=ch.Outcome.CALL_BACK).order_by("next_call_at", "pk").first()
    if chosen or rest or holiday or not open_ids:
        return chosen
    return (base.filter(campaign_id__in=open_ids)
            .order_by(F("next_call_at").asc(nulls_last=True), "pk").first())  # fmt: skip


def my_campaigns(*, user: User) -> list[dict[str, Any]]:
    """The agent's active campaigns with what is left to call."""
    rows = (CampaignCall.objects.filter(agent=user, campaign__status=ch.CampaignStatus.ACTIVE)
            .values("campaign_id", "campaign__name")
            .annotate(total=Count("pk"),
                      left=Count("pk", filter=Q(status=ch.CallStatus.PENDING)))
            .order_by("campaign_id"))  # fmt: skip
    return [dict(r) for r in rows]


def _rate(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def _aggregates() -> dict[str, Any]:
    agg: dict[str, Any] = {
        "total": Count("pk"),
        "called": Count("pk", filter=Q(attempts__gt=0)),
        "reached": Count("pk", filter=Q(reached_at__isnull=False)),
        "left": Count("pk", filter=Q(status=ch.CallStatus.PENDING)),
    }
    for o in ch.Outcome.values:
        agg[o] = Count("pk", filter=Q(outcome=o, status__in=[ch.CallStatus.DONE,
                       ch.CallStatus.UNREACHABLE, ch.CallStatus.DO_NOT_CALL]))  # fmt: skip
    return agg


def _counts(qs: QuerySet[CampaignCall], conversion: Exists | None) -> dict[str, int]:
    counts = qs.aggregate(**_aggregates())
    if conversion is not None:
        counts["converted"] = qs.filter(conversion, reached_at__isnull=False).count()
    return counts


def _conversion(c: CallCampaign) -> Exists | None:
    """A sale or service visit (the campaign's events) within its days after the reach."""
    if not c.conversion_events:
        return None
    within = dt.timedelta(days=c.conversion_days)
    return Exists(LifecycleEvent.objects.filter(
        customer_id=OuterRef("customer_id"), type__in=c.conversion_events,
        occurred_at__gte=OuterRef("reached_at"),
        occurred_at__lte=ExpressionWrapper(OuterRef("reached_at") + within,
                                           output_field=DateTimeField())))  # fmt: skip


def _figures(counts: dict[str, int]) -> dict[str, Any]:
    sold = counts.get(ch.Outcome.SOLD, 0)
    converted = counts.get("converted")
    return {**counts, "reach_rate": _rate(counts["reached"], counts["called"]),
            "progress": _rate(counts["total"] - counts["left"], counts["total"]),
            "sold_rate": _rate(sold, counts["reached"]),
            "converted_rate": _rate(converted, counts["reached"]) if converted is not None
            else "—"}  # fmt: skip


def campaign_results(*, user: User, campaign: CallCampaign) -> dict[str, Any]:
    """Progress, reach rate and conversion, for the campaign and per agent (R-9.3)."""
    if not _manager(user):
        raise PermissionDenied("只有班长和客服经理可查看外呼结果", "Results: team leads and above")
    conversion = _conversion(campaign)
    qs = CampaignCall.objects.filter(campaign=campaign)
    whole = _figures(_counts(qs, conversion))
    rows = qs.exclude(agent=None).values("agent_id").annotate(**_aggregates())
    converted = dict(qs.filter(conversion, reached_at__isnull=False).values("agent_id")
                     .annotate(n=Count("pk")).values_list("agent_id", "n")
                     ) if conversion is not None else None  # fmt: skip
    people = User.objects.filter(pk__in=[r["agent_id"] for r in rows])
    names = {pk: name or username for pk, name, username in people.values_list(
        "pk", "display_name", "username")}  # fmt: skip
    per_agent = []
    for found in sorted(rows, key=lambda r: names.get(r["agent_id"], "")):
        row: dict[str, Any] = dict(found)
        if converted is not None:
            row["converted"] = converted.get(row["agent_id"], 0)
        per_agent.append({"agent": names.get(row["agent_id"], ""), **_figures(row)})
    kept_off = sorted(campaign.excluded.items())
    excluded = [{"reason": choice_label(ch.Exclusion(k).label), "count": v}
                for k, v in kept_off if k in ch.Exclusion.values]  # fmt: skip
    return {"whole": whole, "agents": per_agent, "excluded": excluded,
            "outcomes": [(o, choice_label(label)) for o, label in ch.Outcome.choices]}  # fmt: skip


def segment_results(*, user: User) -> list[dict[str, Any]]:
    """Per segment, over all its campaigns: on the lists, called, reached, sold."""
    segments(user=user)
    rows = (CampaignCall.objects.values("campaign__segment_id", "campaign__segment__name")
            .annotate(total=Count("pk"), called=Count("pk", filter=Q(attempts__gt=0)),
                      reached=Count("pk", filter=Q(reached_at__isnull=False)),
                      sold=Count("pk", filter=Q(outcome=ch.Outcome.SOLD)),
                      campaigns=Count("campaign_id", distinct=True))
            .order_by("campaign__segment__name"))  # fmt: skip
    return [{"segment": r["campaign__segment__name"], "segment_id": r["campaign__segment_id"],
             "campaigns": r["campaigns"], "total": r["total"], "called": r["called"],
             "reached": r["reached"], "sold": r["sold"],
             "reach_rate": _rate(r["reached"], r["called"]),
             "sold_rate": _rate(r["sold"], r["reached"])} for r in rows]  # fmt: skip


def campaign_xlsx_rows(
    *, user: User, campaign: CallCampaign
) -> list[tuple[str, list[Any], list[Any]]]:
    """The campaign's results as sheets: the figures, per agent, and every call (customer
    number and name, masked phone, outcome), logged as an export of personal data."""
    if not P.has_perm(user, P.EXPORT_CUSTOMERS) and not _manager(user):
        raise PermissionDenied()
    res = campaign_results(user=user, campaign=campaign)
    w = res["whole"]
    labels = dict(res["outcomes"])
    head = ["名单 list", "已拨 called", "接通 reached", "接通率 reach rate", "进度 progress"]
    head += [labels[o] for o in ch.Outcome.values] + ["成交率 sold rate", "后续转化 converted",
                                                      "转化率 converted rate"]  # fmt: skip

    def line(r: dict[str, Any]) -> list[Any]:
        return [r["total"], r["called"], r["reached"], r["reach_rate"], r["progress"]] + [
            r[o] for o in ch.Outcome.values] + [r["sold_rate"], r.get("converted", "—"),
                                                r["converted_rate"]]  # fmt: skip

    calls = (CampaignCall.objects.filter(campaign=campaign).order_by("pk")
             .values_list("customer__number", "customer__name", "agent__username", "status",
                          "outcome", "attempts", "last_called_at", "appointment_at", "note",
                          "customer_id")[:EXPORT_MAX])  # fmt: skip
    status_labels = {k: choice_label(v) for k, v in ch.CallStatus.choices}
    rows = []
    for number, name, agent, status, outcome, attempts, last, appointment, note, _c in calls:
        rows.append([number, name, agent or "", status_labels.get(status, status),
                     labels.get(outcome, ""), attempts,
                     timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else "",
                     timezone.localtime(appointment).strftime("%Y-%m-%d %H:%M")
                     if appointment else "", note])  # fmt: skip
    PiiAccessLog.objects.create(user=user, action="export", fields="campaign_calls",
                                count=len(rows), channel="xlsx")  # fmt: skip
    return [
        ("活动 campaign", head, [line(w)]),
        ("坐席 agents", ["坐席 agent", *head], [[a["agent"], *line(a)] for a in res["agents"]]),
        ("名单 calls", ["客户编号 number", "姓名 name", "坐席 agent", "状态 status",
                       "结果 outcome", "拨打次数 attempts", "最近拨打 last call",
                       "预约 appointment", "记录 note"], rows),
    ]  # fmt: skip


def masked_phone(call: CampaignCall) -> str:
    phone = call.customer.phones.order_by("-is_primary", "pk").values_list("number", flat=True)
    first = phone.first()
    return mask_phone(first) if first else ""


def script_for(call: CampaignCall) -> dict[str, Any]:
    """The campaign's script with the customer's placeholders filled (seed 000's order)."""
    customer, script = call.customer, call.campaign.script
    asset = customer.assets.order_by("-pk").first()
    ctx = {
        "name": customer.name, "surname": customer.name[:1],
        "title": {"male": "先生", "female": "女士"}.get(customer.gender, ""),
        "model": asset.model if asset else "", "plate": getattr(asset, "plate", "") or "",
        "agent": (call.agent.display_name or call.agent.username) if call.agent else "",
        "center": center_settings().name, "campaign": call.campaign.name,
    }  # fmt: skip
    return {
        "opening": R.render(script.opening, ctx),
        "needs": [R.render(str(q), ctx) for q in script.needs],
        "offer": R.render(script.offer, ctx),
        "objections": [{"objection": R.render(str(o.get("objection", "")), ctx),
                        "answer": R.render(str(o.get("answer", "")), ctx)}
                       for o in script.objections if isinstance(o, dict)],
        "closing": R.render(script.closing, ctx),
    }  # fmt: skip


def agent_choices() -> list[tuple[str, str]]:
    """(username, name) of the people who can call: active agents and team leads."""
    from kefu.accounts.choices import Role

    return [(u, n or u) for u, n in User.objects.filter(
        is_active=True, role__in=[Role.AGENT, Role.TEAM_LEAD]).order_by(
        "display_name", "username").values_list("username", "display_name")]  # fmt: skip


def attempts_of(call: CampaignCall) -> list[dict[str, Any]]:
    labels = dict(ch.Outcome.choices)
    return [{"at": a.at, "outcome": choice_label(labels.get(a.outcome, a.outcome)),
             "note": a.note, "by": a.by.display_name or a.by.username}
            for a in call.attempt_log.select_related("by").order_by("-at")[:20]]  # fmt: skip
