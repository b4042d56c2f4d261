"""交接班 (R-7.3): the outgoing agent drafts the handover — the system lists their pending
callbacks and messages, follow-ups due but not done, and the open work orders and complaints
they hold — both agents confirm it, each with their own sign-in (time-stamped), and then the
callbacks and follow-ups move to the incoming agent. A handover left unconfirmed past
ALERT_MINUTES is told to the team leads (a job every five minutes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import Role
from kefu.accounts.models import User
from kefu.accounts.selectors import active_user
from kefu.complaints import selectors as complaint_sel
from kefu.core.audit import audit_as
from kefu.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from kefu.core.inputs import label_halves, text_value
from kefu.followups.handover import followups_due_of, followups_hand_over
from kefu.interactions import selectors as interaction_sel
from kefu.interactions.choices import NoticeKind
from kefu.interactions.handover import tasks_hand_over
from kefu.interactions.notices import notice_send, notices_send
from kefu.quality.models import Handover
from kefu.tickets import selectors as ticket_sel

ALERT_MINUTES = 30
LISTED = 200  # items of each kind on one handover


def items_of(giver: User, day: dt.date) -> list[dict[str, Any]]:
    """What the outgoing agent holds, as the handover lists it."""
    items: list[dict[str, Any]] = []
    for t in interaction_sel.tasks_open(user=giver)[:LISTED]:
        who = t.customer.name if t.customer_id else t.caller_number
        items.append({"kind": "callback", "id": t.pk, "moves": True,
                      "label": f"{label_halves(t.get_kind_display())[0]} {who} {t.note[:40]}",
                      "due": timezone.localtime(t.due_at).isoformat()})  # fmt: skip
    for f in followups_due_of(user=giver, day=day)[:LISTED]:
        label = f"{f.label} {f.customer.name if f.customer else ''}".strip()
        items.append({"kind": "followup", "id": f.pk, "moves": True, "label": label,
                      "due": f.due_on.isoformat()})  # fmt: skip
    for o in ticket_sel.work_orders(user=giver, status="open", assignee=giver.username)[:LISTED]:
        items.append({"kind": "work_order", "id": o.pk, "moves": False,
                      "label": f"{o.number} {o.title}", "due": ""})  # fmt: skip
    for c in complaint_sel.complaints(user=giver, stage="open", handler=giver.username)[:LISTED]:
        items.append({"kind": "complaint", "id": c.pk, "moves": False,
                      "label": f"{c.number} {c.complainant_name}", "due": ""})  # fmt: skip
    return items


@transaction.atomic
def handover_draft(*, actor: User, data: dict[str, Any]) -> Handover:
    """The outgoing agent (`actor`) hands over to `taker` (a username) with notes; the
    incoming agent is told and must confirm with their own sign-in."""
    P.require(actor, P.LOG_INTERACTIONS)
    errors: list[FieldError] = []
    notes = text_value(data, "notes", 2000, errors)
    try:
        taker = active_user(data.get("taker"), field="taker")
    except ValidationFailed as exc:
        raise ValidationFailed(errors + exc.errors) from exc
    if taker is None:
        raise ValidationFailed(
            [*errors, FieldError("taker", "required", "请选择接班人", "name who takes over")]
        )
    if taker.pk == actor.pk:
        errors.append(
            FieldError("taker", "self", "不能交接给自己", "you cannot hand over to yourself")
        )
    elif not P.has_perm(taker, P.LOG_INTERACTIONS):
        errors.append(FieldError("taker", "not_agent", "接班人须为坐席或班长",
                                 "the one taking over is an agent or a team lead"))  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    return _draft(actor, taker, notes, items_of(actor, timezone.localdate()), by=actor)


def _draft(giver: User, taker: User, notes: str, items: list[dict[str, Any]], *,
           by: User | None) -> Handover:  # fmt: skip
    handover = Handover(giver=giver, taker=taker, notes=notes, items=items)
    audit_as(handover, by, reason=None if by else "drafted at the shift change")
    try:
        with transaction.atomic():
            handover.save()
    except IntegrityError:
        raise Conflict(
            FieldError("taker", "open_handover", "您还有一份未确认的交接班，请先完成它",
                       "you have a handover still unconfirmed; finish it first")
        ) from None  # fmt: skip
    who = giver.display_name or giver.username
    moving = sum(1 for i in handover.items if i["moves"])
    notice_send(
        kind=NoticeKind.MESSAGE,
        user=taker,
        link=f"/handover/{handover.pk}/",
        text=f"{who} 向您交接班：{moving} 项待办将转给您，请核对后确认",
    )
    return handover


@transaction.atomic
def handover_confirm(*, actor: User, handover_id: int) -> Handover:
    """One side confirms with their own sign-in; when both have, the callbacks and
    follow-ups still open move to the incoming agent."""
    handover = Handover.objects.select_for_update().filter(pk=handover_id).first()
    if handover is None:
        raise NotFound(f"handover {handover_id}")
    if actor.pk not in (handover.giver_id, handover.taker_id):
        raise PermissionDenied("只有交班人和接班人可以确认", "Only the two agents confirm")
    now = timezone.now()
    field = "giver_confirmed_at" if actor.pk == handover.giver_id else "taker_confirmed_at"
    if getattr(handover, field) is not None:
        raise Conflict(FieldError("handover", "confirmed", "您已确认过", "you confirmed already"))
    setattr(handover, field, now)
    if handover.giver_confirmed_at and handover.taker_confirmed_at:
        ids = {kind: [i["id"] for i in handover.items if i["kind"] == kind]
               for kind in ("callback", "followup")}  # fmt: skip
        giver, taker = handover.giver, handover.taker
        handover.moved = {
            "callbacks": tasks_hand_over(actor=actor, task_ids=ids["callback"], giver=giver,
                                         taker=taker),
            "followups": followups_hand_over(actor=actor, ids=ids["followup"], giver=giver,
                                             taker=taker),
        }  # fmt: skip
    audit_as(handover, actor)
    handover.save()
    return handover


DRAFT_BEFORE = dt.timedelta(minutes=15)  # a shift's handovers are drafted this long before it ends


def handovers_draft_due(now: dt.datetime | None = None) -> int:
    """At the shift change the system drafts the handover (R-7.3): each agent whose shift
    ends within DRAFT_BEFORE and who holds something (callbacks, follow-ups, work orders,
    complaints) gets a draft to the colleague on shift after them — the first by name of
    those whose shift runs past this one's end — and both are told to confirm. Once per agent
    and shift end (a job every five minutes); how many were drafted."""
    from kefu.quality.models import RosterEntry
    from kefu.quality.roster import shift_span

    now = timezone.localtime(now or timezone.now())
    today = now.date()
    entries = list(
        RosterEntry.objects.filter(day__in=[today - dt.timedelta(days=1), today])
        .select_related("user", "shift")
        .order_by("user__display_name", "user__username")
    )
    spans = [(e, *shift_span(e.shift, e.day)) for e in entries]
    drafted = 0
    for entry, start, end in spans:
        if not now < end <= now + DRAFT_BEFORE or not entry.user.is_active:
            continue
        giver = entry.user
        if Handover.objects.filter(giver=giver, drafted_at__gte=start).exists():
            continue  # drafted already this shift (by the agent or an earlier run)
        takers = [e.user for e, s, until in spans
                  if e.user_id != giver.pk and e.user.is_active and s <= end < until]  # fmt: skip
        items = items_of(giver, end.date())
        if not takers or not items:
            continue
        try:
            with transaction.atomic():
                handover = _draft(giver, takers[0], "", items, by=None)
        except Conflict:
            continue  # an open handover of theirs waits: not a second one
        notice_send(kind=NoticeKind.MESSAGE, user=giver, link=f"/handover/{handover.pk}/",
                    text=f"{end:%H:%M} 交班：系统已起草交接班表（{len(items)} 项），"
                    "请核对、补充说明后确认")  # fmt: skip
        drafted += 1
    return drafted


def handovers_alert(now: dt.datetime | None = None) -> int:
    """Tell the team leads of handovers unconfirmed ALERT_MINUTES after drafting (once
    each); how many."""
    now = now or timezone.now()
    late = Handover.objects.filter(
        drafted_at__lt=now - dt.timedelta(minutes=ALERT_MINUTES), alerted_at__isnull=True
    ).exclude(giver_confirmed_at__isnull=False, taker_confirmed_at__isnull=False)
    leads = list(User.objects.filter(role=Role.TEAM_LEAD, is_active=True))
    told = 0
    for handover in late.select_related("giver", "taker"):
        with transaction.atomic():
            claimed = Handover.objects.filter(pk=handover.pk, alerted_at__isnull=True).update(
                alerted_at=now
            )
            if not claimed:
                continue
            waiting = "、".join(
                (u.display_name or u.username)
                for u, at in ((handover.giver, handover.giver_confirmed_at),
                              (handover.taker, handover.taker_confirmed_at))
                if at is None
            )  # fmt: skip
            notices_send(
                kind=NoticeKind.MESSAGE,
                users=leads,
                link=f"/handover/{handover.pk}/",
                text=f"交接班超过 {ALERT_MINUTES} 分钟未确认：{waiting} 尚未确认",
                urgent=True,
            )
            told += 1
    return told
