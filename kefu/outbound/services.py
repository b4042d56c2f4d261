"""Every write of outbound work (R-9.3): segments saved, call campaigns set up, their call
lists built with the do-not-call rules applied (opted out, no number, contacted within the
cool-off) and shared among the agents (evenly; the customer's own agent first, members and
VIPs to the most skilled), and each call's outcome recorded by its rule."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.core.audit import audit_as
from kefu.core.bulk import bulk_insert
from kefu.core.calendar import WorkCalendar
from kefu.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed, invalid
from kefu.core.inputs import choice_error, date_value, int_or, int_value, parse_when, text_value
from kefu.core.services import center_settings
from kefu.customers.choices import Level
from kefu.customers.choices import Status as CustomerStatus
from kefu.customers.flags import customer_opt_out
from kefu.customers.models import Customer, CustomerPhone
from kefu.customers.reveal import customer_reveal
from kefu.followups import rules as R
from kefu.interactions.models import Interaction
from kefu.interactions.services import interaction_log
from kefu.outbound import choices as ch
from kefu.outbound import segments as S
from kefu.outbound.models import CallCampaign, CampaignAttempt, CampaignCall, SalesScript, Segment

LIST_MAX = 250_000  # one campaign's call list
SAMPLE = 10
AGENTS_MAX = 200
CHUNK = 5000


def _manage(actor: User) -> None:
    if not P.has_perm(actor, P.MANAGE_CAMPAIGNS):
        raise PermissionDenied(
            "只有班长和客服经理可管理客户分群与外呼活动",
            "Segments and call campaigns: team leads and CS managers",
        )


# -- segments ---------------------------------------------------------------------------------


def segment_queryset(
    filters: list[dict[str, Any]], today: dt.date | None = None
) -> QuerySet[Customer]:
    """The customers the conditions find (any status: the list applies the call rules)."""
    return Customer.objects.filter(
        S.segment_q(
            filters, today=today or timezone.localdate(), tz=timezone.get_current_timezone()
        )
    )


def segment_preview(*, actor: User, filters: Any) -> dict[str, Any]:
    """How many customers the conditions find now, and the first few (names, numbers)."""
    _manage(actor)
    cleaned = S.filters_clean(filters)
    qs = segment_queryset(cleaned).filter(status=CustomerStatus.ACTIVE)
    sample = list(qs.order_by("pk").values("pk", "number", "name", "level",
                                           "owner__display_name")[:SAMPLE])  # fmt: skip
    return {"count": qs.count(), "filters": cleaned, "sample": sample}


@transaction.atomic
def segment_save(*, actor: User, data: dict[str, Any], segment: Segment | None = None) -> Segment:
    _manage(actor)
    errors: list[FieldError] = []
    name = text_value(data, "name", 64, errors)
    if not name and segment is None:
        errors.append(FieldError("name", "required", "请填写分群名称", "name is required"))
    description = text_value(data, "description", 200, errors)
    try:
        filters = S.filters_clean(data.get("filters", segment.filters if segment else []))
    except ValidationFailed as exc:
        errors += exc.errors
        filters = []
    taken = Segment.objects.filter(name=name).exclude(pk=segment.pk if segment else 0)
    if name and taken.exists():
        errors.append(FieldError("name", "duplicate", f"已有分群「{name}」",
                                 f"A segment named {name} exists"))  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    segment = Segment.objects.select_for_update().get(pk=segment.pk) if segment else Segment(
        created_by=actor)  # fmt: skip
    if name:
        segment.name = name
    if "description" in data:
        segment.description = description
    segment.filters = filters
    segment.last_count = segment_queryset(filters).filter(status=CustomerStatus.ACTIVE).count()
    segment.counted_at = timezone.now()
    audit_as(segment, actor)
    segment.save()
    return segment


# -- campaigns --------------------------------------------------------------------------------


def _hours(raw: Any, errors: list[FieldError]) -> list[list[str]]:
    """Calling hours: [["09:00", "12:00"], …] or "09:00-12:00, 14:00-18:00"."""
    if isinstance(raw, str):
        raw = [p.replace("—", "-").replace("–", "-").split("-") for p in S._SPLIT.split(raw)
               if p.strip()]  # fmt: skip
    out = []
    try:
        for start, end in raw or []:
            a, b = (
                dt.time.fromisoformat(str(start).strip()),
                dt.time.fromisoformat(str(end).strip()),
            )
            if a >= b:
                raise ValueError
            out.append([a.strftime("%H:%M"), b.strftime("%H:%M")])
    except (TypeError, ValueError):
        errors.append(FieldError("hours", "invalid", "拨打时段格式如 09:00-12:00, 14:00-18:00",
                                 "calling hours look like 09:00-12:00, 14:00-18:00"))  # fmt: skip
        return []
    if not out:
        errors.append(FieldError("hours", "required", "请填写拨打时段",
                                 "calling hours are required"))  # fmt: skip
    return out[:6]


def _agents(raw: Any, errors: list[FieldError]) -> list[User]:
    names = raw if isinstance(raw, list) else S._SPLIT.split(str(raw or ""))
    names = [str(n).strip()[:150] for n in names if str(n).strip()]
    if len(names) > AGENTS_MAX:
        errors.append(FieldError("agents", "too_many", f"最多 {AGENTS_MAX} 名坐席",
                                 f"at most {AGENTS_MAX} agents"))  # fmt: skip
        return []
    found = list(User.objects.filter(username__in=names, is_active=True))
    missing = sorted(set(names) - {u.username for u in found})
    if missing:
        who = "、".join(missing[:5])
        errors.append(FieldError("agents", "unknown_user", f"没有在职用户：{who}",
                                 f"No active user: {', '.join(missing[:5])}"))  # fmt: skip
    if not names:
        errors.append(FieldError("agents", "required", "请选择拨打的坐席", "agents are required"))
    return found


@transaction.atomic
def campaign_save(
    *, actor: User, data: dict[str, Any], campaign: CallCampaign | None = None
) -> CallCampaign:
    """Create a campaign (draft) or change one not yet closed; its segment may change only
    while it is a draft (the list is built from it)."""
    _manage(actor)
    c = CallCampaign.objects.select_for_update().get(pk=campaign.pk) if campaign else None
    if c is not None and c.status == ch.CampaignStatus.CLOSED:
        raise Conflict(FieldError("status", "closed", "活动已结束，不能修改",
                                  "The campaign is closed"))  # fmt: skip
    merged = {**_as_data(c), **data} if c else data
    errors: list[FieldError] = []
    name = text_value(merged, "name", 64, errors)
    if not name:
        errors.append(FieldError("name", "required", "请填写活动名称", "name is required"))
    kind = str(merged.get("kind") or "")
    if kind not in ch.CampaignKind.values:
        errors.append(choice_error("kind", kind, ch.CampaignKind.values))
    segment = Segment.objects.filter(pk=int_or(merged.get("segment_id")), active=True).first()
    if segment is None:
        errors.append(FieldError("segment_id", "not_found", "请选择客户分群", "segment not found"))
    elif c and c.segment_id != segment.pk and c.status != ch.CampaignStatus.DRAFT:
        errors.append(FieldError("segment_id", "locked", "名单已在拨打，不能更换分群",
                                 "The list is being called: the segment is fixed"))  # fmt: skip
    script = SalesScript.objects.filter(code=str(merged.get("script") or "")[:32],
                                        active=True).first()  # fmt: skip
    if script is None:
        errors.append(FieldError("script", "not_found", "请选择营销话术", "script not found"))
    starts = date_value(merged.get("starts_on"), "starts_on", errors)
    ends = date_value(merged.get("ends_on"), "ends_on", errors)
    for field, day in (("starts_on", starts), ("ends_on", ends)):
        if day is None and not any(e.field == field for e in errors):
            errors.append(FieldError(field, "required", "请填写日期", f"{field} is required"))
    if starts and ends and ends < starts:
        errors.append(FieldError("ends_on", "before_start", "结束日期早于开始日期",
                                 "ends_on is before starts_on"))  # fmt: skip
    hours = _hours(merged.get("hours"), errors)
    agents = _agents(merged.get("agents"), errors)
    numbers = {
        "cool_off_days": int_value(merged, "cool_off_days", errors, low=0, high=365, default=7),
        "max_attempts": int_value(merged, "max_attempts", errors, low=1, high=10, default=3),
        "retry_hours": int_value(merged, "retry_hours", errors, low=1, high=168, default=4),
        "conversion_days": int_value(
            merged, "conversion_days", errors, low=1, high=365, default=30
        ),
    }
    events = merged.get("conversion_events") or []
    events = events if isinstance(events, list) else S._SPLIT.split(str(events))
    events = [str(e).strip()[:32] for e in events if str(e).strip()][:10]
    if errors or segment is None or script is None or starts is None or ends is None:
        raise ValidationFailed(errors)
    c = c or CallCampaign(created_by=actor)
    c.name, c.kind, c.segment, c.script = name, kind, segment, script
    c.starts_on, c.ends_on, c.hours, c.conversion_events = starts, ends, hours, events
    for key, value in numbers.items():
        setattr(c, key, value)
    audit_as(c, actor)
    c.save()
    c.agents.set(agents)
    return c


def _as_data(c: CallCampaign) -> dict[str, Any]:
    return {"name": c.name, "kind": c.kind, "segment_id": c.segment_id,
            "script": c.script.code, "starts_on": c.starts_on.isoformat(),
            "ends_on": c.ends_on.isoformat(), "hours": c.hours,
            "agents": list(c.agents.values_list("username", flat=True)),
            "cool_off_days": c.cool_off_days, "max_attempts": c.max_attempts,
            "retry_hours": c.retry_hours, "conversion_days": c.conversion_days,
            "conversion_events": c.conversion_events}  # fmt: skip


def _locked(campaign: CallCampaign, *statuses: str) -> CallCampaign:
    c = CallCampaign.objects.select_for_update().get(pk=campaign.pk)
    if statuses and c.status not in statuses:
        raise Conflict(FieldError("status", "wrong_status",
                                  f"活动当前为「{c.get_status_display()}」，不能这样操作",
                                  f"The campaign is {c.status}"))  # fmt: skip
    return c


@transaction.atomic
def campaign_build(
    *, actor: User, campaign: CallCampaign, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The call list from the segment as it is now, the do-not-call rules applied before a
    number reaches an agent: not an active customer, opted out of calls, no phone number,
    contacted within the cool-off. A draft's list is built anew each time (idempotent)."""
    _manage(actor)
    c = _locked(campaign, ch.CampaignStatus.DRAFT)
    now = now or timezone.now()
    since = now - dt.timedelta(days=c.cool_off_days)
    qs = segment_queryset(c.segment.filters, timezone.localdate(now)).annotate(
        has_phone=Exists(CustomerPhone.objects.filter(customer_id=OuterRef("pk"))),
        recent=Exists(
            Interaction.objects.filter(customer_id=OuterRef("pk"), occurred_at__gte=since)
        ),
    )
    excluded: Counter[ch.Exclusion] = Counter()
    keep: list[int] = []
    rows = qs.values_list("pk", "status", "merged_into_id", "phone_opt_out", "has_phone", "recent")
    for pk, status, merged, opted, phone, recent in rows.iterator(chunk_size=20_000):
        if status != CustomerStatus.ACTIVE or merged is not None:
            excluded[ch.Exclusion.INACTIVE] += 1
        elif opted:
            excluded[ch.Exclusion.OPT_OUT] += 1
        elif not phone:
            excluded[ch.Exclusion.NO_PHONE] += 1
        elif c.cool_off_days and recent:
            excluded[ch.Exclusion.COOL_OFF] += 1
        else:
            keep.append(pk)
    if len(keep) > LIST_MAX:
        raise invalid("segment_id", "list_too_large",
                      f"名单 {len(keep)} 人，超过 {LIST_MAX} 人上限：请缩小分群",
                      f"The list has {len(keep)} customers, over the {LIST_MAX} limit: "
                      "narrow the segment")  # fmt: skip
    CampaignCall.objects.filter(campaign=c).delete()
    bulk_insert(CampaignCall, [CampaignCall(campaign_id=c.pk, customer_id=pk) for pk in keep])
    c.list_size, c.excluded = len(keep), {str(k.value): n for k, n in excluded.items()}
    c.built_at, c.distributed_at = now, None
    audit_as(c, actor, reason=f"名单 list {len(keep)}")
    c.save()
    return {"list_size": len(keep), "excluded": c.excluded}


