"""Reads on calls, visits and letters: lists, overdue callbacks, the answer-speed rate."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.paging import Page, page_of
from kefu.core.search import matching
from kefu.core.services import center_settings
from kefu.customers.selectors import caller_digits
from kefu.interactions import choices as ch
from kefu.interactions.models import CallbackTask, Interaction, search_cutoff


def interactions_list(
    *,
    user: User,
    customer_id: int | None = None,
    caller: str = "",
    agent: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    category: str = "",
    q: str = "",
    older: bool = False,
) -> QuerySet:
    """Interactions, newest first, by customer, caller number, agent, time or category;
    `q`: words of the contact's name, subject, content, demand or outcome, best first —
    among the contacts of the last CONTACT_SEARCH_DAYS days unless `since` is given or
    `older` is asked for (see `interactions.recent`)."""
    if not P.has_perm(user, P.VIEW_INTERACTIONS):
        raise PermissionDenied()
    qs = Interaction.objects.select_related("customer", "agent").order_by("-occurred_at", "-id")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if caller:
        qs = qs.filter(caller_number=caller_digits(caller))
    if agent:
        qs = qs.filter(agent__username=agent)
    if category:
        qs = qs.filter(category=category)
    newest: tuple[str, ...] = ("-id",)
    if q.strip() and not (older or since or customer_id or caller):
        # the recent contacts, as the daily job marked them (the last CONTACT_SEARCH_DAYS
        # days, give or take the day since it ran): the smaller word index answers alone —
        # a time condition beside it would lead the planner to a far costlier plan; a
        # common word walks the recent contacts newest first (their own time index)
        qs = qs.filter(search_recent=True)
        newest = ("-occurred_at",)
    elif since:
        qs = qs.filter(occurred_at__gte=since)
        if q.strip() and since >= search_cutoff():
            qs = qs.filter(search_recent=True)  # every contact since then is marked
    if until:
        qs = qs.filter(occurred_at__lt=until)
    if q.strip():
        # customer and agent fetched for the page's rows only, not for every match
        qs = matching(
            qs.select_related(None).prefetch_related("customer", "agent"), q, newest=newest
        )
    return qs


def workbench_letters(*, user: User, limit: int = 20) -> list[Interaction]:
    """Complaint letters waiting for the CS assistant to judge them (R-2.3)."""
    return list(
        interactions_list(user=user, category=ch.Category.COMPLAINT).filter(
            routing=ch.Routing.PENDING
        )[:limit]
    )


def workbench_callbacks(*, user: User, limit: int = 10) -> Page:
    """The user's open callback promises and messages, soonest due first, and how many."""
    return page_of(tasks_open(user=user), size=limit)


def task_get(*, user: User, task_id: int) -> CallbackTask:
    """An open callback or message the user may close: their own, or anyone's for team
    leads and above."""
    task = (
        tasks_open(user=user, everyone=P.has_perm(user, P.MANAGE_TASKS)).filter(pk=task_id).first()
    )
    if task is None:
        raise NotFound(f"task {task_id}")
    return task


def callback_task_get(*, user: User, task_id: int) -> CallbackTask:
    """Any callback or message (open or closed: closing one twice is the service's 409)."""
    if not P.has_perm(user, P.VIEW_INTERACTIONS):
        raise PermissionDenied()
    task = CallbackTask.objects.select_related("customer", "assignee").filter(pk=task_id).first()
    if task is None:
        raise NotFound(f"task {task_id}")
    return task


def interaction_get(*, user: User, interaction_id: int) -> Interaction:
    found = interactions_list(user=user).filter(pk=interaction_id).first()
    if found is None:
        raise NotFound(f"interaction {interaction_id}")
    return found


def tasks_open(
    *,
    user: User,
    overdue_only: bool = False,
    everyone: bool = False,
    now: dt.datetime | None = None,
) -> QuerySet:
    """Open callback promises and messages, soonest due first (R-2.4): an agent's own;
    a team lead's view of everyone's with `everyone=True`."""
    if not P.has_perm(user, P.VIEW_INTERACTIONS):
        raise PermissionDenied()
    qs = (
        CallbackTask.objects.filter(status=ch.TaskStatus.OPEN)
        .select_related("assignee", "customer")
        .order_by("due_at", "id")
    )
    if everyone:
        if not P.has_perm(user, P.MANAGE_TASKS):
            raise PermissionDenied(
                "只有班长及以上可查看全部回电任务", "Only team leads and above see everyone's tasks"
            )
    else:
        qs = qs.filter(assignee=user)
    if overdue_only:
        qs = qs.filter(due_at__lt=now or timezone.now())
    return qs


def answer_speed(*, user: User, since: dt.datetime, until: dt.datetime) -> dict:
    """The answer-speed rate (R-2.2): inbound calls reported by the phone system, how many
    were answered, and how many within the center's "3 rings" seconds."""
    if not P.has_perm(user, P.VIEW_INTERACTIONS):
        raise PermissionDenied()
    seconds = center_settings().answer_seconds
    calls = Interaction.objects.filter(
        channel=ch.Channel.INBOUND_CALL,
        ring_at__isnull=False,
        ring_at__gte=since,
        ring_at__lt=until,
    )
    counts = calls.aggregate(
        calls=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        within=Count("id", filter=Q(answered_at__lte=F("ring_at") + dt.timedelta(seconds=seconds))),
    )
    rate = counts["within"] / counts["calls"] if counts["calls"] else None
    return {**counts, "answer_seconds": seconds, "rate": rate}


def tasks_by_assignee(*, user_ids: list[int], now: dt.datetime) -> dict[int, dict[str, int]]:
    """Per person: open callback promises and messages, and how many are past due."""
    rows = (
        CallbackTask.objects.filter(assignee_id__in=user_ids, status=ch.TaskStatus.OPEN)
        .values("assignee_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    )
    return {r["assignee_id"]: {"open": r["open"], "overdue": r["overdue"]} for r in rows}


def shift_counts(*, since: dt.datetime, until: dt.datetime) -> dict[str, int]:
    """What a shift did (the duty log, R-7.3): contacts by category, outbound calls, and
    callbacks and messages closed, between `since` and `until`."""
    from django.db.models import Count

    rows = (
        Interaction.objects.filter(occurred_at__gte=since, occurred_at__lt=until)
        .values("category")
        .annotate(n=Count("id"))
    )
    out = {f"category_{r['category']}": r["n"] for r in rows}
    out["outbound_calls"] = Interaction.objects.filter(
        occurred_at__gte=since, occurred_at__lt=until, channel=ch.Channel.OUTBOUND_CALL
    ).count()
    out["callbacks_kept"] = CallbackTask.objects.filter(
        done_at__gte=since, done_at__lt=until, status=ch.TaskStatus.DONE
    ).count()
    return out
