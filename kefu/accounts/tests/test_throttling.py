"""Guessing is throttled (issue 10): sign-in per username and per address (django-axes),
bearer tokens per address, and reveals of personal data per person (R-0.5)."""

import pytest
from django.test import Client

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


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
