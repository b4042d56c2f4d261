"""Contacts are searched by words among the last 90 days first (issue 11: fast at ten
million contacts); older contacts when the agent asks, by API (`older`, `since`) and from the
top-bar search; a daily job keeps the recent mark true whatever the window."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from kefu.core.scheduler import JOBS
from kefu.interactions.models import Interaction
from kefu.interactions.recent import search_age

pytestmark = pytest.mark.django_db


def contact(api, content, days_ago, caller="13800000001"):
    when = timezone.now() - dt.timedelta(days=days_ago)
    r = api.post(
        "/interactions",
        {"channel": "letter", "caller_number": caller, "category": "consultation",
         "content": content, "occurred_at": when.isoformat()},
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    return r.json()["id"]


def found(api, **params):
    r = api.get("/interactions", **params)
    assert r.status_code == 200, r.json()
    return {row["id"] for row in r.json()}


def test_words_are_searched_in_the_last_90_days_and_older_contacts_on_request(api):
    new = contact(api, "天窗漏水，要求免费检修", days_ago=10)
    old = contact(api, "天窗漏水，要求赔偿", days_ago=200)
    assert found(api, q="天窗 漏水") == {new}
    assert found(api, q="天窗 漏水", older="true") == {new, old}
    since = (timezone.now() - dt.timedelta(days=365)).isoformat()
    assert found(api, q="天窗 漏水", since=since) == {new, old}  # a period of one's own
    assert found(api, q="天窗 漏水", caller="13800000001") == {new, old}  # one caller's
    assert found(api, q="赔偿") == set()  # only in the old one


def test_the_daily_job_moves_contacts_out_of_and_back_into_the_recent_words(api):
    ageing = contact(api, "车门异响", days_ago=80)
    assert found(api, q="异响") == {ageing}
    with override_settings(KEFU={**_kefu(), "CONTACT_SEARCH_DAYS": 30}):
        assert "1 contacts left" in search_age()
        assert not Interaction.objects.get(pk=ageing).search_recent
        assert found(api, q="异响") == set()  # older than 30 days now
        assert found(api, q="异响", older="true") == {ageing}
    # the window made 90 days again: the job marks it again and the default search has it
    assert "1 joined" in search_age()
    assert found(api, q="异响") == {ageing}
    assert search_age() == "0 contacts left the recent words, 0 joined them"  # idempotent
    assert "kefu.interactions.search_age" in {job.name for job in JOBS}


def test_a_contact_moved_in_time_is_marked_by_its_new_time(api, agent):
    cid = contact(api, "蓄电池亏电", days_ago=300)
    assert found(api, q="蓄电池") == set()
    moved = Interaction.objects.get(pk=cid)
    moved.occurred_at = timezone.now() - dt.timedelta(days=1)
    moved.save(update_fields=["occurred_at"])
    assert found(api, q="蓄电池") == {cid}


def test_the_top_bar_says_which_period_it_searched_and_offers_older_contacts(client, api, agent):
    contact(api, "雨刮器抖动", days_ago=5)
    contact(api, "雨刮器抖动严重", days_ago=400)
    client.force_login(agent)
    part = client.get("/search/", {"q": "雨刮器 抖动", "part": "contacts"}).content.decode()
    assert "最近90天" in part and "查找更早的" in part and "part=contacts&amp;older=1" in part
    assert part.count("<li>") == 1
    older = client.get("/search/", {"q": "雨刮器 抖动", "part": "contacts", "older": "1"})
    page = older.content.decode()
    assert "全部时间" in page and page.count("<li>") == 2 and "查找更早的" not in page


def _kefu():
    from django.conf import settings

    return settings.KEFU
