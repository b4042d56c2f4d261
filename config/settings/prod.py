"""Production: PostgreSQL from DATABASE_URL, Celery and the channel layer on REDIS_URL,
secrets and hosts from the environment — each checked at start: a missing or unsafe one is
an error naming the variable (`kefu check --deploy` then passes clean)."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REDIS_URL


def _required(name: str, why: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} 未设置 / {name} is not set: {why}")
    return value


DEBUG = False
SECRET_KEY = _required("KEFU_SECRET_KEY", "a random secret of 50+ characters")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("kefu-dev-", "change-me")):
    raise ImproperlyConfigured(
        "KEFU_SECRET_KEY 太短或是开发用值 / KEFU_SECRET_KEY is too short or the development "
        "value: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
ALLOWED_HOSTS = _required("KEFU_ALLOWED_HOSTS", "the host names served, comma-separated").split(",")
_required("DATABASE_URL", "postgres://user:password@host:5432/kefu (PostgreSQL 15)")
if not REDIS_URL:
    _required("REDIS_URL", "redis://host:6379/0 (Celery, the channel layer, the cache)")
if os.environ.get("KEFU_LOG_JSON", "1") == "1":  # JSON lines unless asked otherwise
    LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    "security.W008",  # http → https is the reverse proxy's redirect (deploy/nginx)
    "security.W005",  # HSTS for the center's own host only: its sister sites may not be HTTPS
    "security.W021",  # not on the browsers' preload list: an intranet host name often isn't public
]
