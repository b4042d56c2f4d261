"""Search by words (issue 11): work orders, complaints, contacts and follow-up notes are
found by the Chinese words in them — on SQLite (FTS5) and PostgreSQL (full-text, GIN) —
with every word required, best matches first, and what a person types cleaned first."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.accounts.models import Department
from kefu.complaints.services import complaint_create
from kefu.core.search import query_words, words_of
from kefu.followups.models import FollowUp
from kefu.setup.services import preset_load
from kefu.tickets.services import work_order_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def center(db):
    Department.objects.create(code="service", name="售后服务部")
    preset_load(code="auto")


def order(agent, title, description=""):
    return work_order_create(
        actor=agent,
        data={"category": "fault", "department": "service", "title": title,
              "description": description},
    )  # fmt: skip


def numbers(api, path, **params):
    r = api.get(path, **params)
    assert r.status_code == 200, r.json()
    return [row["number"] for row in r.json()]


def test_work_orders_are_found_by_the_words_of_their_title_and_description(api, agent, center):
    noisy = order(agent, "发动机异响", "保养后发动机有异响，怠速明显")
    order(agent, "空调不制冷", "夏天开空调出热风")
    mentions = order(agent, "预约保养", "顺便看看发动机")
    assert numbers(api, "/tickets", q="异响") == [noisy.number]
    assert set(numbers(api, "/tickets", q="发动机")) == {noisy.number, mentions.number}
    assert numbers(api, "/tickets", q="发动机 异响") == [noisy.number]  # every word counts
    assert numbers(api, "/tickets", q="发动机")[0] == noisy.number  # the closer match first
    assert numbers(api, "/tickets", q=noisy.number.lower()) == [noisy.number]
    assert numbers(api, "/tickets", q="刹车") == []


def test_an_edited_order_is_found_by_its_new_words(api, agent, center):
    from kefu.tickets.models import WorkOrder

    o = order(agent, "门锁坏了")
    WorkOrder.objects.get(pk=o.pk).save(update_fields=["title"])  # unchanged: still found
    o.title = "窗户漏水"
    o.save(update_fields=["title", "updated_at"])
    assert numbers(api, "/tickets", q="漏水") == [o.number]
    assert numbers(api, "/tickets", q="门锁") == []


def test_complaints_are_found_by_words_and_the_console_list_ranks_them(api, agent, center, client):
    hit = complaint_create(
        actor=agent,
        data={"complainant_name": "王阳", "content": "服务顾问态度很差，还乱收费"},
    )
    complaint_create(actor=agent, data={"complainant_name": "李四", "content": "交车延迟"})
    assert numbers(api, "/complaints", q="乱收费") == [hit.number]
    assert numbers(api, "/complaints", q="王 阳") == [hit.number]  # a space inside a name
    client.force_login(agent)
    page = client.get("/complaints/", {"q": "态度"}).content.decode()
    assert hit.number in page and "交车延迟" not in page


def test_contacts_and_follow_up_notes_are_found_by_words(api, agent, center):
    api.post(
        "/interactions",
        {"channel": "inbound_call", "caller_number": "13800000001", "category": "consultation",
         "content": "询问首保时间和保养项目"},
    )  # fmt: skip
    api.post(
        "/interactions",
        {"channel": "inbound_call", "caller_number": "13800000002", "category": "consultation",
         "content": "问保险续保价格"},
    )  # fmt: skip
    found = api.get("/interactions", q="首保").json()
    assert [i["content"] for i in found] == ["询问首保时间和保养项目"]
    f = FollowUp.objects.create(
        kind="rule", owner=agent, due_on=timezone.localdate(),
        due_by=timezone.localdate() + dt.timedelta(days=2), note="顾客说轮胎有鼓包",
        source_key="t1",
    )  # fmt: skip
    assert [r["id"] for r in api.get("/followups", q="鼓包", status="").json()] == [f.pk]


def test_what_a_person_types_is_cleaned_before_it_is_cut():
    assert query_words("ＷＹ") == ["wy"]  # full-width (IME) letters, any case
    assert query_words("王 阳") == query_words("王阳")
    assert "发动机" in words_of("发动机异响") and "异响" in words_of("发动机异响")
    assert len(query_words("词 " * 100)) <= 12  # a query's words are bounded


def test_the_top_bar_finds_customers_orders_and_complaints_from_one_box(client, agent, center):
    from kefu.customers.tests.factories import make_customer

    make_customer(agent, name="赵六", phones=["13900000009"])
    o = order(agent, "赵六的保养提醒没收到")
    client.force_login(agent)
    page = client.get("/search/", {"q": "赵六"}).content.decode()
    assert "139****0009" in page  # the customer card at once …
    assert 'part=orders" hx-trigger="load"' in page  # … and the lists load by themselves
    orders = client.get("/search/", {"q": "赵六", "part": "orders"}).content.decode()
    assert o.number in orders
    assert client.get("/search/", {"q": "x" * 500}).status_code == 200  # cut, not refused


def test_search_traps_plates_without_province_full_width_spaces_and_case(agent):
    from kefu.customers.selectors import customer_search
    from kefu.customers.tests.factories import make_customer, make_vehicle, valid_vin

    owner = make_customer(agent, name="王阳", phones=["13900000011"])
    make_vehicle(agent, owner, plate="沪CFF0001")
    other = make_customer(agent, name="李雷", phones=["13900000012"])
    make_vehicle(agent, other, plate="沪CF00019", vin=valid_vin("LSVAU2189N2123458"))

    def names(q):
        return [c["name"] for c in customer_search(user=agent, q=q).items]

    assert names("CFF0001") == ["王阳"]  # that plate, not one with similar letters
    assert names("cff0001") == ["王阳"]
    assert names("ｗｙ")[:1] == ["王阳"]  # IME full-width initials
    assert names("王 阳")[:1] == ["王阳"]
    assert names("WANGYANG")[:1] == ["王阳"]


def test_a_query_matching_many_rows_lists_the_newest_first(api, agent, center, monkeypatch):
    """Ranking thousands of matches would cost seconds: past RANK_AT_MOST the newest first."""
    from kefu.core import search

    monkeypatch.setattr(search, "RANK_AT_MOST", 2)
    made = [order(agent, f"异响{'很大' * i}", "异响 异响" if i == 0 else "") for i in range(4)]
    assert numbers(api, "/tickets", q="异响") == [o.number for o in reversed(made)]
