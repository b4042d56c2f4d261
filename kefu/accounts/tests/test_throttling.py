"""Guessing is throttled (issue 10): sign-in per username and per address (django-axes),
bearer tokens per address, and reveals of personal data per person (R-0.5)."""

import pytest
from django.test import Client

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_sign_in_locks_at_the_fifth_failure_for_that_username_and_admins_see_it():
    user = UserFactory(username="agent9", role=Role.AGENT)
    user.set_password("right-pass-1")
    user.save()
    client = Client()
    for i in range(4):
        assert sign_in(client, "agent9", "wrong", f"10.0.1.{i}").status_code == 200
    assert sign_in(client, "agent9", "wrong", "10.0.1.4").status_code == 429
    r = sign_in(client, "agent9", "right-pass-1", "10.0.2.1")  # even the right one now
    assert r.status_code == 429 and "登录已暂停" in r.content.decode()
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(username="agent9").exists()
    root = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(root)
    assert "agent9" in admin.get("/admin/axes/accessattempt/").content.decode()


def test_sign_in_locks_an_address_that_tries_many_usernames():
    client = Client()
    for i in range(5):
        sign_in(client, f"nobody{i}", "guess", "10.9.9.9")
    user = UserFactory(username="lead7", role=Role.TEAM_LEAD)
    user.set_password("right-pass-2")
    user.save()
    assert sign_in(client, "lead7", "right-pass-2", "10.9.9.9").status_code == 429
    assert sign_in(client, "lead7", "right-pass-2", "10.9.9.10").status_code == 302


def test_wrong_bearer_tokens_from_one_address_are_refused_past_the_limit(settings):
    from django.core.cache import cache

    from kefu.accounts.services import token_create

    cache.clear()
    settings.KEFU = {**settings.KEFU, "TOKEN_GUESSES": 3}
    good = token_create(user=UserFactory(username="cti", role=Role.ADMIN))
    client = Client()
    for _ in range(3):
        r = client.get(
            "/api/v1/callbacks", HTTP_AUTHORIZATION="Bearer kf_guess", REMOTE_ADDR="10.1.1.1"
        )
        assert r.status_code == 401
    r = client.get("/api/v1/callbacks", HTTP_AUTHORIZATION=f"Bearer {good}", REMOTE_ADDR="10.1.1.1")
    assert r.status_code == 429 and r.json()["errors"][0]["code"] == "too_many"
    r = client.get("/api/v1/callbacks", HTTP_AUTHORIZATION=f"Bearer {good}", REMOTE_ADDR="10.1.1.2")
    assert r.status_code == 200
    cache.clear()


def test_reveals_past_the_hourly_rate_are_refused_and_the_cs_manager_is_told(settings, api_as):
    """R-0.5: a person who reveals full personal data past the rate is paused; the CS
    managers get one notice that hour, whoever tries again."""
    from django.core.cache import cache

    from kefu.customers.models import PiiAccessLog
    from kefu.customers.tests.factories import make_customer
    from kefu.interactions.models import Notice

    cache.clear()
    settings.KEFU = {**settings.KEFU, "REVEALS_PER_HOUR": 2}
    agent = UserFactory(username="agent5", role=Role.AGENT)
    manager = UserFactory(username="mgr", role=Role.MANAGER)
    api = api_as(agent)
    customer = make_customer(agent, phones=["13800005555"])
    url = f"/customers/{customer.pk}/reveal"
    for _ in range(2):
        assert api.post(url, {"fields": ["phones"]}).status_code == 200
    r = api.post(url, {"fields": ["phones"]})
    assert r.status_code == 429 and "13800005555" not in r.content.decode()
    api.post(url, {"fields": ["phones"]})
    assert PiiAccessLog.objects.filter(user=agent, action="reveal").count() == 2
    notices = Notice.objects.filter(user=manager, kind="security")
    assert notices.count() == 1 and "agent5" in notices.get().text
    cache.clear()