def share(
    rows: Sequence[tuple[int, int | None, str]], agents: list[tuple[int, int]]
) -> dict[int, list[int]]:
    """Which agent calls which entry: (entry id, customer's agent, level) rows over (agent id,
    skill level) agents. Every agent gets the same number give or take one; a customer whose
    own agent is on the campaign stays with them, members and VIPs go to the most skilled
    first, the rest are dealt round."""
    if not agents:
        return {}
    n, k = len(rows), len(agents)
    caps = {a: n // k + (1 if i < n % k else 0) for i, (a, _s) in enumerate(
        sorted(agents, key=lambda x: (-x[1], x[0])))}  # fmt: skip
    load = dict.fromkeys(caps, 0)
    out: dict[int, list[int]] = {a: [] for a in caps}
    rest: list[tuple[int, str]] = []
    for pk, owner, level in rows:
        if owner in load and load[owner] < caps[owner]:
            out[owner].append(pk)
            load[owner] += 1
        else:
            rest.append((pk, level))
    by_skill = [a for a, _s in sorted(agents, key=lambda x: (-x[1], x[0]))]
    valued = [pk for pk, level in rest if level in (Level.MEMBER, Level.VIP)]
    others = [pk for pk, level in rest if level not in (Level.MEMBER, Level.VIP)]
    i = 0
    for pk in valued:
        while load[by_skill[i]] >= caps[by_skill[i]]:
            i += 1
        out[by_skill[i]].append(pk)
        load[by_skill[i]] += 1
    ring = [a for a in by_skill if load[a] < caps[a]]
    j = 0
    for pk in others:
        while load[ring[j % len(ring)]] >= caps[ring[j % len(ring)]]:
            j += 1
        a = ring[j % len(ring)]
        out[a].append(pk)
        load[a] += 1
        j += 1
    return out


