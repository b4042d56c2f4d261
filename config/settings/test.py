"""Test settings: fast hashing, the database from DATABASE_URL or a throwaway SQLite."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
ALLOWED_HOSTS = ["*"]

# The test database is created and flushed by the test runner's own connection, not a pool.
DATABASES["default"].get("OPTIONS", {}).pop("pool", None)  # noqa: F405
