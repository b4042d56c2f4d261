"""Writes on accounts: API tokens."""

from __future__ import annotations

import secrets

from django.utils import timezone

from kefu.accounts.models import ApiToken, User, hash_token


def token_create(*, user: User, name: str = "") -> str:
    """Create a token for `user` and return the raw value (never stored)."""
    raw = "kf_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=raw[:8], digest=hash_token(raw))
    return raw


def token_authenticate(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch at most once a minute: the screen pop must not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
