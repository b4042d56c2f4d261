"""What a browser and a proxy may keep, HTTPS, session length and reconnecting to the
database (issue 10: R-0.5 personal data never cached; sessions of one working day)."""

import pytest
from django.conf import settings
from django.test import Client, override_settings

from config.settings.base import database_from_env, https_settings

pytestmark = pytest.mark.django_db


def test_pages_and_api_answers_carrying_personal_data_are_never_stored(agent, api):
    web = Client()
    web.force_login(agent)
    assert web.get("/customers/")["Cache-Control"] == "no-store"
    assert api.get("/customers/search", q="张")["Cache-Control"] == "no-store"


def test_a_session_lasts_one_working_day_by_default():
    assert settings.SESSION_COOKIE_AGE == 10 * 3600


def test_behind_https_cookies_are_secure_and_hsts_is_sent(agent):
    conf = https_settings(True)
    assert conf["SESSION_COOKIE_SECURE"] and conf["CSRF_COOKIE_SECURE"]
    assert https_settings(False) == {}
    with override_settings(**conf):
        web = Client()
        web.force_login(agent)
        r = web.get("/", HTTP_X_FORWARDED_PROTO="https")
        assert r["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "Strict-Transport-Security" not in web.get("/")


def test_database_connections_are_checked_before_reuse(monkeypatch):
    """A connection PostgreSQL dropped is replaced at the next request, not a 500."""
    monkeypatch.setenv("DATABASE_URL", "postgres://kefu@db.example:5432/kefu")
    conf = database_from_env()
    assert conf["CONN_HEALTH_CHECKS"] is True
    # served over ASGI (a thread per request): connections come from psycopg's pool, not
    # kept per thread, so a page's thread never leaves a connection open behind it
    assert conf["CONN_MAX_AGE"] == 0 and conf["OPTIONS"]["pool"]["max_size"] == 20


@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_by_postgresql_is_replaced_at_the_next_request():
    import psycopg
    from django.db import close_old_connections, connection

    from kefu.accounts.models import User

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    conf = connection.settings_dict
    other = psycopg.connect(
        host=conf["HOST"] or "127.0.0.1",
        port=conf["PORT"] or 5432,
        user=conf["USER"],
        dbname=conf["NAME"],
        autocommit=True,
    )
    other.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()
    close_old_connections()  # what the start of every request does
    assert User.objects.count() == 0  # a fresh connection answers; no 500
    assert connection.connection.info.backend_pid != pid
