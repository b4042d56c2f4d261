"""/api/v1/interactions, /api/v1/cti/events, /api/v1/callbacks and /api/v1/notices: thin
doors over the services and selectors of calls, visits, letters and notices."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from kefu.core.api import ERRORS, Id
from kefu.core.errors import NotFound
from kefu.core.inputs import parse_when
from kefu.customers.presenters import screen_pop_payload
from kefu.interactions import notices
from kefu.interactions import selectors as sel
from kefu.interactions import services as svc
from kefu.interactions.presenters import interaction_payload, notice_payload, task_payload
from kefu.interactions.schemas import (
    CtiEventIn,
    InteractionIn,
    InteractionOut,
    InteractionPatch,
    NoticeList,
    NoticeReadIn,
    NoticeReadOut,
    TaskDoneIn,
    TaskIn,
    TaskOut,
)

router = Router(tags=["interactions 来电·来访·来函"])
cti_router = Router(tags=["cti 电话系统"])
tasks_router = Router(tags=["callbacks 回电·留言"])
notices_router = Router(tags=["notices 通知"])


class NoticeQuery(Schema):
    unread: bool = False
    page: int = Field(1, ge=1, le=100000)
    limit: int = Field(50, ge=1, le=200)


@notices_router.get("", response={200: NoticeList, **ERRORS}, summary="My notices 我的通知")
def list_notices(request: HttpRequest, params: Query[NoticeQuery]):
    """The signed-in user's inbox (issue 11): notices to them and to their department,
    newest first, with the unread count. `unread=true` lists only the unread ones."""
    page = notices.notices_page(
        user=request.user, unread=params.unread, page=params.page, size=params.limit
    )
    return {
        "unread": notices.notice_unread_count(user=request.user),
        "total": page.total,
        "page": page.number,
        "items": [notice_payload(n) for n in page.rows],
    }


@notices_router.post(
    "/read", response={200: NoticeReadOut, **ERRORS}, summary="Mark as read 标为已读"
)
def read_notices(request: HttpRequest, payload: NoticeReadIn):
    """Mark the named notices (`ids`, at most 500) or all unread ones (`all: true`) as read;
    ids that are not the user's are ignored. Answers how many changed and what stays unread."""
    marked = notices.notice_read(actor=request.user, ids=None if payload.all else payload.ids)
    return {"marked": marked, "unread": notices.notice_unread_count(user=request.user)}


@router.post("", response={201: InteractionOut, **ERRORS}, summary="Log a contact 登记接待")
def log_interaction(request: HttpRequest, payload: InteractionIn):
    """R-2.1/R-2.3/R-2.4: log a call, visit, letter, SMS, e-mail or WeChat message; the
    category routes it (praise → praise record + department notice; other correspondence →
    the correspondence department; report/repair and complaint → `routing: pending` for the
    work order or complaint). `callback_due_at` records a callback promise; with
    `message_for` it is a message for that colleague."""
    interaction, warnings = svc.interaction_log(actor=request.user, data=payload.dict())
    return Status(201, interaction_payload(interaction, warnings, routes=True))


class ListQuery(Schema):
    customer: Id | None = None
    caller: str = ""
    agent: str = ""
    category: str = ""
    q: str = Field("", max_length=100)
    since: str | None = None
    until: str | None = None
    older: bool = Field(
        False,
        description="with q: search contacts of any age (by default the words are searched "
        "in the last KEFU_CONTACT_SEARCH_DAYS days, 90, unless since, customer or caller "
        "is given)",
    )
    limit: int = Field(50, ge=1, le=500)


@router.get("", response={200: list[InteractionOut], **ERRORS})
def list_interactions(request: HttpRequest, params: Query[ListQuery]):
    """Interactions newest first, by customer id, caller number, agent, category or time;
    `q`: words of the contact (name, subject, content, demand, outcome), best matches first,
    among the last 90 days' contacts unless `since`, `customer`, `caller` or `older` says
    otherwise."""
    since = parse_when(params.since, field="since") if params.since else None
    until = parse_when(params.until, field="until") if params.until else None
    rows = sel.interactions_list(
        user=request.user,
        customer_id=params.customer,
        caller=params.caller,
        agent=params.agent,
        since=since,
        until=until,
        category=params.category,
        q=params.q,
        older=params.older,
    )
    return [interaction_payload(i) for i in rows[: params.limit]]


