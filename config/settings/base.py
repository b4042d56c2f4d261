"""Settings shared by every environment; the environment picks the database and broker."""

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("KEFU_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("KEFU_SECRET_KEY", "kefu-dev-insecure-key-change-me")
DEBUG = os.environ.get("KEFU_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("KEFU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",  # the console's push socket (issue 11)
    "simple_history",
    "axes",  # login lockout per username and per address (issue 10)
    "ninja",  # serves the API docs (Swagger UI) from local static files, not a CDN
    "django_prometheus",  # request counts and latencies by view for /metrics (issue 15)
    "kefu.core",
    "kefu.accounts",
    "kefu.customers",
    "kefu.interactions",
    "kefu.tickets",
    "kefu.complaints",
    "kefu.followups",
    "kefu.care",
    "kefu.knowledge",
    "kefu.quality",
    "kefu.reports",
    "kefu.members",
    "kefu.outbound",
    "kefu.activities",
    "kefu.setup",
    "kefu.console",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "kefu.core.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kefu.console.middleware.SecurityHeaders",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kefu.core.middleware.ApiInputGuard",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # answers a locked-out sign-in
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses while locked out, counts failures
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in throttling: after KEFU_LOGIN_FAILURES failed attempts for one username, or from
# one address, sign-in is refused for KEFU_LOGIN_LOCK_MINUTES; admins see and clear the
# lockouts in the admin (Axes → access attempts). A successful sign-in resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("KEFU_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("KEFU_LOGIN_LOCK_MINUTES", "30")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kefu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "kefu.console.context.console",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_env(url: str | None = None) -> dict[str, Any]:
    """DATABASE_URL (or the `url` given) wins; otherwise the embedded SQLite database in WAL
    mode."""
    url = url or os.environ.get("DATABASE_URL")
    if url:
        # Served over ASGI each request runs in a thread of its own, so connections are not
        # kept per thread (CONN_MAX_AGE 0) but borrowed from psycopg's pool (KEFU_DB_POOL
        # connections at most per process); health checks replace a connection the server
        # dropped (restart, pg_terminate_backend) instead of failing the request.
        db: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True)
        )
        if str(db["ENGINE"]).endswith("postgresql") and os.environ.get("KEFU_DB_POOL") != "0":
            size = int(os.environ.get("KEFU_DB_POOL", "20"))
            db.setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": size, "timeout": 10}
        return db
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("KEFU_SQLITE_PATH", str(VAR_DIR / "kefu.sqlite3")),
        "OPTIONS": {
            # WAL lets the in-process scheduler write while pages read.
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=5000;"
            ),
            "transaction_mode": "IMMEDIATE",
        },
    }


