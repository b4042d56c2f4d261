"""Fixtures shared by every app's tests: a user per role and API clients that carry a token."""

import pytest
from django.test import Client

from kefu.accounts.choices import Role
from kefu.accounts.services import token_create
from kefu.accounts.tests.factories import UserFactory


class Api:
    """A JSON client for /api/v1 acting as one user."""

    def __init__(self, user):
        self.user = user
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")

    def _url(self, path):
        return f"/api/v1{path}"

    def get(self, path, **params):
        return self.client.get(self._url(path), params)

    def post(self, path, data=None, **kwargs):
        return self.client.post(
            self._url(path), data or {}, content_type="application/json", **kwargs
        )

    def patch(self, path, data):
        return self.client.patch(self._url(path), data, content_type="application/json")

    def upload(self, path, name, content: bytes):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(self._url(path), {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def agent(db):
    return UserFactory(username="agent1", role=Role.AGENT, skill_level=3)


@pytest.fixture
def other_agent(db):
    return UserFactory(username="agent2", role=Role.AGENT, skill_level=3)


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", role=Role.TEAM_LEAD)


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", role=Role.MANAGER)


@pytest.fixture
def qa(db):
    return UserFactory(username="qa", role=Role.QA)


@pytest.fixture
def api(agent):
    return Api(agent)


@pytest.fixture
def api_as():
    return Api


@pytest.fixture(autouse=True)
def _fresh_phrase_list():
    """Each test reads the forbidden-phrase list of its own database (the process keeps the
    list for a second: a rolled-back test's phrases must not reach the next test)."""
    from kefu.quality.phrases import phrases_forget

    phrases_forget()
    yield


class _Inbox:
    """What the SMTP test server received: each message's envelope."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free local port, and Django's SMTP backend pointed
    at it: yields its inbox."""
    import socket

    from aiosmtpd.controller import Controller
    from django.test import override_settings

    inbox = _Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                               EMAIL_HOST="127.0.0.1", EMAIL_PORT=port):  # fmt: skip
            yield inbox
    finally:
        controller.stop()
