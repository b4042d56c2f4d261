"""Reads on accounts."""

from __future__ import annotations

from kefu.accounts.models import User
from kefu.core.errors import invalid


def active_user(username: str | None, *, field: str) -> User | None:
    """The active user named `username` (None when not given); 422 naming `field` if unknown."""
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise invalid(field, "unknown_user", f"用户不存在：{username}", f"Unknown user: {username}")
    return user
