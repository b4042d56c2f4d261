"""R-0.1: Simplified Chinese by default, English on request."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_in_chinese_unless_english_is_asked_for(client):
    assert "用户名" in client.get("/admin/login/").content.decode()
    english = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Username" in english and "用户名" not in english
