"""Every write on calls, visits and letters (R-2): logging and routing an interaction, the
CTI webhook's call events, callback promises and messages."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.choices import AgentStatus, Role
from kefu.accounts.models import Department, User
from kefu.accounts.permissions import require
from kefu.accounts.selectors import active_user
from kefu.accounts.services import agent_status_set
from kefu.core.audit import audit_as
from kefu.core.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    invalid,
)
from kefu.core.inputs import choice_error, parse_when, text_value
from kefu.core.push import push_users, push_wall
from kefu.core.services import center_settings
from kefu.core.wording import wording_keep
from kefu.customers.models import Customer
from kefu.customers.selectors import caller_digits, customer_for_number, customer_named
from kefu.customers.services import customer_mark_contacted
from kefu.customers.validation import mask_phone, normalize_phone
from kefu.interactions import choices as ch
from kefu.interactions import routes
from kefu.interactions.models import CallbackTask, Interaction, PraiseRecord
from kefu.interactions.notices import notice_send, notices_send

TEXT_LIMITS = {
    "subject": 100,
    "contact_name": 64,
    "content": 20000,
    "demand": 5000,
    "outcome": 5000,
}
ROUTED_LATER = (ch.Category.REPAIR, ch.Category.COMPLAINT)


def require_certified(agent: User | None) -> None:
    """Only agents certified today take calls (R-2.5, R-7.4): never certified, or expired."""
    if agent is None or agent.certified_on(timezone.localdate()):
        return
    lapsed = f"（认证已于 {agent.certified_until} 过期）" if agent.is_certified else ""
    raise ValidationFailed(
        FieldError(
            "agent",
            "not_certified",
            f"{agent} 尚未通过上岗认证{lapsed}，不能接听来电",
            f"{agent} is not certified to take calls"
            + (f" (expired {agent.certified_until})" if lapsed else ""),
        )
    )


def _clean(data: dict, *, partial: bool) -> tuple[dict, list[FieldError]]:
    v, errors = {}, []
    for key, enum in (("channel", ch.Channel), ("category", ch.Category)):
        if key in data or not partial:
            value = data.get(key)
            if value in enum.values:
                v[key] = value
            elif value is not None or not partial:
                errors.append(choice_error(key, value, enum.values))
    for key, limit in TEXT_LIMITS.items():
        if data.get(key) is not None:
            v[key] = text_value(data, key, limit, errors)
    if data.get("caller_number"):
        try:
            v["caller_number"] = normalize_phone(
                data["caller_number"], field="caller_number"
            ).number
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if data.get("customer_id") is not None:
        v["customer"] = customer_named(data["customer_id"], errors)
    return v, errors


@transaction.atomic
def interaction_log(*, actor: User, data: dict) -> tuple[Interaction, list[FieldError]]:
    """Log a contact and route it by category (R-2.1, R-2.3, R-2.4).

    praise → a praise record and a notice to the employee's department; other
    correspondence → a notice to the correspondence department; report/repair and complaint
    are marked `routing=pending` for the work order or complaint they become; a callback
    promise or a message for a colleague becomes a task with a due time. Returns warnings.
    """
    require(actor, P.LOG_INTERACTIONS)
    v, errors = _clean(data, partial=False)
    if not v.get("content"):
        errors.append(FieldError("content", "required", "请填写内容", "content is required"))
    if not (v.get("customer") or v.get("caller_number") or v.get("contact_name")):
        errors.append(
            FieldError(
                "customer_id",
                "required",
                "请选择客户，或填写来电号码/联系人",
                "a customer, a caller number or a contact name is required",
            )
        )
    try:
        agent = active_user(data.get("agent"), field="agent") or actor
        praised = active_user(data.get("praised_employee"), field="praised_employee")
        message_for = active_user(data.get("message_for"), field="message_for")
        occurred_at = (
            parse_when(data["occurred_at"], field="occurred_at")
            if data.get("occurred_at")
            else timezone.now()
        )
        callback_due = (
            parse_when(data["callback_due_at"], field="callback_due_at")
            if data.get("callback_due_at")
            else None
        )
    except ValidationFailed as exc:
        raise ValidationFailed(errors + exc.errors) from exc
    if v.get("category") == ch.Category.PRAISE and praised is None:
        errors.append(
            FieldError(
                "praised_employee",
                "required",
                "表扬需指明被表扬的员工",
                "praise needs the praised employee",
            )
        )
    if message_for is not None and callback_due is None:
        errors.append(
            FieldError(
                "callback_due_at",
                "required",
                "留言需填写处理期限",
                "a message for a colleague needs a due time",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    if v["channel"] == ch.Channel.INBOUND_CALL:
        require_certified(agent)
    if not v.get("customer") and v.get("caller_number"):
        v["customer"] = customer_for_number(v["caller_number"])
    interaction = Interaction(
        agent=agent, occurred_at=occurred_at, praised_employee=praised, created_by=actor, **v
    )
    interaction.routing = (
        ch.Routing.PENDING if interaction.category in ROUTED_LATER else ch.Routing.NONE
    )
    audit_as(interaction, actor)
    interaction.save()
    warnings = _route(interaction, actor, department=data.get("department"))
    # what the agent wrote, checked for forbidden phrases: saved, and warned
    warnings += wording_keep(actor=actor, record=interaction, fields={"outcome": v.get("outcome")})
    if callback_due is not None:
        task = task_create(
            actor=actor,
            kind=ch.TaskKind.MESSAGE if message_for else ch.TaskKind.CALLBACK,
            assignee=message_for or agent,
            due_at=callback_due,
            interaction=interaction,
            note=data.get("callback_note") or v["content"],
        )
        if data.get("callback_note"):
            warnings += wording_keep(actor=actor, record=task, fields={"callback_note": task.note})
    customer = interaction.customer
    if customer and customer.owner_id == agent.id and customer.first_contacted_at is None:
        customer_mark_contacted(customer=customer, actor=actor, at=occurred_at)
    return interaction, warnings


def reveal_refused_notify(*, actor: User, count: int, limit: int) -> None:
    """R-0.5: the CS managers hear when someone is refused more reveals of personal data
    (registered with the customer archive in apps.py)."""
    notices_send(
        kind=ch.NoticeKind.SECURITY,
        users=User.objects.filter(role=Role.MANAGER, is_active=True),
        text=f"{actor.display_name or actor.username}（{actor.username}）一小时内"
        f"查看客户完整个人信息已达 {count} 次（上限 {limit}），已暂停",
    )


def _praise_notices(interaction: Interaction, employee: User) -> None:
    """The praised employee hears of it, and so does the head of their department (the
    department as a whole when it has no head)."""
    text = f"客户表扬：{employee}（{interaction.content[:200]}）"
    link = f"/customers/{interaction.customer_id}/" if interaction.customer_id else ""
    kind = ch.NoticeKind.PRAISE
    notice_send(kind=kind, user=employee, interaction=interaction, text=text, link=link)
    department = employee.department
    if department is None:
        return
    if department.head_id and department.head_id != employee.pk:
        notice_send(kind=kind, user=department.head, interaction=interaction, text=text, link=link)
    elif department.head_id is None:
        notice_send(kind=kind, department=department, interaction=interaction, text=text, link=link)


def _route(
    interaction: Interaction, actor: User, department: str | None = None
) -> list[FieldError]:
    warnings: list[FieldError] = []
    route = routes.route_for(interaction.category)
    if interaction.category == ch.Category.COMPLAINT and interaction.channel == ch.Channel.LETTER:
        route = None  # a letter waits for the CS assistant to decide
    if route is not None:  # complaints and repairs: the app that takes them over (routes.py)
        warnings.extend(route(interaction=interaction, actor=actor, department=department))
    employee = interaction.praised_employee  # required for praise by _clean
    if interaction.category == ch.Category.PRAISE and employee is not None:
        PraiseRecord.objects.create(
            interaction=interaction, employee=employee, department=employee.department
        )
        _praise_notices(interaction, employee)
        interaction.routing = ch.Routing.DONE
    elif interaction.category == ch.Category.OTHER:
        dept = (
            center_settings().correspondence_department
            or Department.objects.filter(code="admin").first()
        )
        if dept is None:
            warnings.append(
                FieldError(
                    "category",
                    "no_correspondence_department",
                    "未设置其他来函的转交部门（中心设置），请手动转交",
                    "No department is set for other correspondence; pass it on by hand",
                )
            )
        else:
            notice_send(
                kind=ch.NoticeKind.CORRESPONDENCE,
                department=dept,
                interaction=interaction,
                link=f"/customers/{interaction.customer_id}/" if interaction.customer_id else "",
                text=f"其他来函：{interaction.subject or interaction.content[:200]}",
            )
            interaction.routing = ch.Routing.DONE
    if interaction.routing == ch.Routing.DONE:
        audit_as(interaction, actor)
        interaction.save(update_fields=["routing"])
    return warnings


@transaction.atomic
def interaction_update(
    *, actor: User, interaction: Interaction, data: dict
) -> tuple[Interaction, list[FieldError]]:
    """Complete or correct a logged contact, e.g. a CTI call the agent fills in, or link an
    unknown caller to the customer found later (R-2.1). Returns the warnings (forbidden
    phrases in the outcome, R-7.2)."""
    require(actor, P.LOG_INTERACTIONS)
    interaction = Interaction.objects.select_for_update().get(pk=interaction.pk)
    if interaction.agent_id not in (None, actor.id) and not P.has_perm(actor, P.MANAGE_TASKS):
        raise PermissionDenied("只能修改自己的接待记录", "You can change only your own records")
    v, errors = _clean(data, partial=True)
    if errors:
        raise ValidationFailed(errors)
    before = interaction.category
    for key, value in v.items():
        setattr(interaction, key, value)
    if interaction.agent_id is None:
        interaction.agent = actor
    if interaction.category != before and interaction.routing != ch.Routing.DONE:
        interaction.routing = (
            ch.Routing.PENDING if interaction.category in ROUTED_LATER else ch.Routing.NONE
        )
    audit_as(interaction, actor)
    interaction.save()
    if interaction.category != before and interaction.routing != ch.Routing.DONE:
        if interaction.category == ch.Category.PRAISE and not interaction.praised_employee_id:
            raise ValidationFailed(
                FieldError(
                    "praised_employee",
                    "required",
                    "表扬需指明被表扬的员工",
                    "praise needs the praised employee",
                )
            )
        _route(interaction, actor, data.get("department") or None)
    warnings = wording_keep(actor=actor, record=interaction, fields={"outcome": v.get("outcome")})
    return interaction, warnings


@transaction.atomic
def task_create(
    *,
    actor: User,
    kind: str,
    assignee: User,
    due_at: dt.datetime,
    interaction: Interaction | None = None,
    customer: Customer | None = None,
    caller_number: str = "",
    note: str = "",
) -> CallbackTask:
    """A callback promise or a message for a colleague with a due time (R-2.4)."""
    require(actor, P.LOG_INTERACTIONS)
    if interaction is not None:
        customer = customer or interaction.customer
        caller_number = caller_number or interaction.caller_number
    task = CallbackTask(
        kind=kind,
        assignee=assignee,
        due_at=due_at,
        interaction=interaction,
        customer=customer,
        caller_number=caller_number,
        note=note,
        created_by=actor,
    )
    audit_as(task, actor)
    task.save()
    if assignee.pk != actor.pk:  # a message or callback left for a colleague reaches them
        who = actor.display_name or actor.username
        when = timezone.localtime(due_at)
        notice_send(
            kind=ch.NoticeKind.MESSAGE,
            user=assignee,
            link="/",
            text=f"{who} 留给您的{task.get_kind_display().partition(' ')[0]}"
            f"（{when:%m-%d %H:%M} 前）：{caller_number} {note[:150]}".strip(),
        )
    return task


def task_request(*, actor: User, data: dict) -> CallbackTask:
    """A callback promise or a message from raw input (API): every field checked and named
    in the errors, then `task_create` (R-2.4)."""
    errors = []
    kind = data.get("kind") or ch.TaskKind.CALLBACK
    if kind not in ch.TaskKind.values:
        errors.append(
            FieldError(
                "kind",
                "invalid_kind",
                "类型须为 callback 或 message",
                "kind must be callback or message",
            )
        )
    interaction = customer = None
    if data.get("interaction_id"):
        interaction = Interaction.objects.filter(pk=data["interaction_id"]).first()
        if interaction is None:
            errors.append(
                FieldError(
                    "interaction_id",
                    "not_found",
                    "接待记录不存在",
                    f"No interaction {data['interaction_id']}",
                )
            )
    if data.get("customer_id"):
        customer = customer_named(data["customer_id"], errors)
    number = ""
    try:
        if data.get("caller_number"):
            number = normalize_phone(data["caller_number"], field="caller_number").number
        assignee = active_user(data.get("assignee"), field="assignee") or actor
        due_at = parse_when(data.get("due_at"), field="due_at")
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    return task_create(
        actor=actor,
        kind=kind,
        assignee=assignee,
        due_at=due_at,
        interaction=interaction,
        customer=customer,
        caller_number=number,
        note=str(data.get("note") or ""),
    )


@transaction.atomic
def task_complete(
    *, actor: User, task: CallbackTask, result: str, status: str = ch.TaskStatus.DONE
) -> CallbackTask:
    """Close a callback or message: its assignee, or a team lead, records the result."""
    task = CallbackTask.objects.select_for_update().get(pk=task.pk)
    if task.assignee_id != actor.id and not P.has_perm(actor, P.MANAGE_TASKS):
        raise PermissionDenied(
            "只能处理分配给自己的回电/留言", "You can close only tasks assigned to you"
        )
    if task.status != ch.TaskStatus.OPEN:
        raise Conflict(
            FieldError("status", "not_open", "该任务已处理", "The task is already closed")
        )
    if status not in (ch.TaskStatus.DONE, ch.TaskStatus.CANCELLED):
        raise ValidationFailed(
            FieldError(
                "status",
                "invalid_status",
                "状态须为 done 或 cancelled",
                "status must be done or cancelled",
            )
        )
    if not result.strip():
        raise ValidationFailed(
            FieldError("result", "required", "请填写处理结果", "the result is required")
        )
    task.status, task.result = status, result.strip()
    task.done_at, task.done_by = timezone.now(), actor
    audit_as(task, actor)
    task.save()
    wording_keep(actor=actor, record=task, fields={"result": task.result})
    return task


def cti_event(
    *,
    actor: User,
    event: str,
    call_id: str,
    at,
    caller: str = "",
    agent: str | None = None,
    extension: str | None = None,
) -> Interaction:
    """Apply one phone-system event to its call's interaction (R-2.2) and tell the agent.

    Events may come twice or out of order; each keeps the earliest ringing and answer times
    and the latest hang-up, so any order of the same events gives the same record. The agent
    is named by username (`agent`) or phone extension (`extension`); without either, a
    ringing call pops for the caller's own agent when available, else the agent available
    longest (R-2.7). `ringing` pushes the screen pop to the agent's open console; `answered`
    and `hangup` set the agent's status (in a call, wrap-up) and the pop's call line.
    """
    require(actor, P.RECEIVE_CTI)
    if event not in ch.CtiEvent.values:
        raise ValidationFailed(
            FieldError(
                "event",
                "invalid_event",
                f"事件无效：{event}（ringing、answered、hangup）",
                f"Invalid event: {event} (ringing, answered, hangup)",
            )
        )
    if not call_id or len(call_id) > 64:
        raise ValidationFailed(
            FieldError(
                "call_id",
                "required",
                "缺少话单号 call_id",
                "call_id is required (at most 64 characters)",
            )
        )
    when = parse_when(at, field="at")
    agent_user = active_user(agent, field="agent") or agent_by_extension(extension)
    if event in (ch.CtiEvent.RINGING, ch.CtiEvent.ANSWERED):
        require_certified(agent_user)  # on the phone system's path too
    number = caller_digits(caller)
    if len(number) > 20:
        raise invalid(
            "caller",
            "invalid_caller",
            f"来电号码无效：{caller}",
            f"Invalid caller number: {caller}",
        )
    for _attempt in range(2):
        try:
            with transaction.atomic():
                interaction = _apply_cti(actor, event, call_id, when, number, agent_user)
                _tell_agent(interaction, event, actor)
                push_wall({"type": "wall"})  # the wall boards read their figures again
                return interaction
        except IntegrityError:
            continue  # the same call's first event was inserted concurrently: apply again
    raise NotFound(f"call {call_id}")


def _tell_agent(interaction: Interaction, event: str, actor: User) -> None:
    """The pop and the call line on the agent's console, and the agent's status."""
    agent = interaction.agent
    if agent is None and event == ch.CtiEvent.RINGING:
        agent = agent_to_pop(interaction.customer)
        if agent is not None:
            Interaction.objects.filter(pk=interaction.pk).update(agent=agent)
            interaction.agent = agent
    if agent is None:
        return
    if event == ch.CtiEvent.RINGING:
        if interaction.answered_at or interaction.ended_at:
            return  # a late or repeated ringing: the call has moved on
        customer = interaction.customer
        push_users(
            [agent.pk],
            {
                "type": "pop",
                "interaction_id": interaction.pk,
                "phone": mask_phone(interaction.caller_number),
                "customer": customer.name if customer else "",
                "url": f"/call/?call={interaction.pk}",
            },
        )
    else:
        status = AgentStatus.IN_CALL if event == ch.CtiEvent.ANSWERED else AgentStatus.WRAP_UP
        agent_status_set(user=agent, status=status, by=actor, source="cti")
    push_users([agent.pk], {"type": "call", "state": event, "interaction_id": interaction.pk})


def agent_by_extension(extension: str | None) -> User | None:
    """The active user with this phone extension (分机号); an unknown one is named."""
    if not extension:
        return None
    found = User.objects.filter(extension=extension.strip(), is_active=True).first()
    if found is None:
        raise invalid(
            "extension",
            "unknown_extension",
            f"分机号 {extension} 未分配给任何在职用户",
            f"Extension {extension} belongs to no active user",
        )
    return found


def agent_to_pop(customer: Customer | None) -> User | None:
    """Who gets a call the phone system did not give to anyone (R-2.7): the customer's own
    agent when available, else the certified agent available the longest; nobody when no
    one is available (the call waits in the phone system's queue)."""
    available = User.objects.filter(
        Q(certified_until__isnull=True) | Q(certified_until__gte=timezone.localdate()),
        is_active=True,
        status=AgentStatus.AVAILABLE,
        role=Role.AGENT,
        is_certified=True,
    )
    if customer is not None and customer.owner_id:
        own = available.filter(pk=customer.owner_id).first()
        if own is not None:
            return own
    return available.order_by("status_since", "id").first()


def _apply_cti(actor, event, call_id, when, number, agent_user) -> Interaction:
    interaction = Interaction.objects.select_for_update().filter(call_id=call_id).first()
    if interaction is None:
        interaction = Interaction(
            call_id=call_id,
            channel=ch.Channel.INBOUND_CALL,
            occurred_at=when,
            caller_number=number,
            created_by=actor,
            customer=customer_for_number(number) if number else None,
        )
    changed = interaction.pk is None
    if number and not interaction.caller_number:
        interaction.caller_number, changed = number, True
    if (
        agent_user
        and interaction.agent_id != agent_user.id
        and (interaction.agent_id is None or event == ch.CtiEvent.ANSWERED)
    ):
        interaction.agent, changed = agent_user, True

    def earliest(field):
        nonlocal changed
        current = getattr(interaction, field)
        if current is None or when < current:
            setattr(interaction, field, when)
            changed = True

    if event == ch.CtiEvent.RINGING:
        earliest("ring_at")
    elif event == ch.CtiEvent.ANSWERED:
        earliest("answered_at")
    elif interaction.ended_at is None or when > interaction.ended_at:
        interaction.ended_at, changed = when, True
    first = min(
        t
        for t in (interaction.ring_at, interaction.answered_at, interaction.ended_at, when)
        if t is not None
    )
    if first < interaction.occurred_at:
        interaction.occurred_at, changed = first, True
    if changed:
        audit_as(interaction, actor)
        interaction.save()
    return interaction