@transaction.atomic
def campaign_distribute(*, actor: User, campaign: CallCampaign) -> dict[str, int]:
    """Share the entries not yet called among the campaign's agents (again after the agents
    change: calls already made stay with whoever made them)."""
    _manage(actor)
    c = _locked(campaign, ch.CampaignStatus.DRAFT, ch.CampaignStatus.ACTIVE,
                ch.CampaignStatus.PAUSED)  # fmt: skip
    if c.built_at is None:
        raise invalid("list", "not_built", "请先生成名单", "Build the call list first")
    agents = list(c.agents.filter(is_active=True).values_list("pk", "skill_level"))
    if not agents:
        raise invalid("agents", "required", "活动没有在职坐席", "The campaign has no active agent")
    fresh = CampaignCall.objects.filter(campaign=c, status=ch.CallStatus.PENDING, attempts=0)
    rows = list(fresh.order_by("pk").values_list("pk", "customer__owner_id", "customer__level"))
    shares = share(rows, agents)
    _assign(shares)
    c.distributed_at = timezone.now()
    audit_as(c, actor, reason=f"分配 distributed {len(rows)}")
    c.save(update_fields=["distributed_at"])
    names = dict(User.objects.filter(pk__in=shares).values_list("pk", "username"))
    return {names[a]: len(ids) for a, ids in shares.items()}


