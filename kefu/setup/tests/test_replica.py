"""A read replica for reports and exports (issue 15, kefu.core.replica), tested with two
databases on the machine's PostgreSQL: the second is a copy of the first taken at one
moment, so it is "behind" by whatever the primary gets afterwards — which shows which copy
answered."""

from __future__ import annotations

import logging
import types

import psycopg
import pytest
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from kefu.core import replica
from kefu.customers.export import export_customers
from kefu.customers.models import Customer, PiiAccessLog
from kefu.customers.tests.factories import make_customer


def _unpatched_ensure_connection():
    """Django's own `ensure_connection`, from inside the test case's guard around it."""
    guard = BaseDatabaseWrapper.ensure_connection
    cells = [c.cell_contents for c in guard.__closure__ or ()]
    return next((f for f in cells if getattr(f, "__name__", "") == "ensure_connection"), guard)


@pytest.fixture
def replica_db(db):
    """A second database copied from the test database, configured as the replica."""
    if connection.vendor != "postgresql":
        pytest.skip("a read replica is PostgreSQL's (the embedded center has one database)")
    primary = dict(connection.settings_dict)
    name = f"{primary['NAME']}_replica"
    admin = (
        f"host={primary['HOST'] or '127.0.0.1'} port={primary['PORT'] or 5432} "
        f"user={primary['USER'] or 'postgres'} dbname=postgres"
    )

    def make_copy() -> None:
        connections.close_all()  # a template copy needs no one connected to the original
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{name}" TEMPLATE "{primary["NAME"]}"')
        if replica.REPLICA in connections.settings:
            del connections[replica.REPLICA]
        connections.settings[replica.REPLICA] = {**primary, "NAME": name}
        # the test case allows only the databases it was set up with: this one too
        conn = connections[replica.REPLICA]
        conn.ensure_connection = types.MethodType(_unpatched_ensure_connection(), conn)
        replica.replica_forget()

    yield make_copy
    if replica.REPLICA in connections.settings:
        connections[replica.REPLICA].close()
        del connections[replica.REPLICA]
        del connections.settings[replica.REPLICA]
    replica.replica_forget()
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_exports_and_reports_read_the_replica_and_fall_back_when_it_lags_or_is_down(
    replica_db, agent, manager, monkeypatch, caplog, client
):
    make_customer(agent, phones=["13800000501"])
    make_customer(agent, phones=["13800000502"])
    replica_db()  # the replica holds two customers
    make_customer(agent, phones=["13800000503"])  # the primary three

    # an export reads the replica; its log row is written to the primary
    assert export_customers(actor=manager, fmt="csv")[1] == 2
    assert PiiAccessLog.objects.filter(user=manager, action="export").count() == 1
    assert PiiAccessLog.objects.using(replica.REPLICA).count() == 0
    # reads nobody marked stay on the primary
    assert Customer.objects.count() == 3
    # a report's queries go to the replica
    from django.test.utils import CaptureQueriesContext

    from kefu.reports.periods import range_of
    from kefu.reports.selectors import report

    with CaptureQueriesContext(connections[replica.REPLICA]) as on_replica:
        report(user=manager, name="workload", r=range_of("this_month"))
    assert any("reports_dailycount" in q["sql"] for q in on_replica.captured_queries)
    client.force_login(manager)
    assert client.get("/readyz").json()["replica"] == "ok"

    # too far behind: the primary answers, and the operator is told once
    monkeypatch.setattr(replica, "replica_lag", lambda: 120.0)
    replica.replica_forget()
    with caplog.at_level(logging.WARNING, logger="kefu.replica"):
        assert export_customers(actor=manager, fmt="csv")[1] == 3
        assert export_customers(actor=manager, fmt="csv")[1] == 3
    assert [r.getMessage() for r in caplog.records].count(
        "read replica not used, the primary answers: 120 s behind (more than 30 s)"
    ) == 1
    monkeypatch.undo()

    # down (its database gone): the primary answers; /readyz says why, not as a failed check
    replica_db()  # a fresh copy: three customers
    assert export_customers(actor=manager, fmt="csv")[1] == 3
    connections[replica.REPLICA].close()
    connections.settings[replica.REPLICA]["NAME"] += "_gone"
    replica.replica_forget()
    make_customer(agent, phones=["13800000504"])
    assert export_customers(actor=manager, fmt="csv")[1] == 4
    ready = client.get("/readyz").json()
    assert ready["replica"].startswith("passed over: not answering")
    assert "replica" not in ready["checks"]


def test_the_replica_is_never_written_nor_migrated():
    router = replica.ReplicaRouter()
    row = Customer(name="甲")
    row._state.db = replica.REPLICA  # a row read from the replica is saved to the primary
    assert router.db_for_write(Customer, instance=row) == "default"
    assert router.allow_migrate(replica.REPLICA, "customers") is False
    assert router.allow_migrate("default", "customers") is None
    # with no replica configured, marked reads use the primary
    with replica.replica_reading():
        assert router.db_for_read(Customer) is None
