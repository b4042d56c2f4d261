"""API shapes of calls, visits and letters."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from kefu.core.api import Id


class InteractionIn(Schema):
    channel: str
    category: str = "consultation"
    customer_id: Id | None = None
    caller_number: str | None = None
    contact_name: str | None = None
    subject: str | None = None
    content: str
    demand: str | None = None
    outcome: str | None = None
    occurred_at: str | None = None
    agent: str | None = None
    praised_employee: str | None = None
    department: str | None = None
    callback_due_at: str | None = None
    callback_note: str | None = None
    message_for: str | None = None


class InteractionPatch(Schema):
    category: str | None = None
    customer_id: Id | None = None
    contact_name: str | None = None
    subject: str | None = None
    content: str | None = None
    demand: str | None = None
    outcome: str | None = None


class InteractionOut(Schema):
    id: int
    channel: str
    category: str
    customer_id: int | None
    customer_number: str | None
    caller_number: str
    contact_name: str
    subject: str
    content: str
    demand: str
    outcome: str
    agent: str | None
    occurred_at: dt.datetime
    routing: str
    call_id: str | None
    ring_at: dt.datetime | None
    answered_at: dt.datetime | None
    ended_at: dt.datetime | None
    ring_seconds: float | None
    routed_to: list[dict] = []
    warnings: list[dict] = []


class CtiEventIn(Schema):
    event: str
    call_id: str
    at: str
    caller: str = ""
    agent: str | None = None
    extension: str | None = None


class TaskIn(Schema):
    kind: str = "callback"
    assignee: str | None = None
    due_at: str
    customer_id: Id | None = None
    interaction_id: Id | None = None
    caller_number: str | None = None
    note: str = ""


class TaskDoneIn(Schema):
    result: str
    status: str = "done"


class TaskOut(Schema):
    id: int
    kind: str
    status: str
    assignee: str
    due_at: dt.datetime
    overdue: bool
    customer_number: str | None
    caller_number: str
    note: str
    result: str
    interaction_id: int | None


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    kind_label_en: str
    text: str
    link: str
    to_department: bool
    created_at: dt.datetime
    read_at: dt.datetime | None
    read_by: str | None


class NoticeList(Schema):
    unread: int
    total: int
    page: int
    items: list[NoticeOut]


class NoticeReadIn(Schema):
    """Which notices to mark as read: `ids` (at most 500), or every unread one (`all`)."""

    ids: list[Id] = []
    all: bool = False


class NoticeReadOut(Schema):
    marked: int
    unread: int