def _assign(shares: dict[int, list[int]]) -> None:
    """Set each entry's agent: one statement on PostgreSQL, chunks elsewhere."""
    if connection.vendor == "postgresql":
        ids = [pk for pks in shares.values() for pk in pks]
        owners = [a for a, pks in shares.items() for _pk in pks]
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE outbound_campaigncall SET agent_id = v.agent FROM "
                "unnest(%s::bigint[], %s::bigint[]) AS v(id, agent) "
                "WHERE outbound_campaigncall.id = v.id", [ids, owners])  # fmt: skip
        return
    for agent_id, pks in shares.items():
        for start in range(0, len(pks), CHUNK):
            CampaignCall.objects.filter(pk__in=pks[start : start + CHUNK]).update(agent_id=agent_id)


TRANSITIONS = {
    ch.CampaignStatus.ACTIVE: (ch.CampaignStatus.DRAFT, ch.CampaignStatus.PAUSED),
    ch.CampaignStatus.PAUSED: (ch.CampaignStatus.ACTIVE,),
    ch.CampaignStatus.CLOSED: (ch.CampaignStatus.DRAFT, ch.CampaignStatus.ACTIVE,
                               ch.CampaignStatus.PAUSED),
}  # fmt: skip


@transaction.atomic
def campaign_set_status(*, actor: User, campaign: CallCampaign, status: str) -> CallCampaign:
    """Start (a distributed list), pause, resume or close a campaign."""
    _manage(actor)
    if status not in TRANSITIONS:
        raise ValidationFailed(choice_error("status", status, list(TRANSITIONS)))
    c = _locked(campaign, *TRANSITIONS[ch.CampaignStatus(status)])
    if status == ch.CampaignStatus.ACTIVE and c.distributed_at is None:
        raise invalid("status", "not_distributed", "请先生成并分配名单",
                      "Build and distribute the list first")  # fmt: skip
    c.status = status
    audit_as(c, actor)
    c.save(update_fields=["status"])
    return c


