"""The query counts docs/performance.md promises for the hot paths, pinned: the screen pop,
the one-box search, the workbench and the customer page. Each is asked with little and with
more data, so a query per row (N+1) fails here even where the bound still holds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kefu.accounts.models import Department
from kefu.complaints.services import complaint_create
from kefu.customers.tests.factories import make_customer, make_vehicle, valid_vin
from kefu.interactions.services import interaction_log
from kefu.setup.services import preset_load
from kefu.tickets.services import work_order_create

pytestmark = pytest.mark.django_db

# The bounds written in docs/performance.md ("Query budgets").
# An API call reads its token's user fresh (a changed role applies at once): one query.
SCREEN_POP = 6  # user; customer, phones with tags, assets, files, activity (one UNION ALL)
SEARCH = 5  # user; one match tier, then the cards: customers, phones, vehicles
WORKBENCH = 13  # session, user; follow-ups, callbacks, orders (+ urges), complaints with counts; …
CUSTOMER_PAGE = 15  # session, user, inbox count, detail, profile questions, one per timeline
# source, the membership and the club's levels


@pytest.fixture
def center(agent):
    Department.objects.create(code="service", name="售后服务部")
    preset_load(code="auto")
    return agent


def grow(agent, customer, n: int) -> None:
    """n more of everything the pages list for this customer and this agent."""
    base = 20 + n * 10
    for i in range(n):
        make_vehicle(agent, customer, vin=valid_vin(f"LSVAU2189N2{base + i:06d}"), plate="")
        interaction_log(
            actor=agent,
            data={
                "customer_id": customer.pk,
                "channel": "inbound_call",
                "category": "consultation",
                "content": f"咨询 {i}",
                "callback_due_at": (timezone.now() + dt.timedelta(hours=1)).isoformat(),
            },
        )
        work_order_create(
            actor=agent,
            data={
                "category": "fault",
                "department": "service",
                "title": f"报修 {i}",
                "customer_id": customer.pk,
            },
        )
        complaint_create(actor=agent, data={"customer_id": customer.pk, "content": f"投诉 {i}"})
        make_customer(
            agent, name=f"王{'一二三四五六七八九十'[i]}", phones=[f"1390000{base + i:04d}"]
        )


def counted(django_assert_max_num_queries, bound: int, call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_assert_max_num_queries(bound), CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "bound"),
    [
        ("screen_pop", SCREEN_POP),
        ("search", SEARCH),
        ("workbench", WORKBENCH),
        ("customer_page", CUSTOMER_PAGE),
    ],
)
def test_hot_paths_stay_within_their_query_budget_as_rows_grow(
    name, bound, center, api, django_assert_max_num_queries
):
    agent = center
    customer = make_customer(agent, name="王小明", phones=["13912340000"])
    web = Client()
    web.force_login(agent)
    calls = {
        "screen_pop": lambda: api.get("/customers/lookup", phone="13912340000"),
        "search": lambda: api.get("/customers/search", q="王"),
        "workbench": lambda: web.get("/"),
        "customer_page": lambda: web.get(f"/customers/{customer.pk}/"),
    }
    grow(agent, customer, 1)
    calls[name]()  # warm: the token check is cached per process after the first call
    few = counted(django_assert_max_num_queries, bound, calls[name])
    grow(agent, customer, 4)
    more = counted(django_assert_max_num_queries, bound, calls[name])
    assert more == few, f"{name}: {few} queries with few rows, {more} with more (a query per row)"
