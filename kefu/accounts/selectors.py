"""Reads on accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.accounts.models import Department, User
from kefu.core.errors import invalid


def active_user(username: str | None, *, field: str) -> User | None:
    """The active user named `username` (None when not given); 422 naming `field` if unknown."""
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise invalid(field, "unknown_user", f"用户不存在：{username}", f"Unknown user: {username}")
    return user


def departments() -> QuerySet:
    return Department.objects.order_by("code")


def department_people(department_id: int | None) -> QuerySet:
    """Who may be given a department's work order: its active members."""
    if department_id is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, department_id=department_id).order_by("username")


def people_choices() -> list[tuple[str, str]]:
    """(username, name) of every active person, for the console's pickers: names shown, the
    login only as the value sent."""
    return [
        (u, f"{n or u}")
        for u, n in User.objects.filter(is_active=True)
        .order_by("display_name", "username")
        .values_list("username", "display_name")
    ]


def department_choices() -> list[tuple[str, str]]:
    """(code, name) of every department, for the console's pickers: names, never codes."""
    return list(Department.objects.order_by("name").values_list("code", "name"))


def team_members(*, user: User) -> list[User]:
    """The people who take calls (agents and team leads), for the lead's team view
    (R-2.7): available first, then in a call, wrap-up, away. Team leads and above only."""
    from kefu.accounts import permissions as P
    from kefu.accounts.choices import AgentStatus, Role
    from kefu.core.errors import PermissionDenied

    if not P.has_perm(user, P.MANAGE_TASKS):
        raise PermissionDenied("只有班长及以上可查看班组", "Only team leads and above see the team")

    order: dict[str, int] = {
        str(s): i
        for i, s in enumerate(
            (AgentStatus.AVAILABLE, AgentStatus.IN_CALL, AgentStatus.WRAP_UP, AgentStatus.AWAY)
        )
    }
    people = User.objects.filter(is_active=True, role__in=(Role.AGENT, Role.TEAM_LEAD))
    return sorted(people, key=lambda u: (order.get(u.status, 9), u.display_name or u.username))


def agents_for_handover(*, user: User) -> list[tuple[str, str]]:
    """(username, name) of the colleagues who can take over a shift: active agents and team
    leads other than the user, by name."""
    from kefu.accounts.choices import Role

    return [
        (u, n or u)
        for u, n in User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.TEAM_LEAD])
        .exclude(pk=user.pk)
        .order_by("display_name", "username")
        .values_list("username", "display_name")
    ]