# -- calling ----------------------------------------------------------------------------------


def in_hours(campaign: CallCampaign, when: dt.datetime) -> bool:
    local = timezone.localtime(when)
    t = local.time().replace(tzinfo=None)
    return campaign.starts_on <= local.date() <= campaign.ends_on and any(
        dt.time.fromisoformat(a) <= t < dt.time.fromisoformat(b) for a, b in campaign.hours
    )


def callable_at(campaign: CallCampaign, when: dt.datetime) -> dt.datetime:
    """The first moment at or after `when` inside the campaign's calling hours, outside the
    customer's rest time and not on a public holiday."""
    quiet, calendar = R.parse_windows(center_settings().quiet_hours), WorkCalendar()
    local = timezone.localtime(when)
    for _ in range(60):
        local = R.callable_at(local, quiet=quiet, calendar=calendar)
        if in_hours(campaign, local) or local.date() > campaign.ends_on:
            return local
        t = local.time().replace(tzinfo=None)
        starts = sorted(dt.time.fromisoformat(a) for a, _b in campaign.hours)
        later = [s for s in starts if s > t]
        day = local.date() if later else local.date() + dt.timedelta(days=1)
        start = later[0] if later else starts[0]
        day = max(day, campaign.starts_on)
        local = timezone.make_aware(dt.datetime.combine(day, start))
    return local


def _locked_call(actor: User, call: CampaignCall) -> CampaignCall:
    require(actor, P.LOG_INTERACTIONS)
    call = CampaignCall.objects.select_for_update().select_related("campaign", "customer").get(
        pk=call.pk)  # fmt: skip
    if call.agent_id != actor.pk and not P.has_perm(actor, P.MANAGE_CAMPAIGNS):
        raise PermissionDenied("这不是您的外呼名单", "This call is someone else's")
    if call.status != ch.CallStatus.PENDING:
        raise Conflict(FieldError("status", "already_done",
                                  f"该客户已处理（{call.get_status_display()}）",
                                  f"This call is already {call.status}"))  # fmt: skip
    if call.campaign.status != ch.CampaignStatus.ACTIVE:
        raise Conflict(FieldError("status", "not_active", "活动未在进行中",
                                  "The campaign is not calling"))  # fmt: skip
    return call


