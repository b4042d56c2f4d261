"""The customer API contract (R-1.1, R-1.3, R-0.3, R-0.4, R-0.5)."""

import pytest

from kefu.customers.models import Customer, PiiAccessLog
from kefu.customers.tests.factories import make_customer, valid_vin

pytestmark = pytest.mark.django_db


def test_create_customer_returns_id_and_number(api):
    r = api.post(
        "/customers",
        {
            "name": "张三",
            "phones": ["138 0013 8000"],
            "id_number": "11010519491231002X",
            "birthday_calendar": "lunar",
            "level": "vip",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["id"] and body["number"].startswith("KH")
    customer = Customer.objects.get(pk=body["id"])
    # birthday and gender derived from the ID number; pinyin kept for search.
    assert str(customer.birthday) == "1949-12-31" and customer.gender == "female"
    assert customer.name_pinyin == "zhangsan" and customer.level == "vip"
    assert customer.birthday_key  # lunar day of birth, for the care scheduler


def test_customer_numbers_are_consecutive(api):
    first = api.post("/customers", {"name": "甲", "phones": ["13800000001"]}).json()["number"]
    second = api.post("/customers", {"name": "乙", "phones": ["13800000002"]}).json()["number"]
    assert int(second[2:]) == int(first[2:]) + 1


def test_invalid_input_is_422_naming_each_field_in_chinese_and_english(api):
    r = api.post("/customers", {"name": "", "phones": ["12345"], "id_number": "110105194912310021"})
    assert r.status_code == 422
    errors = {e["field"]: e for e in r.json()["errors"]}
    assert {"name", "phones[0]", "id_number"} <= errors.keys()
    assert "电话号码无效" in errors["phones[0]"]["message"]
    assert "Invalid phone" in errors["phones[0]"]["message_en"]
    assert Customer.objects.count() == 0


def test_missing_body_field_is_422_with_field_name(api):
    r = api.post("/customers", {"name": "张三"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "phones"


def test_unauthenticated_requests_are_401(client):
    r = client.get("/api/v1/customers/search", {"q": "zs"})
    assert r.status_code == 401
    assert r.json()["errors"][0]["field"] == "Authorization"


def test_personal_data_is_masked_by_default(api, agent):
    c = make_customer(
        agent,
        phones=["13812345678", "010-87654321"],
        tags=["车友会", "VIP车主"],
        id_number="11010519491231002X",
        address="北京市朝阳区建国路88号",
    )
    body = api.get(f"/customers/{c.pk}").json()
    assert body["phones"] == ["138****5678", "010****4321"]  # primary first
    assert body["tags"] == ["VIP车主", "车友会"]
    assert body["id_number"] == "110***********002X"
    assert "88号" not in body["address"]


def test_reveal_shows_full_data_and_is_logged(api, agent):
    c = make_customer(agent, phones=["13812345678"])
    r = api.post(f"/customers/{c.pk}/reveal", {"fields": ["phones"]})
    assert r.json() == {"phones": ["13812345678"]}
    log = PiiAccessLog.objects.get()
    assert (log.user, log.customer, log.action, log.fields) == (agent, c, "reveal", "phones")


def test_qa_cannot_reveal(api_as, qa, agent):
    c = make_customer(agent)
    r = api_as(qa).post(f"/customers/{c.pk}/reveal", {"fields": ["phones"]})
    assert r.status_code == 403
    assert not PiiAccessLog.objects.exists()


def test_agent_edits_only_own_customers(api, agent, other_agent, lead, api_as):
    mine = make_customer(agent, owner="agent1")
    theirs = make_customer(agent, owner="agent2")
    assert api.patch(f"/customers/{mine.pk}", {"level": "member"}).status_code == 200
    r = api.patch(f"/customers/{theirs.pk}", {"level": "member"})
    assert r.status_code == 403
    assert api_as(lead).patch(f"/customers/{theirs.pk}", {"level": "member"}).status_code == 200


def test_every_change_is_in_the_history_with_who_and_before_after(api, agent):
    c = make_customer(agent, owner="agent1", level="normal")
    api.patch(f"/customers/{c.pk}", {"level": "vip", "phones": ["13900000000"]})
    history = api.get(f"/customers/{c.pk}/history").json()
    level = [ch for row in history for ch in row["changes"] if ch["field"] == "customer.level"]
    assert level == [{"field": "customer.level", "before": "normal", "after": "vip"}]
    assert all(row["user"] == "agent1" for row in history)
    phone_rows = [
        row for row in history if row["changes"] and row["changes"][0]["field"] == "phone"
    ]
    assert {row["action"] for row in phone_rows} >= {"created", "removed"}
    # holds in the history too.
    assert "13900000000" not in str(history)


def test_obsolete_is_a_status_not_a_deletion(api, agent):
    c = make_customer(agent, owner="agent1")
    r = api.post(f"/customers/{c.pk}/status", {"status": "obsolete", "reason": "空号"})
    assert r.json()["status"] == "obsolete"
    assert Customer.objects.filter(pk=c.pk).exists()
    assert api.get("/customers/search", q=c.number).json()["count"] == 0
    assert api.get("/customers/search", q=c.number, include_obsolete=True).json()["count"] == 1


def test_add_vehicle_with_vin_and_new_energy_plate(api, agent):
    c = make_customer(agent, owner="agent1")
    vin = valid_vin("LFV2A21K0N3000001")
    r = api.post(
        f"/customers/{c.pk}/assets",
        {
            "kind": "vehicle",
            "vin": vin.lower(),
            "plate": "粤BD12345",
            "model": "ID.4",
            "delivered_on": "2026-11-20",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["vin"] == vin and body["plate"] == "粤BD12345"


def test_bad_vin_and_plate_are_422_naming_the_fields(api, agent):
    c = make_customer(agent, owner="agent1")
    r = api.post(
        f"/customers/{c.pk}/assets",
        {"kind": "vehicle", "vin": "LSVAU2180N2123457", "plate": "京A1234"},
    )
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"vin", "plate"}


def test_a_vin_is_on_file_once(api, agent):
    vin = valid_vin("LFV2A21K0N3000002")
    for name in ("甲", "乙"):
        c = make_customer(agent, name=name, owner="agent1")
        r = api.post(f"/customers/{c.pk}/assets", {"kind": "vehicle", "vin": vin})
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "duplicate_vin"


def test_possible_duplicate_phone_is_a_warning_not_a_block(api):
    api.post("/customers", {"name": "张三", "phones": ["13800138000"]})
    r = api.post("/customers", {"name": "张三丰", "phones": ["13800138000"]})
    assert r.status_code == 201
    assert r.json()["warnings"][0]["code"] == "duplicate_phone"


def test_extended_profile_fields_are_data(api, agent):
    from kefu.setup.services import preset_load

    preset_load(code="auto")
    r = api.post(
        "/customers",
        {
            "name": "李四",
            "phones": ["13800000009"],
            "extra": {"education": "本科", "hobbies": "钓鱼"},
        },
    )
    assert r.status_code == 201
    assert r.json()["extra"] == {"education": "本科", "hobbies": "钓鱼"}
    r = api.post(
        "/customers",
        {
            "name": "李五",
            "phones": ["13800000010"],
            "extra": {"education": "幼儿园", "shoe_size": 42},
        },
    )
    assert {e["field"] for e in r.json()["errors"]} == {"extra.education", "extra.shoe_size"}


def test_openapi_document_lists_the_contract(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/v1/customers",
        "/api/v1/customers/{customer_id}",
        "/api/v1/customers/search",
        "/api/v1/customers/lookup",
        "/api/v1/customers/{customer_id}/assets",
        "/api/v1/imports/customers",
    ):
        assert path in paths, path


def test_tags_longer_than_their_column_and_future_birthdays_are_refused(api):
    r = api.post(
        "/customers",
        {"name": "张三", "phones": ["13800000011"], "tags": ["标" * 33], "birthday": "2999-01-01"},
    )
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"tags", "birthday"}
    assert not Customer.objects.exists()
