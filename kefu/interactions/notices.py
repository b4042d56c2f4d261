"""Notices (issue 11): the one way one is made, who receives it, the inbox and reading it.

A notice is addressed to a person, a department, or both. Its readers are the person and
the department's active members; each of their open console pages is told at once (a push
through `kefu.core.push`), and the top bar's inbox counts what is unread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.accounts.models import Department, User
from kefu.core.errors import FieldError, NotFound, ValidationFailed
from kefu.core.inputs import label_halves
from kefu.core.paging import Page, page_of
from kefu.core.push import push_users
from kefu.interactions import choices as ch
from kefu.interactions.models import Interaction, Notice

NOTICE_TEXT = 300  # what fits a notice line; the record it points to holds the whole text
READ_AT_ONCE = 500  # ids one "mark as read" call may name

# Who carries urgent notices beyond the console (e-mail, SMS): registered by the care app,
# which owns the providers; each returns what it did ("email ok", "sms: no mobile" …).
Relay = Callable[[Notice], str]
_relays: list[Relay] = []


def relay_register(relay: Relay) -> None:
    _relays.append(relay)


def _relay(notice_id: int) -> None:
    notice = Notice.objects.select_related("user").filter(pk=notice_id).first()
    if notice is None or notice.user is None:
        return
    said = []
    for relay in _relays:
        try:
            said.append(relay(notice))
        except Exception as exc:  # a relay that fails never loses the notice itself
            said.append(f"{exc.__class__.__name__}")
    Notice.objects.filter(pk=notice_id).update(relayed="; ".join(s for s in said if s)[:200])


def notice_send(
    *,
    kind: str,
    text: str,
    user: User | None = None,
    department: Department | None = None,
    interaction: Interaction | None = None,
    link: str = "",
    urgent: bool = False,
) -> Notice:
    """The one way a notice is made: for a person, a department, or both. The text is a
    summary written by the system, shortened with an ellipsis to fit the line; `link` is the
    console page of the thing it is about. Every reader's open page hears of it; an `urgent`
    one to a person (L2/L3 escalations) is also relayed by e-mail or SMS when configured."""
    if kind not in ch.NoticeKind.values:
        raise ValueError(f"unknown notice kind {kind!r}")
    if user is None and department is None:
        raise ValueError("a notice needs a user or a department")
    if len(text) > NOTICE_TEXT:
        text = text[: NOTICE_TEXT - 1] + "…"
    notice = Notice.objects.create(
        kind=kind,
        text=text,
        user=user,
        department=department,
        interaction=interaction,
        link=link[:200],
    )
    push_users(notice_readers(notice), notice_message(notice))
    if urgent and user is not None and _relays:
        transaction.on_commit(lambda: _relay(notice.pk))
    return notice


def notices_send(
    *, kind: str, text: str, users: Iterable[User | None], link: str = "", urgent: bool = False
) -> list[Notice]:
    """The same notice to each of `users` (e.g. every CS manager), once each."""
    seen: set[int] = set()
    out = []
    for u in users:
        if u is not None and u.pk not in seen:
            seen.add(u.pk)
            out.append(notice_send(kind=kind, text=text, user=u, link=link, urgent=urgent))
    return out


def notice_readers(notice: Notice) -> list[int]:
    """Who sees the notice: its person and the active members of its department."""
    ids = [notice.user_id] if notice.user_id else []
    if notice.department_id:
        ids += User.objects.filter(department_id=notice.department_id, is_active=True).values_list(
            "id", flat=True
        )
    return ids


def notice_message(notice: Notice) -> dict:
    """What an open page is pushed: the line for the toast and the inbox."""
    zh, en = label_halves(ch.NoticeKind(notice.kind).label)
    return {
        "type": "notice",
        "id": notice.pk,
        "kind": {"zh": zh, "en": en},
        "text": notice.text,
        "link": notice.link,
    }


def notices_for(*, user: User) -> QuerySet[Notice]:
    """A person's inbox: notices to them and to their department, newest first."""
    mine = Q(user_id=user.pk)
    if user.department_id:
        mine |= Q(department_id=user.department_id)
    return Notice.objects.filter(mine).order_by("-created_at", "-id")


def notice_get(*, user: User, notice_id: int) -> Notice:
    """One notice of the user's inbox (another person's is not found)."""
    found = notices_for(user=user).filter(pk=notice_id).first()
    if found is None:
        raise NotFound(f"notice {notice_id}")
    return found


def notice_unread_count(*, user: User) -> int:
    return notices_for(user=user).filter(read_at__isnull=True).count()


def notices_page(*, user: User, unread: bool = False, page: int = 1, size: int = 50) -> Page:
    qs = notices_for(user=user).select_related("read_by")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return page_of(qs, size=size, number=page)


def notice_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark the actor's notices as read: the named ones, or all unread when `ids` is None.
    Who read a department's notice, and when, is kept on it. Returns how many changed; the
    actor's other open pages are told the new unread count."""
    if ids is not None and len(ids) > READ_AT_ONCE:
        raise ValidationFailed(
            FieldError(
                "ids",
                "too_many",
                f"一次最多标记 {READ_AT_ONCE} 条",
                f"At most {READ_AT_ONCE} notices at once",
            )
        )
    qs = notices_for(user=actor).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    changed = qs.update(read_at=timezone.now(), read_by=actor)
    if changed:
        push_users([actor.pk], {"type": "unread", "unread": notice_unread_count(user=actor)})
    return changed