@router.get("/{int:interaction_id}", response={200: InteractionOut, **ERRORS})
def get_interaction(request: HttpRequest, interaction_id: int):
    """One contact with what it became: work orders, complaint (R-2.3)."""
    found = sel.interaction_get(user=request.user, interaction_id=interaction_id)
    return interaction_payload(found, routes=True)


@router.patch("/{int:interaction_id}", response={200: InteractionOut, **ERRORS})
def patch_interaction(request: HttpRequest, interaction_id: int, payload: InteractionPatch):
    """Fill in or correct a contact (a CTI call's content, the customer of an unknown
    caller found later)."""
    interaction, warnings = svc.interaction_update(
        actor=request.user,
        interaction=sel.interaction_get(user=request.user, interaction_id=interaction_id),
        data=payload.dict(exclude_unset=True),
    )
    return interaction_payload(interaction, warnings, routes=True)


@router.get(
    "/reports/answer-speed", response={200: dict, **ERRORS}, summary="Answer-speed rate 接听及时率"
)
def answer_speed(request: HttpRequest, since: str, until: str):
    """R-2.2: inbound calls, answered, answered within the center's seconds (3 rings)."""
    return sel.answer_speed(
        user=request.user,
        since=parse_when(since, field="since"),
        until=parse_when(until, field="until"),
    )


@cti_router.post("/events", response={200: dict, **ERRORS}, summary="CTI event 电话事件")
def cti_events(request: HttpRequest, payload: CtiEventIn):
    """R-2.2: `ringing`, `answered` or `hangup` for a call id. Creates or updates the call's
    interaction (duplicates and any order give the same record); on `ringing` the answer
    carries the screen pop of the caller (null when the number is unknown). The agent is named
    by `agent` (username) or `extension` (分机号); `ringing` pushes the pop to that agent's
    open console (or to an available agent when none is named), `answered` and `hangup` set
    their status to in a call and wrap-up."""
    interaction = svc.cti_event(
        actor=request.user,
        event=payload.event,
        call_id=payload.call_id,
        at=payload.at,
        caller=payload.caller,
        agent=payload.agent,
        extension=payload.extension,
    )
    body = {"interaction_id": interaction.id, "screen_pop": None}
    if payload.event == "ringing" and interaction.caller_number:
        try:
            body["screen_pop"] = screen_pop_payload(
                user=request.user, phone=interaction.caller_number
            )
        except NotFound:
            pass
    return body


@tasks_router.post("", response={201: TaskOut, **ERRORS}, summary="Callback promise 回电承诺")
def create_task(request: HttpRequest, payload: TaskIn):
    """R-2.4: a callback promise (or a message for `assignee`) with a due time."""
    task = svc.task_request(actor=request.user, data=payload.dict())
    return Status(201, task_payload(task))


@tasks_router.get("", response={200: list[TaskOut], **ERRORS})
def list_tasks(
    request: HttpRequest,
    overdue: bool = False,
    everyone: bool = False,
    limit: int = Query(200, ge=1, le=500),
):
    """Open callbacks and messages, soonest due first: mine, or everyone's for team leads."""
    rows = sel.tasks_open(user=request.user, overdue_only=overdue, everyone=everyone)
    return [task_payload(t) for t in rows[:limit]]


@tasks_router.post("/{int:task_id}/done", response={200: TaskOut, **ERRORS})
def complete_task(request: HttpRequest, task_id: int, payload: TaskDoneIn):
    """Close a callback or message with its result (`status`: done or cancelled)."""
    task = svc.task_complete(
        actor=request.user,
        task=sel.callback_task_get(user=request.user, task_id=task_id),
        result=payload.result,
        status=payload.status,
    )
    return task_payload(task)
