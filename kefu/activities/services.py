"""Every write of customer activities (R-9.2): planning one, inviting its segment (an SMS
with reply-to-register through the care engine, or an invitation call campaign),
registering (console, SMS reply, import) with a waiting list that moves up when a place
frees, check-in on the day by phone number or member card (members earn the level's
activity points), and closing it: the absent marked no-show, the attendees' satisfaction
follow-ups made."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.activities import choices as ch
from kefu.activities.models import Activity, Registration
from kefu.care.services import LIST_MAX, list_rules, list_send
from kefu.core.audit import audit_as
from kefu.core.bulk import bulk_set_with_history
from kefu.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed, invalid
from kefu.core.inputs import choice_error, int_or, int_value, parse_when, text_value
from kefu.customers.choices import Status as CustomerStatus
from kefu.customers.models import Customer
from kefu.customers.selectors import customer_for_number
from kefu.customers.validation import normalize_phone
from kefu.followups import choices as fch
from kefu.followups.models import FollowUpRule
from kefu.followups.services import followup_open
from kefu.members.choices import PointsKind
from kefu.members.models import Membership
from kefu.members.services import points_earn
from kefu.outbound import services as outbound
from kefu.outbound.models import CallCampaign, Segment

IMPORT_ROWS = 2000
INVITE_RULE = "activity-invite"
CANCEL_RULE = "activity-cancel"
FOLLOWUP_RULE = "activity-followup"


def _manage(actor: User) -> None:
    if not P.has_perm(actor, P.MANAGE_CAMPAIGNS):
        raise PermissionDenied("只有班长和客服经理可筹备活动",
                               "Activities are planned by team leads and CS managers")  # fmt: skip


@transaction.atomic
def activity_save(
    *, actor: User, data: dict[str, Any], activity: Activity | None = None
) -> Activity:
    """Plan an activity or change one not yet over."""
    _manage(actor)
    a = Activity.objects.select_for_update().get(pk=activity.pk) if activity else None
    if a and a.status in (ch.ActivityStatus.DONE, ch.ActivityStatus.CANCELLED):
        raise Conflict(FieldError("status", "over", "活动已结束或已取消", "The activity is over"))
    merged = {**(_as_data(a) if a else {}), **data}
    errors: list[FieldError] = []
    name = text_value(merged, "name", 64, errors)
    if not name:
        errors.append(FieldError("name", "required", "请填写活动名称", "name is required"))
    place = text_value(merged, "place", 100, errors)
    if not place:
        errors.append(FieldError("place", "required", "请填写地点", "place is required"))
    kind = str(merged.get("kind") or "")
    if kind not in ch.ActivityKind.values:
        errors.append(choice_error("kind", kind, ch.ActivityKind.values))
    times = {}
    for field in ("starts_at", "ends_at"):
        try:
            times[field] = parse_when(merged.get(field) or "", field=field)
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if len(times) == 2 and times["ends_at"] < times["starts_at"]:
        errors.append(FieldError("ends_at", "before_start", "结束时间早于开始时间",
                                 "ends_at is before starts_at"))  # fmt: skip
    capacity = int_value(merged, "capacity", errors, low=1, high=100_000)
    try:
        cost = float(merged.get("cost") or 0)
        if not 0 <= cost <= 100_000_000:
            raise ValueError
    except (TypeError, ValueError):
        errors.append(FieldError("cost", "invalid", "费用须为 0 或正数", "cost: 0 or more"))
        cost = 0
    segment = None
    if merged.get("segment_id"):
        segment = Segment.objects.filter(pk=int_or(merged["segment_id"]), active=True).first()
        if segment is None:
            errors.append(FieldError("segment_id", "not_found", "没有该客户分群", "No segment"))
    reply = str(merged.get("reply_code") or "").strip()[:6]
    if reply and not reply.isalnum():
        errors.append(FieldError("reply_code", "invalid", "报名码只能是字母或数字",
                                 "reply_code: letters or digits"))  # fmt: skip
    if reply and (reply[0] in "12345" or reply.upper() in ("TD", "T", "N", "STOP")):
        errors.append(FieldError("reply_code", "reserved",
                                 "以1–5开头的码留给满意度回复，TD/T/N 留给退订，请换一个报名码",
                                 "codes starting 1–5 are satisfaction replies and TD/T/N are "
                                 "opt-outs: choose another code"))  # fmt: skip
    taken = Activity.objects.filter(reply_code__iexact=reply, status=ch.ActivityStatus.OPEN)
    if reply and taken.exclude(pk=a.pk if a else 0).exists():
        errors.append(FieldError("reply_code", "taken", f"报名码 {reply} 已被报名中的活动使用",
                                 f"reply code {reply} is in use"))  # fmt: skip
    if a and capacity < _seated(a):
        errors.append(FieldError("capacity", "below_registered",
                                 f"已报名 {_seated(a)} 人，名额不能更少",
                                 f"{_seated(a)} seats are taken already"))  # fmt: skip
    events = merged.get("conversion_events") or []
    events = events if isinstance(events, list) else str(events).replace("、", ",").split(",")
    events = [str(e).strip()[:32] for e in events if str(e).strip()][:10]
    conversion_days = int_value(merged, "conversion_days", errors, low=1, high=365, default=30)
    if errors:
        raise ValidationFailed(errors)
    a = a or Activity(created_by=actor)
    a.name, a.kind, a.place, a.capacity, a.cost = name, kind, place, capacity, cost
    a.starts_at, a.ends_at, a.segment, a.reply_code = (
        times["starts_at"],
        times["ends_at"],
        segment,
        reply,
    )
    a.conversion_events, a.conversion_days = events, conversion_days
    audit_as(a, actor)
    a.save()
    return a


def _as_data(a: Activity) -> dict[str, Any]:
    return {"name": a.name, "kind": a.kind, "place": a.place, "capacity": a.capacity,
            "cost": a.cost, "starts_at": a.starts_at.isoformat(), "ends_at": a.ends_at.isoformat(),
            "segment_id": a.segment_id, "reply_code": a.reply_code,
            "conversion_events": a.conversion_events,
            "conversion_days": a.conversion_days}  # fmt: skip


def _seated(a: Activity) -> int:
    rows = Registration.objects.filter(activity=a, status__in=ch.SEATED)
    return sum(1 + g for g in rows.values_list("guests", flat=True))


def _locked(activity: Activity, *statuses: str) -> Activity:
    a = Activity.objects.select_for_update().get(pk=activity.pk)
    if statuses and a.status not in statuses:
        raise Conflict(FieldError("status", "wrong_status",
                                  f"活动当前为「{a.get_status_display()}」",
                                  f"The activity is {a.status}"))  # fmt: skip
    return a


@transaction.atomic
def activity_open(*, actor: User, activity: Activity) -> Activity:
    """Registration opens (its reply code must be free among the open ones)."""
    _manage(actor)
    a = _locked(activity, ch.ActivityStatus.DRAFT)
    if a.reply_code and Activity.objects.filter(
            reply_code__iexact=a.reply_code, status=ch.ActivityStatus.OPEN).exists():  # fmt: skip
        raise invalid("reply_code", "taken", f"报名码 {a.reply_code} 已被报名中的活动使用",
                      f"reply code {a.reply_code} is in use")  # fmt: skip
    a.status = ch.ActivityStatus.OPEN
    audit_as(a, actor)
    a.save(update_fields=["status"])
    return a


def activity_invite(*, actor: User, activity: Activity) -> dict[str, int]:
    """An SMS invitation to the segment's active customers (at most the care engine's list
    size), once per customer: the care rule `activity-invite` with the activity's name,
    time, place and reply code."""
    _manage(actor)
    a = Activity.objects.get(pk=activity.pk)
    if a.status != ch.ActivityStatus.OPEN or a.segment is None:
        raise invalid("segment_id", "cannot_invite", "报名中且设置了客户分群的活动才能邀请",
                      "Only an open activity with a segment invites")  # fmt: skip
    found = outbound.segment_queryset(a.segment.filters).filter(status=CustomerStatus.ACTIVE)
    ids = list(found.order_by("pk").values_list("pk", flat=True)[:LIST_MAX])
    local = timezone.localtime(a.starts_at)
    sent = list_send(actor=actor, customer_ids=ids, rule_code=INVITE_RULE, key=f"activity{a.pk}",
                     context={"activity": a.name, "date": f"{local:%m月%d日 %H:%M}",
                              "place": a.place, "reply": a.reply_code})  # fmt: skip
    Activity.objects.filter(pk=a.pk).update(invited=a.invited + sent["queued"])
    return sent


def activity_call_campaign(*, actor: User, activity: Activity, agents: list[str]) -> CallCampaign:
    """An invitation call campaign over the activity's segment (the invitation script),
    calling until the day before (R-9.3)."""
    a = Activity.objects.get(pk=activity.pk)
    if a.segment is None:
        raise invalid("segment_id", "required", "请先为活动选择客户分群",
                      "Choose the activity's segment first")  # fmt: skip
    today = timezone.localdate()
    last = max(timezone.localdate(a.starts_at) - dt.timedelta(days=1), today)
    return outbound.campaign_save(actor=actor, data={
        "name": f"邀约：{a.name}"[:64], "kind": "invitation", "segment_id": a.segment_id,
        "script": "invitation", "starts_on": today, "ends_on": last,
        "hours": "09:00-12:00, 14:00-18:00", "agents": agents})  # fmt: skip


def _promote(a: Activity) -> list[Registration]:
    """The waiting list moves up, first come first served, as far as the places allow."""
    free = a.capacity - _seated(a)
    moved = []
    for r in Registration.objects.filter(activity=a, status=ch.RegistrationStatus.WAITING):
        if r.seats > free:
            break
        r.status = ch.RegistrationStatus.REGISTERED
        audit_as(r, None, reason="候补转正 moved up from the waiting list")
        r.save(update_fields=["status"])
        free -= r.seats
        moved.append(r)
    return moved


@transaction.atomic
def registration_add(*, actor: User | None, activity: Activity, customer: Customer,
                     source: str, guests: int = 0) -> Registration:  # fmt: skip
    """A place if the seats allow, else the waiting list; registering twice changes
    nothing (a cancelled registration comes back)."""
    if actor is not None:
        require(actor, P.LOG_INTERACTIONS)
    a = _locked(activity, ch.ActivityStatus.OPEN)
    if not 0 <= guests <= 10:
        raise invalid("guests", "out_of_range", "同行人数须在 0–10 之间", "guests: 0–10")
    found = Registration.objects.filter(activity=a, customer=customer).first()
    if found and found.status != ch.RegistrationStatus.CANCELLED:
        return found
    r = found or Registration(activity=a, customer=customer)
    r.source, r.guests, r.created_at = source, guests, timezone.now()
    fits = _seated(a) + 1 + guests <= a.capacity
    r.status = ch.RegistrationStatus.REGISTERED if fits else ch.RegistrationStatus.WAITING
    audit_as(r, actor)
    r.save()
    return r


@transaction.atomic
def registration_cancel(*, actor: User | None, registration: Registration) -> list[Registration]:
    """Cancel a place or a waiting spot; returns who moved up from the waiting list."""
    if actor is not None:
        require(actor, P.LOG_INTERACTIONS)
    a = _locked(registration.activity, ch.ActivityStatus.OPEN)
    r = Registration.objects.select_for_update().get(pk=registration.pk)
    if r.status not in (ch.RegistrationStatus.REGISTERED, ch.RegistrationStatus.WAITING):
        raise Conflict(FieldError("status", "not_cancellable", "该报名不能取消",
                                  "This registration cannot be cancelled"))  # fmt: skip
    r.status = ch.RegistrationStatus.CANCELLED
    audit_as(r, actor)
    r.save(update_fields=["status"])
    return _promote(a)


def registration_import(
    *, actor: User, activity: Activity, rows: list[list[str]]
) -> dict[str, Any]:
    """Rows of [phone, guests?] (a sign-up sheet): each registered or told why not, by its
    row number; the header row is skipped when it is not a number."""
    require(actor, P.LOG_INTERACTIONS)
    if len(rows) > IMPORT_ROWS + 1:
        raise invalid(
            "file", "too_many_rows", f"最多 {IMPORT_ROWS} 行", f"At most {IMPORT_ROWS} rows"
        )
    done, problems = {"registered": 0, "waiting": 0}, []
    for n, row in enumerate(rows, start=1):
        raw = str(row[0] if row else "").strip()
        if n == 1 and not any(ch_.isdigit() for ch_ in raw):
            continue  # the header
        try:
            phone = normalize_phone(raw, field="phone").number
        except ValidationFailed:
            problems.append({"row": n, "message": f"第 {n} 行：电话号码无效 {raw[:20]}",
                             "message_en": f"Row {n}: not a phone number"})  # fmt: skip
            continue
        customer = customer_for_number(phone)
        if customer is None:
            problems.append({"row": n, "message": f"第 {n} 行：没有此号码的客户",
                             "message_en": f"Row {n}: no customer with this number"})  # fmt: skip
            continue
        guests = int_or(row[1]) if len(row) > 1 else 0
        r = registration_add(actor=actor, activity=activity, customer=customer,
                             source=ch.Source.IMPORT, guests=min(max(guests, 0), 10))  # fmt: skip
        done["waiting" if r.status == ch.RegistrationStatus.WAITING else "registered"] += 1
    return {**done, "problems": problems}


def _who(query: str) -> Customer | None:
    """A phone number or a member card number, as typed at the door."""
    q = query.strip().upper()
    member = Membership.objects.select_related("customer").filter(card_no=q).first()
    if member:
        return member.customer
    try:
        return customer_for_number(normalize_phone(q, field="query").number)
    except ValidationFailed:
        return None


@transaction.atomic
def checkin(*, actor: User, activity: Activity, query: str) -> Registration:
    """Check a customer in on the day by phone number or member card; someone not
    registered is a walk-in when a seat is free. A member earns the level's activity
    points, once."""
    require(actor, P.LOG_INTERACTIONS)
    a = _locked(activity, ch.ActivityStatus.OPEN)
    customer = _who(query[:40])
    if customer is None:
        raise invalid("query", "not_found", f"没有找到手机号或会员卡号为 {query[:20]} 的客户",
                      f"No customer with phone or card {query[:20]}")  # fmt: skip
    r = Registration.objects.select_for_update().filter(activity=a, customer=customer).first()
    if r and r.status == ch.RegistrationStatus.ATTENDED:
        return r
    if r is None or r.status in (ch.RegistrationStatus.CANCELLED, ch.RegistrationStatus.NO_SHOW):
        if _seated(a) + 1 > a.capacity:
            raise Conflict(FieldError("query", "full", f"{customer.name}未报名，名额已满",
                                      f"{customer.name} is not registered; full"))  # fmt: skip
        r = r or Registration(activity=a, customer=customer, source=ch.Source.WALK_IN)
    r.status, r.checked_in_at, r.checked_in_by = (
        ch.RegistrationStatus.ATTENDED,
        timezone.now(),
        actor,
    )
    audit_as(r, actor)
    r.save()
    m = Membership.objects.select_related("level").filter(customer=customer).first()
    if m:
        points_earn(customer=customer, kind=PointsKind.ACTIVITY, points=m.level.points_per_activity,
                    key=f"activity:{a.pk}:{customer.pk}", reason=f"参加活动 {a.name}",
                    actor=actor)  # fmt: skip
    return r


@transaction.atomic
def activity_close(*, actor: User, activity: Activity) -> dict[str, int]:
    """The day is over: the registered who did not come are no-shows; each attendee gets
    a satisfaction call (the activity follow-up rule's script, owned by their agent) from
    the next day."""
    _manage(actor)
    a = _locked(activity, ch.ActivityStatus.OPEN)
    no_show = Registration.objects.filter(activity=a, status=ch.RegistrationStatus.REGISTERED)
    absent = no_show.update(status=ch.RegistrationStatus.NO_SHOW)
    rule = FollowUpRule.objects.filter(code=FOLLOWUP_RULE, active=True).first()
    day = max(timezone.localdate(a.ends_at), timezone.localdate()) + dt.timedelta(days=1)
    calls = 0
    attended = Registration.objects.filter(activity=a, status=ch.RegistrationStatus.ATTENDED)
    for r in attended.select_related("customer__owner"):
        if r.customer.phone_opt_out:
            continue
        _f, created = followup_open(
            kind=fch.Kind.RULE, source_key=f"activity:{a.pk}:{r.customer_id}", due_on=day,
            due_by=day + dt.timedelta(days=2), customer=r.customer, owner=r.customer.owner,
            rule=rule, family=rule.family if rule else "活动回访", note=a.name)  # fmt: skip
        calls += created
    a.status = ch.ActivityStatus.DONE
    audit_as(a, actor)
    a.save(update_fields=["status"])
    return {"no_show": absent, "followups": calls}


@transaction.atomic
def activity_cancel(*, actor: User, activity: Activity) -> dict[str, int]:
    """Called off: the places and the waiting list are cancelled (audited) and those people
    are told by SMS (care rule `activity-cancel`, once each). Returns `cancelled` and the
    message counts (`queued`, `skipped`, `already`)."""
    _manage(actor)
    a = _locked(activity, ch.ActivityStatus.DRAFT, ch.ActivityStatus.OPEN)
    a.status = ch.ActivityStatus.CANCELLED
    audit_as(a, actor)
    a.save(update_fields=["status"])
    held = (ch.RegistrationStatus.REGISTERED, ch.RegistrationStatus.WAITING)
    rows = list(Registration.objects.select_for_update().filter(activity=a, status__in=held))
    for r in rows:
        r.status = ch.RegistrationStatus.CANCELLED
    bulk_set_with_history(Registration, rows, ["status"], user=actor, reason="活动取消 called off")
    told = {"queued": 0, "skipped": 0, "already": 0}
    if rows and CANCEL_RULE in {r.code for r in list_rules()}:
        local = timezone.localtime(a.starts_at)
        told = list_send(actor=actor, customer_ids=[r.customer_id for r in rows],
                         rule_code=CANCEL_RULE, key=f"activity{a.pk}-cancel",
                         context={"activity": a.name, "date": f"{local:%m月%d日 %H:%M}",
                                  "place": a.place})  # fmt: skip
    return {"cancelled": len(rows), **told}


def reply_register(*, customer: Customer, code: str) -> Registration | None:
    """An SMS reply carrying an open activity's code registers its sender (R-9.2)."""
    a = Activity.objects.filter(reply_code__iexact=code.strip(), status=ch.ActivityStatus.OPEN,
                                starts_at__gt=timezone.now()).first()  # fmt: skip
    if a is None:
        return None
    return registration_add(actor=None, activity=a, customer=customer, source=ch.Source.REPLY)


def registration_by_phone(*, actor: User, activity: Activity, phone: str,
                          guests: int = 0) -> Registration:  # fmt: skip
    """Register the customer with this number (the console's sign-up by phone)."""
    customer = customer_for_number(normalize_phone(phone, field="phone").number)
    if customer is None:
        raise invalid("phone", "not_found", "没有此号码的客户（请先建档）",
                      "No customer with this number (add them first)")  # fmt: skip
    return registration_add(actor=actor, activity=activity, customer=customer,
                            source=ch.Source.CONSOLE, guests=guests)  # fmt: skip


def reply_handle(customer: Customer, text: str) -> str | None:
    """The care app's reply handler (registered in apps.py): a reply that is an open
    activity's code registers the customer; says so for the reply log."""
    code = text.strip()[:6]
    if not code.isalnum():
        return None
    r = reply_register(customer=customer, code=code)
    if r is None:
        return None
    if r.status == ch.RegistrationStatus.WAITING:
        return f"活动{code}候补 waiting list of activity {code}"
    return f"已报名活动{code} registered for activity {code}"


ACTIVITY_SCRIPT = {
    "code": "activity", "name": "活动回访 activity follow-up",
    "opening": "您好，{name}{title}！我是{center}的客服，感谢您参加我们的活动，"
               "耽误您一分钟做个回访。",
    "questions": [
        {"key": "overall", "text": "您对这次活动整体满意吗？（1–5分）", "kind": "score", "max": 5},
        {"key": "content", "text": "活动内容对您有帮助吗？（1–5分）", "kind": "score", "max": 5},
        {"key": "next", "text": "下次还希望参加什么样的活动？", "kind": "text"},
    ],
    "satisfied_text": "谢谢您的肯定，下次活动我们第一时间通知您！",
    "unsatisfied_text": "很抱歉没让您满意，您的意见我们会认真改进。",
    "closing": "再次感谢您的参与，祝您生活愉快！",
}  # fmt: skip


def activity_followup_seed() -> None:
    """The satisfaction call after an activity: its script and follow-up rule, unless the
    center has them."""
    from kefu.followups.models import Script

    script, _c = Script.objects.get_or_create(
        code=ACTIVITY_SCRIPT["code"], defaults=ACTIVITY_SCRIPT
    )
    FollowUpRule.objects.get_or_create(code=FOLLOWUP_RULE, defaults={
        "family": "活动回访", "name": "活动满意度回访 activity follow-up",
        "trigger": fch.Trigger.EVENT, "event_type": "activity_attended", "offset_days": 1,
        "window_days": 3, "script": script})  # fmt: skip


def seats_of(activity: Activity) -> dict[str, int]:
    rows = Registration.objects.filter(activity=activity)
    seated = rows.filter(status__in=ch.SEATED).aggregate(n=Sum("guests"))["n"] or 0
    return {"taken": seated + rows.filter(status__in=ch.SEATED).count(),
            "waiting": rows.filter(status=ch.RegistrationStatus.WAITING).count(),
            "open": rows.filter(~Q(status=ch.RegistrationStatus.CANCELLED)).count()}  # fmt: skip
