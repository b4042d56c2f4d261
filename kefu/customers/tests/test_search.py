"""R-1.5 one-box search and R-1.6 screen pop."""

import pytest

from kefu.customers.tests.factories import make_customer, make_vehicle, valid_vin

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(agent):
    zhang = make_customer(
        agent,
        name="张三",
        phones=["13812345678", "010-87654321"],
        id_number="11010519491231002X",
        tags=["车友会"],
    )
    make_vehicle(
        agent,
        zhang,
        vin=valid_vin("LSVAU2180N2123457"),
        plate="京A12345",
        delivered_on="2026-05-01",
    )
    zhao = make_customer(agent, name="赵四", phones=["13999998888"])
    make_vehicle(agent, zhao, vin=valid_vin("LFV2A21K0N3654321"), plate="粤BD12345")
    zhangsanfeng = make_customer(agent, name="张三丰", phones=["13700001111"])
    make_customer(agent, name="李明", phones=["13600002222"])
    return {"zhang": zhang, "zhao": zhao, "zsf": zhangsanfeng}


def numbers(api, q, **params):
    r = api.get("/customers/search", q=q, **params)
    assert r.status_code == 200, r.content
    return [item["number"] for item in r.json()["items"]]


@pytest.mark.parametrize(
    ("q", "who"),
    [
        ("张三", "zhang"),
        ("zhangsan", "zhang"),
        ("ZhangSan", "zhang"),
        ("zs", "zhang"),
        ("13812345678", "zhang"),
        ("+86 138 1234 5678", "zhang"),
        ("5678", "zhang"),
        ("010-87654321", "zhang"),
        ("11010519491231002x", "zhang"),
        ("京A12345", "zhang"),
        ("京a 12345", "zhang"),
        ("粤BD12345", "zhao"),
        ("654321", "zhao"),
        ("8888", "zhao"),
    ],
)
def test_one_box_finds_the_customer_by_any_key(api, archive, q, who):
    assert archive[who].number in numbers(api, q)


def test_full_vin_and_last_six(api, archive):
    vin = archive["zhang"].assets.get().vin
    assert numbers(api, vin) == [archive["zhang"].number]
    assert numbers(api, vin[-6:]) == [archive["zhang"].number]


def test_customer_number_with_or_without_prefix(api, archive):
    number = archive["zhao"].number
    assert numbers(api, number) == [number]
    assert number in numbers(api, str(int(number[2:])))


def test_exact_name_ranks_before_longer_names(api, archive):
    assert numbers(api, "张三") == [archive["zhang"].number, archive["zsf"].number]
    assert numbers(api, "zhangsan") == [archive["zhang"].number, archive["zsf"].number]


def test_initials_exact_match_comes_first(api, archive):
    found = numbers(api, "zs")
    assert found[0] == archive["zhang"].number
    assert archive["zsf"].number in found  # zsf starts with zs


def test_result_cards_mask_phones_and_say_what_matched(api, archive):
    item = api.get("/customers/search", q="5678").json()["items"][0]
    assert item["phones"][0] == "138****5678"
    assert item["matched"] == "phone_last4"
    assert item["plates"] == ["京A12345"]


def test_paging_and_count(api, agent):
    for i in range(25):
        make_customer(
            agent, name=f"王{'一二三四五六七八九十'[i % 10]}{i}", phones=[f"1350000{i:04d}"]
        )
    first = api.get("/customers/search", q="wang", page_size=10).json()
    second = api.get("/customers/search", q="wang", page_size=10, page=3).json()
    assert first["count"] == 25 and len(first["items"]) == 10 and len(second["items"]) == 5
    all_pages = [
        api.get("/customers/search", q="wang", page_size=10, page=p).json()["items"]
        for p in (1, 2, 3)
    ]
    assert len({i["id"] for page in all_pages for i in page}) == 25


def test_filters_by_tag_and_delivery_date(api, archive):
    assert numbers(api, "", tag="车友会") == [archive["zhang"].number]
    assert numbers(api, "zs", delivered_from="2026-04-01", delivered_to="2026-05-31") == [
        archive["zhang"].number
    ]
    r = api.get("/customers/search", q="", delivered_from="2026-13-01")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "delivered_from"


def test_unknown_key_finds_nothing(api, archive):
    assert numbers(api, "13000000000") == []
    assert numbers(api, "qwxz") == []


def test_screen_pop_returns_customer_assets_and_open_items(api, archive, agent):
    from kefu.customers.services import customer_assign

    customer_assign(customer=archive["zhang"], actor=agent, agent=agent, check=False)
    r = api.get("/customers/lookup", phone="+8613812345678")
    assert r.status_code == 200
    body = r.json()
    assert body["customer"]["number"] == archive["zhang"].number
    assert body["customer"]["assets"][0]["plate"] == "京A12345"
    assert any(item["kind"] == "first_contact" for item in body["open_items"])


def test_screen_pop_lists_others_sharing_the_phone(api, agent, archive):
    make_customer(agent, name="张三妻", phones=["13812345678"])
    body = api.get("/customers/lookup", phone="13812345678").json()
    assert body["customer"]["name"] == "张三妻"  # most recent first
    assert [o["name"] for o in body["others"]] == ["张三"]


def test_screen_pop_unknown_number_is_404(api, archive):
    r = api.get("/customers/lookup", phone="13000000000")
    assert r.status_code == 404
    assert r.json()["errors"][0]["code"] == "not_found"


def test_searchable_profile_fields_filter_the_search(api, agent):
    """R-1.2: extended-profile fields marked searchable narrow a search; others are refused."""
    from kefu.setup.services import preset_load

    preset_load(code="auto")
    angler = make_customer(agent, name="钓鱼王", extra={"hobbies": "钓鱼", "spouse_name": "李"})
    make_customer(agent, name="王二", extra={"hobbies": "跑步"})
    assert numbers(api, "", profile="hobbies:钓鱼") == [angler.number]
    r = api.get("/customers/search", q="", profile="spouse_name:李")  # not searchable
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "profile"


@pytest.mark.parametrize(
    "params", [{"page_size": -5}, {"page_size": 0}, {"page": 0}, {"page_size": 1000}]
)
def test_paging_out_of_range_is_422_naming_the_parameter(api, params):
    r = api.get("/customers/search", q="zs", **params)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == next(iter(params))
