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
