"""Import throughput (R-1.8): a 100,000-row CSV through the real import path on PostgreSQL.

    python bench/import_bench.py [--rows 100000] [--database-url postgres://…/kefu_bench_import]

The database is emptied of customers first; the run includes validation, duplicate
detection against the archive, customer numbers, balanced assignment, pinyin keys, phones,
vehicles and the history rows of each.
"""

from __future__ import annotations

import argparse
import time

from common import database_url, django_setup, ensure_database


def make_csv(rows: int) -> bytes:
    import datetime as dt

    from kefu.customers.demo import fake_customers_csv

    return fake_customers_csv(rows, seed=99, today=dt.date(2026, 11, 22), start=2_000_000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or database_url("kefu_bench_import")
    ensure_database(url)
    django_setup(url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("preset_load", "auto")
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE customers_customer, customers_customerphone, customers_asset, "
            "customers_historicalcustomer, customers_historicalcustomerphone, "
            "customers_historicalasset, customers_customer_tags CASCADE"
        )
    from kefu.accounts.choices import Role
    from kefu.accounts.models import User
    from kefu.customers.transfer import import_customers

    manager, _ = User.objects.get_or_create(username="bench", defaults={"role": Role.MANAGER})
    for i in range(1, 21):
        User.objects.get_or_create(username=f"agent{i}", defaults={"role": Role.AGENT})
    content = make_csv(args.rows)
    print(f"CSV: {args.rows:,} rows, {len(content) / 1e6:.1f} MB")
    t0 = time.perf_counter()
    report = import_customers(actor=manager, filename="bench.csv", content=content, dry_run=True)
    dry = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = import_customers(actor=manager, filename="bench.csv", content=content, dry_run=False)
    real = time.perf_counter() - t0
    print(
        f"dry run {dry:.1f}s; import {real:.1f}s: {report.status}, {report.created:,} created,"
        f" {len(report.errors)} errors, {len(report.duplicates)} duplicates"
    )


if __name__ == "__main__":
    main()