def _when(
    data: dict[str, Any], field: str, errors: list[FieldError], now: dt.datetime
) -> dt.datetime | None:
    if not data.get(field):
        errors.append(FieldError(field, "required", "请填写时间", f"{field} is required"))
        return None
    try:
        when = parse_when(data[field], field=field)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
        return None
    if when <= now:
        errors.append(FieldError(field, "past", "时间须在现在之后", f"{field} must be later"))
    return when


@transaction.atomic
def call_record(
    *, actor: User, call: CampaignCall, data: dict[str, Any], now: dt.datetime | None = None
) -> tuple[CampaignCall, list[FieldError]]:
    """One call and what came of it (R-9.3). No answer and busy are tried again after the
    campaign's hours, inside its calling hours and outside the rest time, until the attempts
    run out (unreachable); a wrong number ends it; "call back at" keeps the customer's
    time; the other outcomes end the call with a result, and a reached call is logged in
    the customer's contacts (去电). "Do not call again" puts the customer in the opt-out
    registry: no campaign or follow-up calls them after."""
    call = _locked_call(actor, call)
    now = now or timezone.now()
    errors: list[FieldError] = []
    outcome = str(data.get("outcome") or "")
    if outcome not in ch.Outcome.values:
        errors.append(choice_error("outcome", outcome, ch.Outcome.values))
    note = text_value(data, "note", 2000, errors)
    when = None
    if outcome == ch.Outcome.CALL_BACK:
        when = _when(data, "call_back_at", errors, now)
    elif outcome == ch.Outcome.APPOINTMENT:
        when = _when(data, "appointment_at", errors, now)
    if errors:
        raise ValidationFailed(errors)
    c = call.campaign
    CampaignAttempt.objects.create(call=call, outcome=outcome, note=note, by=actor)
    call.attempts += 1
    call.last_called_at = now
    call.outcome = outcome
    if note:
        call.note = f"{call.note}\n{note}".strip()[-5000:]
    if outcome in (ch.Outcome.NO_ANSWER, ch.Outcome.BUSY):
        if call.attempts >= c.max_attempts:
            call.status, call.done_at = ch.CallStatus.UNREACHABLE, now
        else:
            call.next_call_at = callable_at(c, now + dt.timedelta(hours=c.retry_hours))
    elif outcome == ch.Outcome.CALL_BACK:
        call.next_call_at, call.reached_at = when, call.reached_at or now
    else:
        call.status, call.done_at = ch.CLOSING[ch.Outcome(outcome)], now
        if outcome != ch.Outcome.WRONG_NUMBER:
            call.reached_at = call.reached_at or now
        if outcome == ch.Outcome.APPOINTMENT:
            call.appointment_at = when
    call.save()
    warnings: list[FieldError] = []
    if outcome == ch.Outcome.DO_NOT_CALL:
        customer_opt_out(customer=call.customer, actor=actor, channel="phone",
                         reason=f"外呼要求勿再致电 asked on campaign {c.pk}")  # fmt: skip
    if outcome not in ch.NOT_REACHED:
        label = ch.Outcome(outcome).label.split(" ")[0]
        _i, warnings = interaction_log(actor=actor, data={
            "channel": "outbound_call", "category": "consultation",
            "customer_id": call.customer_id, "occurred_at": now.isoformat(),
            "subject": c.name[:100], "content": f"{c.name}：{label}" + (f"。{note}" * bool(note)),
            "outcome": note,
        })  # fmt: skip
    return call, warnings


