"""Every write on work orders (R-3): create with SLA deadlines, transition through the
workflow, urge, escalate overdue orders along the chain."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import role_name
from kefu.accounts.models import Department, User
from kefu.accounts.permissions import require
from kefu.accounts.selectors import active_user
from kefu.core.audit import audit_as
from kefu.core.calendar import add_working_minutes
from kefu.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from kefu.core.services import center_settings, counter_reserve
from kefu.core.wording import wording_keep
from kefu.customers.selectors import customer_named
from kefu.followups.choices import Kind as FollowUpKind
from kefu.followups.services import followup_open
from kefu.interactions.choices import NoticeKind, Routing
from kefu.interactions.notices import notice_send, notices_send
from kefu.tickets import choices as ch
from kefu.tickets import workflow
from kefu.tickets.models import EscalationStep, SlaRule, WorkOrder, WorkOrderEvent


def sla_rule_for(*, category: str, department: Department, priority: str) -> SlaRule | None:
    """The most specific active rule: department and priority matches count, in that order."""
    rules = (
        SlaRule.objects.filter(active=True, category=category)
        .filter(Q(department=department) | Q(department__isnull=True))
        .filter(Q(priority=priority) | Q(priority=""))
    )
    return max(
        rules, key=lambda r: (r.department_id is not None, r.priority != "", -r.id), default=None
    )


def sla_deadlines(rule: SlaRule | None, start: dt.datetime) -> tuple:
    """Dispatch and resolve deadlines from `start`, in calendar or working hours."""
    if rule is None:
        return None, None
    if rule.hours_kind == ch.HoursKind.WORKING:
        setting = center_settings()
        local = timezone.localtime(start)

        def add(minutes: int) -> dt.datetime:
            return add_working_minutes(
                local, minutes, day_start=setting.work_day_start, day_end=setting.work_day_end
            )

        return add(rule.dispatch_minutes), add(rule.resolve_hours * 60)
    return (
        start + dt.timedelta(minutes=rule.dispatch_minutes),
        start + dt.timedelta(hours=rule.resolve_hours),
    )


def _event(
    order: WorkOrder,
    kind: str,
    actor: User | None,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
) -> None:
    WorkOrderEvent.objects.create(
        work_order=order,
        kind=kind,
        actor=actor,
        note=note,
        from_status=from_status,
        to_status=to_status,
    )


@transaction.atomic
def work_order_create(*, actor: User, data: dict, interaction=None) -> WorkOrder:
    """Raise a work order for a department (R-3.1); deadlines come from the SLA rules."""
    require(actor, P.LOG_INTERACTIONS)
    errors = []
    category = data.get("category") or ch.Category.OTHER
    if category not in ch.Category.values:
        errors.append(
            FieldError(
                "category",
                "invalid_category",
                f"工单类别无效：{category}",
                f"Invalid category: {category}",
            )
        )
    priority = data.get("priority") or ch.Priority.NORMAL
    if priority not in ch.Priority.values:
        errors.append(
            FieldError(
                "priority",
                "invalid_priority",
                f"优先级无效：{priority}",
                f"Invalid priority: {priority}",
            )
        )
    department = Department.objects.filter(code=data.get("department") or "").first()
    if department is None:
        errors.append(
            FieldError(
                "department",
                "unknown_department",
                f"部门不存在：{data.get('department')}",
                f"Unknown department: {data.get('department')}",
            )
        )
    title = str(data.get("title") or "").strip()
    if not title:
        errors.append(FieldError("title", "required", "请填写工单标题", "title is required"))
    elif len(title) > 100:
        errors.append(
            FieldError(
                "title",
                "too_long",
                "工单标题不能超过 100 个字符",
                "title is longer than 100 characters",
            )
        )
    customer = customer_named(data["customer_id"], errors) if data.get("customer_id") else None
    if errors or department is None:
        raise ValidationFailed(errors)
    now = timezone.now()
    rule = sla_rule_for(category=category, department=department, priority=priority)
    dispatch_due, due = sla_deadlines(rule, now)
    order = WorkOrder(
        number=f"GD{counter_reserve(name='work_order'):08d}",
        category=category,
        title=title,
        description=str(data.get("description") or ""),
        priority=priority,
        department=department,
        sla_rule=rule,
        dispatch_due_at=dispatch_due,
        due_at=due,
        customer=customer or (interaction.customer if interaction else None),
        interaction=interaction,
        created_by=actor,
    )
    audit_as(order, actor)
    order.save()
    _event(order, ch.EventKind.CREATED, actor, to_status=order.status)
    if data.get("assignee"):
        order = work_order_transition(
            actor=actor, order=order, to=ch.Status.DISPATCHED, fields={"assignee": data["assignee"]}
        )
    return order


def _can_work(actor: User, order: WorkOrder) -> bool:
    """CS (leads and above) steer any order; a handler works the orders of their department."""
    if P.has_perm(actor, P.MANAGE_TASKS):
        return True
    if order.assignee_id == actor.id or (
        actor.department_id and actor.department_id == order.department_id
    ):
        return True
    return P.has_perm(actor, P.LOG_INTERACTIONS) and order.created_by_id == actor.id


@transaction.atomic
def work_order_transition(
    *, actor: User, order: WorkOrder, to: str, fields: dict | None = None
) -> WorkOrder:
    """Move an order along the workflow (R-3.1). A transition that is not allowed from the
    current status is a Conflict (409) naming the allowed ones; missing fields are 422."""
    fields = fields or {}
    order = WorkOrder.objects.select_for_update().get(pk=order.pk)
    if not _can_work(actor, order):
        raise PermissionDenied("无权处理该工单", "You may not work on this order")
    needed = workflow.required_fields(order.status, to)
    if needed is None:
        allowed = workflow.allowed(order.status) or ["—"]
        raise Conflict(
            FieldError(
                "to",
                "transition_not_allowed",
                f"工单 {order.number} 当前为「{order.get_status_display()}」，不能变为 {to}；"
                f"可变为：{'、'.join(allowed)}",
                f"Order {order.number} is {order.status}; cannot go to {to}; "
                f"allowed: {', '.join(allowed)}",
            )
        )
    missing = [f for f in needed if not str(fields.get(f) or "").strip()]
    if missing:
        raise ValidationFailed(
            [
                FieldError(f, "required", f"该操作需要填写 {f}", f"{f} is required for this step")
                for f in missing
            ]
        )
    now, before = timezone.now(), order.status
    if "assignee" in needed:
        order.assignee = active_user(fields["assignee"], field="assignee")
        order.dispatched_at = order.dispatched_at or now
    if to == ch.Status.DONE:
        order.result, order.done_at = fields["result"].strip(), now
    elif to == ch.Status.VERIFIED:
        order.verified_at = now
    elif to == ch.Status.REOPENED:
        order.done_at = None
    order.status = to
    audit_as(order, actor)
    order.save()
    note = str(fields.get("reason") or fields.get("result") or fields.get("note") or "")
    _event(order, ch.EventKind.TRANSITION, actor, note=note, from_status=before, to_status=to)
    if to == ch.Status.DONE:
        wording_keep(actor=actor, record=order, fields={"result": order.result})
        _result_returns_to_cs(order, now)
    return order


def _result_returns_to_cs(order: WorkOrder, now: dt.datetime) -> None:
    """R-3.3: the department's result comes back to CS as a follow-up call within three
    days (R-5.2) for whoever raised the order; its answer verifies or reopens the order."""
    done_count = order.events.filter(kind=ch.EventKind.TRANSITION, to_status=ch.Status.DONE)
    followup_open(
        kind=FollowUpKind.WORK_ORDER,
        source_key=f"work_order:{order.pk}:{done_count.count()}",
        customer=order.customer,
        work_order=order,
        owner=order.created_by,
        due_on=timezone.localdate(now),
        due_by=timezone.localdate(now) + dt.timedelta(days=3),
    )
    if order.created_by_id:
        notice_send(
            kind=NoticeKind.WORK_ORDER_DONE,
            user=order.created_by,
            link=f"/work-orders/{order.pk}/",
            text=f"工单已完成，请回访：{order.number} {order.title}：{order.result}",
        )


def interaction_route(*, interaction, actor: User, department: str | None) -> list[FieldError]:
    """A report or repair contact becomes a work order for the named department, else the
    center's repair department (R-2.3; registered in apps.py). Without either it waits."""
    dept = (
        Department.objects.filter(code=department).first()
        if department
        else center_settings().repair_department
    )
    if dept is None:
        return [
            FieldError(
                "department",
                "no_repair_department",
                "未指定报修转交部门（中心设置或 department），工单待创建",
                "No department for reports and repairs (center setting or"
                " `department`): the work order is pending",
            )
        ]
    work_order_create(
        actor=actor,
        interaction=interaction,
        data={
            "category": "fault",
            "department": dept.code,
            "title": interaction.subject or interaction.content[:50],
            "description": interaction.content,
            "customer_id": interaction.customer_id,
        },
    )
    interaction.routing = Routing.DONE
    return []


