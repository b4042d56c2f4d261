"""Customer numbers under concurrent creation (R-1.1): unique and gap-free."""

import threading

import pytest
from django.db import connection, connections

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.customers.models import Customer
from kefu.customers.services import customer_create


@pytest.mark.django_db(transaction=True)
def test_parallel_creates_get_distinct_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database is not shared between threads")
    user = UserFactory(username="lead", role=Role.TEAM_LEAD)
    errors = []

    def work(offset):
        try:
            for i in range(5):
                customer_create(
                    actor=user,
                    data={"name": "并发", "phones": [f"1370000{offset}{i:03d}"]},
                    assign=False,
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(int(n[2:]) for n in Customer.objects.values_list("number", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + 20))
