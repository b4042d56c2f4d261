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


def test_a_body_that_is_not_an_object_is_refused_not_read_as_empty(api):
    """A list or a bare value is no request of this API: 422 naming the body — it must not
    pass as an object whose fields all have defaults (found by the schema fuzzer on
    POST /notices/read)."""
    for body in ("[null, null]", "[1, 2]", '"all"', "3", "null"):
        r = api.client.post("/api/v1/notices/read", body, content_type="application/json")
        err = _only_error(r, 422)
        assert (err["field"], err["code"]) == ("body", "not_an_object")
        assert "JSON 对象" in err["message"] and "JSON object" in err["message_en"]
    assert api.post("/notices/read", {"all": True}).status_code == 200


def test_control_characters_are_refused_naming_the_field_on_every_database(api, agent):
    """A NUL is stored by SQLite and refused by PostgreSQL: both answer 422 naming it."""
    r = api.post("/interactions", {"channel": "visit", "content": "来访\x00登记"})
    err = _only_error(r, 422)
    assert (err["field"], err["code"]) == ("content", "control_character")
    r = api.post(
        "/events", {"type": "delivery", "customer_id": 1, "attributes": {"note": "a\x07b"}}
    )
    assert _only_error(r, 422)["field"] == "attributes.note"
    assert _only_error(api.get("/customers/search", q="张\x00"), 422)["field"] == "q"
    # a newline is text in a multi-line field
    r = api.post(
        "/interactions", {"channel": "visit", "contact_name": "周", "content": "第一行\n第二行"}
    )
    assert r.status_code == 201, r.json()


def test_the_console_refuses_a_control_character_next_to_its_field(agent):
    from django.test import Client

    from kefu.core.errors import ValidationFailed
    from kefu.customers.services import customer_create

    with pytest.raises(ValidationFailed) as caught:
        customer_create(actor=agent, data={"name": "张\x1b三", "phones": ["13800002222"]})
    assert caught.value.errors[0].field == "name"
    web = Client()
    web.force_login(agent)
    r = web.post("/customers/new/", {"name": "李四", "phones": "13800003333", "notes": "a\x00"})
    assert r.status_code == 422 and "控制字符" in r.content.decode()


def test_full_width_digits_and_zero_width_characters_are_what_was_meant(api, agent):
    from kefu.customers.tests.factories import make_customer

    make_customer(agent, name="王五", phones=["１３８\u200b００００４４４４"])
    r = api.get("/customers/lookup", phone="138\u200b0000 4444")
    assert r.status_code == 200 and r.json()["customer"]["name"] == "王五"
    assert api.get("/customers/search", q="４４４４").json()["items"][0]["name"] == "王五"
