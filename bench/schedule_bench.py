"""A day's schedule (R-5, R-6) on the benchmark center: follow-up rules, birthday greetings,
service reminders — timed on PostgreSQL for a day with due items, the same day rerun
(idempotent: nothing new), and a day with nothing due (what the archive size alone costs).

    python bench/schedule_bench.py [--database-url postgres://…/kefu_bench] [--day 2026-12-01]

Run it on the 1M center and on the 10k center (`make bench-data BENCH_SIZE=10000
BENCH_URL=…/kefu_bench_10k`) to compare: the cost follows the day's due items.
The first run adds service dates to the vehicles and delivery events for the last two
months (idempotent), as a DMS import would have.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from common import database_url, django_setup


def prepare() -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("preset_load", "auto")
    with connection.cursor() as cur:
        # Service dates spread over the coming year, as a DMS export would bring them.
        cur.execute(
            """
            UPDATE customers_asset SET
              next_maintenance_on = DATE '2026-11-22' + (id % 365)::int,
              inspection_due_on = DATE '2026-11-22' + ((id * 7) % 365)::int,
              insurance_expires_on = DATE '2026-11-22' + ((id * 13) % 365)::int,
              vehicle_tax_due_on = DATE '2026-11-22' + ((id * 13) % 365)::int
            WHERE next_maintenance_on IS NULL AND kind = 'vehicle'
            """
        )
        # Delivery events of the last two months (the level-2 sample reads last month's).
        cur.execute(
            """
            INSERT INTO followups_lifecycleevent
              (type, customer_id, asset_id, occurred_at, attributes, key, created_at)
            SELECT 'delivery', a.customer_id, a.id, a.delivered_on + TIME '10:00', '{}',
                   'bench:delivery:' || a.id, now()
            FROM customers_asset a
            WHERE a.delivered_on >= DATE '2026-10-01' AND a.delivered_on < DATE '2026-12-01'
            ON CONFLICT (key) DO NOTHING
            """
        )
        cur.execute("ANALYZE customers_asset; ANALYZE followups_lifecycleevent")


def timed(label: str, function, *args) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = function(*args)
    seconds = time.perf_counter() - t0
    print(f"  {label:<44} {seconds:8.2f} s   {result}")
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--day", default="2026-12-01")
    parser.add_argument("--quiet-day", default="2026-12-10")
    parser.add_argument(
        "--holiday-eve",
        default="",
        help="also time a holiday greeting to every customer, e.g. 2026-12-31 (元旦)",
    )
    args = parser.parse_args()
    django_setup(args.database_url or database_url("kefu_bench"))
    from kefu.care.models import Campaign, Message
    from kefu.care.services import campaigns_expand, care_run
    from kefu.customers.models import Customer
    from kefu.followups.models import FollowUp
    from kefu.followups.services import schedule_day

    prepare()
    day, quiet = dt.date.fromisoformat(args.day), dt.date.fromisoformat(args.quiet_day)
    print(f"archive: {Customer.objects.count():,} customers")
    # start clean so the first run does the full day's work
    Message.objects.filter(scheduled_for__date__in=[day, quiet]).delete()
    FollowUp.objects.filter(rule__trigger="monthly", due_on=day).delete()
    print(f"day {day} (first week of the month: level-2 sample, birthdays, reminders):")
    t_follow, n_follow = timed("follow-up rules (schedule_day)", schedule_day, day)
    t_care, n_care = timed("care: birthdays + service reminders", care_run, day)
    print(f"  {'whole day':<44} {t_follow + t_care:8.2f} s   {n_follow + n_care:,} due items")
    timed("rerun of the same day (adds nothing)", lambda: schedule_day(day) + care_run(day))
    print(f"day {quiet} (rules with nothing due but birthdays and reminders):")
    # a day with no periodic rule due: what remains is birthdays and reminders only
    t_q, n_q = timed("follow-up rules (schedule_day)", schedule_day, quiet)
    t_c, n_c = timed("care: birthdays + service reminders", care_run, quiet)
    print(f"  {'whole day':<44} {t_q + t_c:8.2f} s   {n_q + n_c:,} due items")
    if args.holiday_eve:
        eve = dt.date.fromisoformat(args.holiday_eve)
        Message.objects.filter(scheduled_for__date=eve).delete()
        Campaign.objects.filter(scheduled_for__date=eve).delete()
        print(f"day {eve} (a holiday greeting to every customer):")
        timed("care: birthdays, reminders, the greeting campaign", care_run, eve)
        at = dt.datetime.combine(eve, dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=8)))
        seconds, made = timed(
            "sender: expanding the campaign (all of it)",
            lambda: campaigns_expand(at, 5000, 10**9),
        )
        print(f"  {'expansion rate':<44} {made / seconds:8.0f} messages/s")
    for label, seconds, items in (
        (day, t_follow + t_care, n_follow + n_care),
        (quiet, t_q + t_c, n_q + n_c),
    ):
        print(f"cost per due item on {label}: {seconds / max(items, 1) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
