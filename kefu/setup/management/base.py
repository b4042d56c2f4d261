"""Helpers for Kefu's management commands."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from kefu.core.errors import KefuError


def command_user(username: str | None):
    """The user a CLI action is attributed to (history and logs): --user, else a superuser."""
    User = get_user_model()
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户不存在 / unknown user: {username}")
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
    if user is None:
        raise CommandError("需要 --user 或一个超级用户 / pass --user or create a superuser")
    return user


def raise_command_error(exc: KefuError):
    lines = [f"{e.field}: {e.message} / {e.message_en}" for e in exc.errors]
    raise CommandError("\n".join(lines)) from exc