DATABASES = {"default": database_from_env()}
# A PostgreSQL read replica for reports and exports (kefu.core.replica): passed over, the
# primary answering, while it is down or more than KEFU_REPLICA_MAX_LAG seconds behind.
if os.environ.get("KEFU_REPLICA_URL"):
    DATABASES["replica"] = database_from_env(os.environ["KEFU_REPLICA_URL"])
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 3
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["kefu.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "kefu" / "locale"]
TIME_ZONE = os.environ.get("KEFU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"


def files_storage() -> dict[str, Any]:
    """Files kept between requests (kefu.core.files): S3-compatible object storage when
    KEFU_S3_BUCKET is set (every web host and worker sees the same files), else var/files."""
    bucket = os.environ.get("KEFU_S3_BUCKET")
    if not bucket:
        return {"BACKEND": "kefu.core.files.LocalFiles"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": os.environ.get("KEFU_S3_ENDPOINT") or None,  # MinIO, OSS, COS
            "access_key": os.environ.get("KEFU_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("KEFU_S3_SECRET_KEY") or None,
            "region_name": os.environ.get("KEFU_S3_REGION", "us-east-1"),
            "location": os.environ.get("KEFU_S3_PREFIX", "kefu"),
            "addressing_style": os.environ.get("KEFU_S3_ADDRESSING", "path"),
            "signature_version": "s3v4",
            "default_acl": None,  # private: read only through Kefu's own views
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }


STORAGES = {
    "default": files_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REDIS_URL = os.environ.get("REDIS_URL", "")
# One cache for every process when Redis is there (counters such as token guesses are then
# shared by the workers); in the embedded center a per-process memory cache.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Pushes to open console pages: in memory in the embedded center (one process), through
# Redis when there is one, so every web process and Celery worker reaches every page.
CHANNEL_LAYERS = {
    "default": (
        {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}
# The embedded center served by several processes (`kefu serve` sets KEFU_EMBEDDED_WORKERS):
# without Redis, the cache is a folder every process shares and pushes cross processes
# through a small SQLite relay (kefu.core.relay).
EMBEDDED_WORKERS = int(os.environ.get("KEFU_EMBEDDED_WORKERS", "1"))
if not REDIS_URL and EMBEDDED_WORKERS > 1:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "kefu.core.relay.RelayChannelLayer",
            "CONFIG": {"path": str(VAR_DIR / "push.sqlite3")},
        }
    }
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# each job's queue is its kind of work (kefu.core.scheduler.QUEUES)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = ["kefu.core.scheduler.celery_route"]

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
# A console session lasts one working day unless the center sets another length.
SESSION_COOKIE_AGE = int(float(os.environ.get("KEFU_SESSION_HOURS", "10")) * 3600)


def https_settings(enabled: bool) -> dict[str, Any]:
    """Behind HTTPS (KEFU_HTTPS=1): cookies only over HTTPS, HSTS for a year, and the
    reverse proxy's X-Forwarded-Proto trusted to say the request was secure."""
    if not enabled:
        return {}
    return {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    }


globals().update(https_settings(os.environ.get("KEFU_HTTPS", "0") == "1"))

# Every line names its request (kefu.core.requestid); JSON lines with KEFU_LOG_JSON=1 (on in
# production) for the log collector: time, level, logger, message, request_id.
LOG_JSON = os.environ.get("KEFU_LOG_JSON", "0") == "1"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kefu.core.requestid.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,  # Chinese as it is, not \u escapes
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_JSON else "plain",
        }
    },
    "loggers": {
        "kefu": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # failed requests (500s) with their request id; nothing else logs them in production
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": True},
    },
}

# Center-wide defaults an administrator may override in the admin (CenterSetting).
KEFU: dict[str, Any] = {
    "CUSTOMER_NUMBER_PREFIX": "KH",
    "CUSTOMER_NUMBER_DIGITS": 8,
    "FIRST_CONTACT_HOURS": 168,
    "SEARCH_PAGE_SIZE": 20,
    "SEARCH_COUNT_CAP": 1000,
    # contacts searched by words by default: the last N days (older ones on request), so a
    # search stays fast at ten million contacts (issue 11)
    "CONTACT_SEARCH_DAYS": int(os.environ.get("KEFU_CONTACT_SEARCH_DAYS", "90")),
    "TOKEN_CACHE_SECONDS": 30,
    # imports (customers, events; API, console and CLI): refused past these, never cut
    "IMPORT_MAX_BYTES": int(os.environ.get("KEFU_IMPORT_MAX_MB", "20")) * 2**20,
    "IMPORT_MAX_UNPACKED": int(os.environ.get("KEFU_IMPORT_MAX_UNPACKED_MB", "200")) * 2**20,
    "IMPORT_MAX_ROWS": int(os.environ.get("KEFU_IMPORT_MAX_ROWS", "200000")),
    "IMPORT_MAX_CELL": 32 * 1024,
    "IMPORT_MAX_ERRORS": 1000,
    # wrong bearer tokens one address may send in ten minutes before it is refused (429)
    "TOKEN_GUESSES": int(os.environ.get("KEFU_TOKEN_GUESSES", "20")),
    # reveals of full personal data one person may make in an hour; beyond: refused and
    # the CS managers are told
    "REVEALS_PER_HOUR": int(os.environ.get("KEFU_REVEALS_PER_HOUR", "60")),
    # SMS: "logging" writes messages to the log only; "aliyun" or "tencent" send.
    "SMS_PROVIDER": os.environ.get("KEFU_SMS_PROVIDER", "logging"),
    # L2/L3 escalations reach the manager / GM outside the console (issue 11): by e-mail when
    # an SMTP server is set (KEFU_EMAIL_HOST) and the user has an e-mail address; by SMS when
    # the provider's template for it is named (one variable, `text`) and the user a mobile.
    "ESCALATION_EMAIL": bool(os.environ.get("KEFU_EMAIL_HOST")),
    "ESCALATION_SMS_TEMPLATE": os.environ.get("KEFU_ESCALATION_SMS_TEMPLATE", ""),
    "SMS_SIGN_NAME": os.environ.get("KEFU_SMS_SIGN_NAME", ""),
    # The secret in the SMS reply callback addresses given to the providers
    # (/api/v1/sms/replies/aliyun/<token>, …/tencent/<token>; ); empty: callbacks off.
    "SMS_REPLY_TOKEN": os.environ.get("KEFU_SMS_REPLY_TOKEN", ""),
    # Tencent Cloud: pull the replies every minute (PullSmsReplyStatus) instead of, or
    # besides, the push callback.
    "SMS_REPLY_PULL": os.environ.get("KEFU_SMS_REPLY_PULL", "") == "1",
    # /metrics (Prometheus): answered to these addresses, or to `Authorization: Bearer
    # <KEFU_METRICS_TOKEN>` from anywhere; nobody else.
    "METRICS_ALLOW": [
        a.strip()
        for a in os.environ.get("KEFU_METRICS_ALLOW", "127.0.0.1,::1").split(",")
        if a.strip()
    ],
    "METRICS_TOKEN": os.environ.get("KEFU_METRICS_TOKEN", ""),
    "SMS_ALIYUN": {
        "access_key_id": os.environ.get("KEFU_ALIYUN_ACCESS_KEY_ID", ""),
        "access_key_secret": os.environ.get("KEFU_ALIYUN_ACCESS_KEY_SECRET", ""),
        "endpoint": os.environ.get("KEFU_ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/"),
    },
    "SMS_TENCENT": {
        "secret_id": os.environ.get("KEFU_TENCENT_SECRET_ID", ""),
        "secret_key": os.environ.get("KEFU_TENCENT_SECRET_KEY", ""),
        "sdk_app_id": os.environ.get("KEFU_TENCENT_SMS_APP_ID", ""),
        "region": os.environ.get("KEFU_TENCENT_REGION", "ap-guangzhou"),
        "endpoint": os.environ.get("KEFU_TENCENT_SMS_ENDPOINT", "https://sms.tencentcloudapi.com"),
    },
}

# E-mail through Django's SMTP backend.
EMAIL_BACKEND = os.environ.get("KEFU_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("KEFU_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KEFU_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KEFU_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KEFU_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("KEFU_EMAIL_TLS", "") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("KEFU_EMAIL_FROM", "kefu@localhost")

# a published knowledge-base article not reviewed for this many months is listed as stale
KEFU_KB_STALE_MONTHS = int(os.environ.get("KEFU_KB_STALE_MONTHS", "6"))