def followup_answered(answer) -> None:
    """R-3.3: the CS follow-up of a finished order verifies the department's work, or an
    unsatisfied answer sends it back (registered in apps.py)."""
    order = answer.followup.work_order
    if order is None or order.status != ch.Status.DONE:
        return
    note = answer.note
    work_order_transition(
        actor=answer.actor,
        order=order,
        to=ch.Status.VERIFIED if answer.satisfied else ch.Status.REOPENED,
        fields={"reason": f"回访不满意：{note}", "note": f"回访：{note}".strip("：")},
    )


def work_order_raise(*, actor: User, followup, department: str, text: str) -> WorkOrder:
    """An unsatisfied follow-up item goes to its department as a work order (R-5.4)."""
    customer = followup.customer
    order = work_order_create(
        actor=actor,
        data={
            "category": "other",
            "department": department,
            "title": f"回访不满意：{customer.name if customer else ''}"[:100],
            "description": text,
            "customer_id": customer.pk if customer else None,
        },
    )
    order.source_followup = followup
    audit_as(order, actor)
    order.save(update_fields=["source_followup"])
    return order


@transaction.atomic
def work_order_urge(*, actor: User, order: WorkOrder, note: str = "") -> WorkOrder:
    """催办 (R-3.2): a team lead reminds the department; the reminder is logged and sent."""
    if not P.has_perm(actor, P.MANAGE_TASKS):
        raise PermissionDenied("只有班长及以上可以催办", "Only team leads and above may urge")
    order = WorkOrder.objects.select_for_update().get(pk=order.pk)
    if order.status not in workflow.OPEN:
        raise Conflict(
            FieldError("status", "not_open", "工单已结束，无需催办", "The order is closed")
        )
    _event(order, ch.EventKind.URGE, actor, note=note)
    notice_send(
        kind=NoticeKind.URGE,
        department=order.department,
        user=order.assignee,
        link=f"/work-orders/{order.pk}/",
        text=f"催办工单 {order.number}：{order.title} {note}".strip(),
    )
    return order


def escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Escalate open orders past their deadline along the chain (R-3.2); returns how many
    steps were taken. Idempotent: an order climbs each level once, so reruns do nothing."""
    now = now or timezone.now()
    steps = list(
        EscalationStep.objects.filter(applies_to=ch.EscalationChain.WORK_ORDER).order_by("level")
    )
    taken = 0
    overdue = WorkOrder.objects.filter(status__in=workflow.OPEN, due_at__lt=now)
    for order_id in list(overdue.values_list("id", flat=True)):
        with transaction.atomic():
            order = WorkOrder.objects.select_for_update().get(pk=order_id)
            if order.due_at is None:
                continue
            late = now - order.due_at
            for step in steps:
                if step.level <= order.escalation_level:
                    continue
                if late < dt.timedelta(minutes=step.overdue_minutes):
                    break
                order.escalation_level = step.level
                order.save(update_fields=["escalation_level", "updated_at"])
                _event(
                    order,
                    ch.EventKind.ESCALATE,
                    None,
                    note=f"L{step.level} → {role_name(step.role)}",
                )
                notices_send(
                    kind=NoticeKind.ESCALATION,
                    users=User.objects.filter(role=step.role, is_active=True),
                    text=f"工单超时升级 L{step.level}：{order.number} {order.title}",
                    link=f"/work-orders/{order.pk}/",
                    urgent=step.level >= 2,
                )
                taken += 1
    return taken


def preset_apply_ticket_data(*, config: dict) -> None:
    """Create the preset's SLA rules and escalation chain when none exist yet (rules a
    manager edited are never overwritten by reloading a preset)."""
    if not SlaRule.objects.exists():
        for rule in config.get("sla_rules", []):
            dept = Department.objects.filter(code=rule.get("department") or "").first()
            SlaRule.objects.create(
                name=rule["name"],
                category=rule["category"],
                department=dept,
                priority=rule.get("priority", ""),
                dispatch_minutes=rule["dispatch_minutes"],
                resolve_hours=rule["resolve_hours"],
                hours_kind=rule.get("hours_kind", ch.HoursKind.CALENDAR),
            )
    escalation_chain_apply(ch.EscalationChain.WORK_ORDER, config.get("escalation", []))


def escalation_chain_apply(chain: str, steps: list) -> None:
    """Create a chain from a preset's `[[overdue_minutes, role], …]` unless one exists."""
    if not EscalationStep.objects.filter(applies_to=chain).exists():
        for level, (minutes, role) in enumerate(steps, start=1):
            EscalationStep.objects.create(
                applies_to=chain, level=level, overdue_minutes=minutes, role=role
            )