def call_dial_number(*, actor: User, call: CampaignCall) -> str:
    """The number to dial, revealed through the archive's logged reveal (R-0.5); refused
    for a customer who has opted out since the list was built."""
    call = CampaignCall.objects.select_related("customer").get(pk=call.pk)
    if call.agent_id != actor.pk and not P.has_perm(actor, P.MANAGE_CAMPAIGNS):
        raise PermissionDenied("这不是您的外呼名单", "This call is someone else's")
    if call.customer.phone_opt_out:
        raise invalid("customer", "opted_out", "客户已要求勿再致电",
                      "The customer asked not to be called")  # fmt: skip
    phones = customer_reveal(actor=actor, customer=call.customer, fields=["phones"],
                             channel="dial").get("phones") or []  # fmt: skip
    if not phones:
        raise invalid("phones", "no_phone", "客户没有电话号码", "The customer has no phone")
    return str(phones[0])


# -- the preset's scripts ---------------------------------------------------------------------

SCRIPTS = [
    {"code": "telemarketing", "name": "电话营销通用话术 telemarketing",
     "opening": "您好，{name}{title}！我是{center}的客服代表{agent}。打扰您一分钟：{campaign}"
                "正在进行，专门为老客户准备了一份优惠，想先告诉您。",
     "needs": ["您平时主要用在哪些方面？", "现在用着有没有不太满意的地方？",
               "如果有合适的方案，您最看重价格、服务还是品质？"],
     "offer": "根据您说的情况，我们这次的方案正好合适：老客户专享价，另有免费检测一次。",
     "objections": [
         {"objection": "没时间 / 再说吧", "answer": "理解您很忙，我只占用您一分钟，"
          "也可以约一个您方便的时间再打给您，您看哪天合适？"},
         {"objection": "太贵了", "answer": "价格确实是大家关心的，这次老客户价比平时优惠，"
          "而且包含免费检测，算下来更划算。"},
         {"objection": "不需要", "answer": "好的，不勉强您。方便问一下是已经有了，"
          "还是暂时用不上？以后有需要随时找我们。"},
     ],
     "closing": "那我先帮您登记/预约，稍后短信把详情发给您。感谢您的时间，祝您生活愉快！"},
    {"code": "renewal", "name": "续保提醒话术 insurance renewal",
     "opening": "您好，{name}{title}！我是{center}的{agent}。您的{model}保险快到期了，"
                "提前跟您说一声，免得耽误用车。",
     "needs": ["今年还打算在我们店续保吗？", "去年出过险吗？对理赔服务满意吗？",
               "险种要不要调整，比如加上划痕险？"],
     "offer": "在店内续保，出险时一站式理赔、代步车优先，再送一次免费保养检测。",
     "objections": [
         {"objection": "外面更便宜", "answer": "价格可以帮您比一比；店内续保理赔不用来回跑，"
          "维修用原厂件，这些外面给不了。"},
         {"objection": "车快卖了", "answer": "明白，那您看是否需要我们的二手车评估？"},
     ],
     "closing": "我先给您出一份报价单发到手机上，您确认后我们帮您办理。谢谢{name}{title}！"},
    {"code": "invitation", "name": "活动邀约话术 activity invitation",
     "opening": "您好，{name}{title}！我是{center}的{agent}。我们近期为会员举办{campaign}，"
                "想邀请您参加。",
     "needs": ["您那天时间方便吗？", "会带家人一起来吗？大概几位？"],
     "offer": "活动免费参加，现场有专家讲解、互动和礼品，名额有限，先到先得。",
     "objections": [
         {"objection": "那天没空", "answer": "没关系，下一期活动时我再第一时间通知您。"},
     ],
     "closing": "我帮您报上名，活动前一天会再短信提醒您。期待您的光临！"},
]  # fmt: skip


def sales_scripts_seed() -> int:
    """The default scripts, each unless the center has one of that code (edits are kept)."""
    made = 0
    for script in SCRIPTS:
        made += SalesScript.objects.get_or_create(code=script["code"], defaults=script)[1]
    return made
