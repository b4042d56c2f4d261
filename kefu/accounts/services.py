"""Writes on accounts: API tokens."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from kefu.accounts.choices import AgentStatus
from kefu.accounts.models import ApiToken, StatusChange, User, hash_token
from kefu.core.errors import FieldError, TooManyRequests, ValidationFailed

# digest → (monotonic expiry, user id). A CTI integration calls the screen pop on every ring;
# the token's digest lookup is trusted for TOKEN_CACHE_SECONDS in this process (revoking
# clears it at once here, within that time elsewhere). The user is read fresh on every
# request (one primary-key read), so a changed role, a lost certification or a deactivated
# account applies at once, in every process.
_verified: dict[str, tuple[float, int]] = {}
_lock = threading.Lock()


def token_create(*, user: User, name: str = "") -> str:
    """Create a token for `user` and return the raw value (never stored)."""
    raw = "kf_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=raw[:8], digest=hash_token(raw))
    return raw


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    with _lock:
        _verified.pop(token.digest, None)


GUESS_WINDOW = 600  # seconds


def _guess_key(address: str) -> str:
    return f"kefu:token-guesses:{address}"


def token_guesses_check(address: str) -> None:
    """Too many wrong tokens from this address in ten minutes: refused until the window
    passes (KEFU["TOKEN_GUESSES"], default 20), before the token is even looked at."""
    if cache.get(_guess_key(address), 0) >= settings.KEFU.get("TOKEN_GUESSES", 20):
        raise TooManyRequests(
            "令牌错误次数过多，请十分钟后再试",
            "Too many wrong tokens from this address; try again in ten minutes",
            field="Authorization",
        )


def token_guess_failed(address: str) -> None:
    key = _guess_key(address)
    if not cache.add(key, 1, GUESS_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, GUESS_WINDOW)


def token_authenticate(raw: str) -> User | None:
    digest = hash_token(raw)
    now_mono = time.monotonic()
    with _lock:
        hit = _verified.get(digest)
    if hit and hit[0] > now_mono:
        user = User.objects.filter(pk=hit[1], is_active=True).first()
        if user is not None:
            return user
        with _lock:
            _verified.pop(digest, None)
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        with _lock:
            _verified.pop(digest, None)
        return None
    now = timezone.now()
    # Touch at most once a minute: the screen pop must not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    ttl = settings.KEFU.get("TOKEN_CACHE_SECONDS", 30)
    if ttl:
        with _lock:
            if len(_verified) > 10_000:
                _verified.clear()
            _verified[digest] = (now_mono + ttl, token.user_id)
    return token.user


@transaction.atomic
def agent_status_set(
    *,
    user: User,
    status: str,
    by: User | None,
    back_at: dt.datetime | None = None,
    source: str = "console",
) -> bool:
    """R-2.7: set where an agent is (the top bar, the API, or the phone system's events).
    `back_at` is kept only while away. Returns False when nothing changed; every change is
    logged (StatusChange) with who made it and from where."""
    if status not in AgentStatus.values:
        raise ValidationFailed(
            FieldError(
                "status",
                "invalid_choice",
                f"状态无效：{status}（可选 {'、'.join(AgentStatus.values)}）",
                f"Invalid status: {status} (one of {', '.join(AgentStatus.values)})",
            )
        )
    now = timezone.now()
    if back_at is not None and not now < back_at <= now + dt.timedelta(days=1):
        raise ValidationFailed(
            FieldError(
                "back_at",
                "out_of_range",
                "预计返回时间须在今后 24 小时内",
                "The time you will be back must be within the next 24 hours",
            )
        )
    back_at = back_at if status == AgentStatus.AWAY else None
    if user.status == status and user.back_at == back_at:
        return False
    user.status, user.back_at, user.status_since = status, back_at, now
    User.objects.filter(pk=user.pk).update(status=status, back_at=back_at, status_since=now)
    StatusChange.objects.create(
        user=user, status=status, back_at=back_at, at=now, by=by, source=source
    )
    return True
