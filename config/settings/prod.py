"""Production: PostgreSQL from DATABASE_URL, Celery on REDIS_URL, secrets from the environment."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["KEFU_SECRET_KEY"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
