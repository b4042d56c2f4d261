"""Numbers too large for the database are input errors, never server errors."""

import pytest

pytestmark = pytest.mark.django_db
HUGE = 10**20


def test_an_id_too_large_in_a_body_names_its_field(api):
    r = api.post("/interactions", {"channel": "visit", "content": "x", "customer_id": HUGE})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "customer_id"
    r = api.post("/events", {"type": "delivery", "customer_id": HUGE})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "customer_id"


def test_an_id_too_large_in_a_path_or_filter_is_422_not_500(api):
    for path in (f"/complaints/{HUGE}", f"/tickets/{HUGE}", f"/followups/{HUGE}"):
        assert api.get(path).status_code in (404, 422), path
    assert api.get("/care/messages", customer=HUGE).status_code == 422
    assert api.get("/complaints", customer=HUGE).status_code == 422


def test_the_api_docs_load_nothing_from_the_internet(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html and "cdn." not in html and "https://" not in html


def test_api_times_are_in_the_centers_time_zone(api):
    """R-0.1: Asia/Shanghai by default, with its offset, whatever the database keeps."""
    r = api.post(
        "/interactions",
        {
            "channel": "visit",
            "contact_name": "王",
            "content": "来店咨询",
            "occurred_at": "2026-11-22T01:30:00Z",
        },
    )
    assert r.json()["occurred_at"] == "2026-11-22T09:30:00+08:00"
