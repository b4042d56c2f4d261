"""API tokens: only a hash is stored; revoked tokens and inactive users are refused."""

import pytest

from kefu.accounts.models import ApiToken
from kefu.accounts.services import token_authenticate, token_create, token_revoke
from kefu.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_token_authenticates_its_user_and_is_stored_hashed():
    user = UserFactory()
    raw = token_create(user=user)
    assert token_authenticate(raw) == user
    assert not ApiToken.objects.filter(digest=raw).exists()
    assert token_authenticate(raw + "x") is None


def test_revoked_token_is_refused_at_once(client):
    user = UserFactory()
    raw = token_create(user=user)
    assert token_authenticate(raw) == user  # now cached
    token_revoke(token=ApiToken.objects.get(user=user))
    assert token_authenticate(raw) is None
    r = client.get("/api/v1/customers/search", {"q": "zs"}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 401


def test_inactive_user_token_is_refused(settings):
    settings.KEFU = {**settings.KEFU, "TOKEN_CACHE_SECONDS": 0}
    user = UserFactory()
    raw = token_create(user=user)
    user.is_active = False
    user.save()
    assert token_authenticate(raw) is None


def test_a_changed_role_or_deactivation_applies_to_a_cached_token_at_once(api_as):
    """Issue 10: no 30-second window in which a demoted or deactivated user keeps rights."""
    from kefu.accounts.choices import Role

    lead = UserFactory(username="lead9", role=Role.TEAM_LEAD)
    api = api_as(lead)
    assert api.get("/callbacks", everyone="true").status_code == 200  # token now cached
    lead.role = Role.AGENT
    lead.save()
    assert api.get("/tickets", stalled="true").status_code == 403  # agents see no stalled
    lead.is_active = False
    lead.save()
    assert api.get("/callbacks").status_code == 401
