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


def _only_error(r, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.content[:200])
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"errors"} and set(body["errors"][0]) == {
        "field",
        "code",
        "message",
        "message_en",
    }
    return body["errors"][0]


def test_malformed_json_is_the_documented_error_shape(api):
    r = api.client.post("/api/v1/interactions", "{not json", content_type="application/json")
    assert _only_error(r, 400)["field"] == "body"


def test_unknown_paths_and_non_number_ids_answer_json_404(api):
    assert _only_error(api.get("/nothing/here"), 404)["code"] == "not_found"
    assert _only_error(api.get("/tickets/abc"), 404)["field"] == "path"


def test_a_body_over_the_size_limit_is_413_in_the_error_shape(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    r = api.post("/interactions", {"channel": "visit", "content": "长" * 20_000})
    assert _only_error(r, 413)["code"] == "too_large"


def test_a_console_session_posting_without_its_csrf_token_is_refused_as_json(agent):
    from django.test import Client

    web = Client(enforce_csrf_checks=True)
    web.force_login(agent)
    r = web.post("/api/v1/interactions", {"channel": "visit"}, content_type="application/json")
    assert _only_error(r, 403)["code"] == "csrf_failed"


def test_dates_before_1900_or_after_2100_are_refused_on_every_database(api, lead, api_as):
    from kefu.customers.tests.factories import make_customer

    customer = make_customer(api.user)
    r = api.post(
        "/events",
        {"type": "delivery", "customer_id": customer.pk, "occurred_at": "0001-01-01T00:00:00"},
    )
    _only_error(r, 422)
    codes = {e["field"]: e["code"] for e in r.json()["errors"]}
    assert codes["occurred_at"] == "out_of_range"
    r = api_as(lead).post("/care/run", {"date": "0001-01-01"})
    assert _only_error(r, 422)["field"] == "date"
    r = api.patch(f"/customers/{customer.pk}", {"birthday": "2999-01-01"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "birthday"
