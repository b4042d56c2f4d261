"""Load a realistic benchmark center into PostgreSQL: N customers with Chinese names drawn
from real surname frequencies, 1.2 phones and one vehicle each.

    python bench/generate.py --customers 1000000 [--database-url postgres://…/kefu_bench]

Rows are written with COPY (the archive of a center that migrated from its DMS); the search
keys are computed by the same functions the services use. History rows are not generated:
searches never read them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from common import database_url, django_setup, ensure_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    url = args.database_url or database_url()
    ensure_database(url)
    django_setup(url)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM customers_customer")
        if cur.fetchone()[0]:
            print("benchmark database already loaded; drop it to regenerate")
            return
    call_command("preset_load", "auto")
    agents = make_users()
    started = time.perf_counter()
    load(args.customers, args.seed, agents)
    print(f"loaded {args.customers:,} customers in {time.perf_counter() - started:.1f}s")


def make_users() -> list[int]:
    from kefu.accounts.choices import Role
    from kefu.accounts.models import User

    User.objects.get_or_create(
        username="bench", defaults={"role": Role.MANAGER, "is_superuser": True}
    )
    ids = []
    for i in range(1, 21):
        user, _ = User.objects.get_or_create(
            username=f"agent{i}",
            defaults={"role": Role.AGENT, "skill_level": 1 + i % 5, "is_certified": True},
        )
        ids.append(user.pk)
    return ids


def load(count: int, seed: int, agents: list[int]) -> None:
    from django.conf import settings
    from django.db import connection

    from kefu.customers.demo import Faker
    from kefu.customers.inputs import birthday_key
    from kefu.customers.validation import name_keys

    faker = Faker(seed)
    today = dt.date(2026, 11, 22)
    now = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC)
    prefix, width = settings.KEFU["CUSTOMER_NUMBER_PREFIX"], settings.KEFU["CUSTOMER_NUMBER_DIGITS"]
    keys: dict[str, tuple[str, str]] = {}
    customer_cols = (
        "id",
        "number",
        "name",
        "name_pinyin",
        "name_initials",
        "gender",
        "kind",
        "id_number",
        "birthday",
        "birthday_calendar",
        "birthday_key",
        "address",
        "email",
        "source",
        "level",
        "status",
        "owner_id",
        "assigned_at",
        "sms_opt_out",
        "phone_opt_out",
        "notes",
        "extra",
        "verification",
        "created_at",
        "updated_at",
    )
    phone_cols = ("customer_id", "number", "last4", "kind", "is_primary")
    asset_cols = (
        "customer_id",
        "kind",
        "status",
        "reference_no",
        "model",
        "vin",
        "vin_last6",
        "plate",
        "delivered_on",
        "secondary_outlet",
        "salesperson",
        "last_repair_on",
        "building",
        "room",
        "category",
        "extra",
        "created_at",
        "updated_at",
    )
    connection.ensure_connection()
    raw = connection.connection  # the psycopg connection under Django (autocommit)
    batch = 50_000
    with raw.cursor() as cur:
        for start in range(0, count, batch):
            rows_c, rows_p, rows_a = [], [], []
            for i, cu in enumerate(
                faker.customers(min(batch, count - start), today, start), start=start + 1
            ):
                if cu.name not in keys:
                    keys[cu.name] = name_keys(cu.name)
                pinyin, initials = keys[cu.name]
                rows_c.append(
                    (
                        i,
                        f"{prefix}{i:0{width}d}",
                        cu.name,
                        pinyin,
                        initials,
                        cu.gender,
                        "person",
                        cu.id_number,
                        cu.birthday,
                        "solar",
                        birthday_key(cu.birthday, "solar"),
                        cu.address,
                        "",
                        cu.source,
                        cu.level,
                        "active",
                        agents[i % len(agents)],
                        now,
                        False,
                        False,
                        "",
                        "{}",
                        "unverified",
                        now,
                        now,
                    )
                )
                for j, phone in enumerate(cu.phones):
                    kind = "mobile" if phone.startswith("1") else "landline"
                    rows_p.append((i, phone, phone[-4:], kind, j == 0))
                rows_a.append(
                    (
                        i,
                        "vehicle",
                        "active",
                        "",
                        cu.model,
                        cu.vin,
                        cu.vin[-6:],
                        cu.plate,
                        cu.delivered_on,
                        False,
                        "",
                        cu.last_repair_on,
                        "",
                        "",
                        "",
                        "{}",
                        now,
                        now,
                    )
                )
            copy(cur, "customers_customer", customer_cols, rows_c)
            copy(cur, "customers_customerphone", phone_cols, rows_p)
            copy(cur, "customers_asset", asset_cols, rows_a)
            raw.commit()
            print(f"  {start + len(rows_c):,} customers", flush=True)
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('customers_customer', 'id'), %s)", [count]
        )
        cur.execute(
            "INSERT INTO core_counter (name, value) VALUES ('customer', %s) "
            "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
            [count],
        )
        raw.commit()
        for table in ("customers_customer", "customers_customerphone", "customers_asset"):
            cur.execute(f"VACUUM ANALYZE {table}")


def copy(cur, table: str, cols: tuple[str, ...], rows: list[tuple]) -> None:
    with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


if __name__ == "__main__":
    main()
