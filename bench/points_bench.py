"""Performance points at scale (R-8.3; issue 13's measure: a year's points for 200 agents in
≤ 10 s), over the raw records of the benchmark center (`make bench-data`, then
`bench/activity.py`: follow-ups, complaints, work orders, contacts).

    python bench/points_bench.py [--agents 200] [--database-url postgres://…/kefu_bench]

Gives the follow-ups' owners to `--agents` agents (round robin, once), marks a share of the
customers verified by them, then times `points_compute` for each month of a year and the
year's bonus table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from decimal import Decimal

from common import database_url, django_setup, ensure_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--followups", type=int, default=3_000_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or database_url()
    ensure_database(url)
    django_setup(url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from kefu.accounts.choices import Role
    from kefu.accounts.models import User
    from kefu.followups.models import FollowUp
    from kefu.reports.models import PointEntry
    from kefu.reports.points import bonus_year, points_compute, rules_seed

    rules_seed()
    agents = []
    for n in range(args.agents):
        user, _ = User.objects.get_or_create(username=f"pb_agent{n}", defaults={
            "role": Role.AGENT, "date_joined": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)})  # fmt: skip
        agents.append(user.pk)
    with connection.cursor() as cur:
        ids = "ARRAY[" + ",".join(map(str, agents)) + "]"
        cur.execute(f"""UPDATE followups_followup SET owner_id = ({ids})[1 + id % {len(agents)}]
                        WHERE owner_id IS NULL OR owner_id <> ALL({ids})""")  # fmt: skip
        n = len(agents)
        cur.execute(f"""UPDATE customers_customer SET verified_by_id = ({ids})[1 + id % {n}],
                        verified_at = '2026-01-01'::timestamptz + (id % 330) * interval '1 day'
                        WHERE verified_by_id IS NULL AND id % 4 = 0""")  # fmt: skip
        # grow the follow-ups to `--followups` (issue 13's 3 million over three years): the
        # added ones done, spread over the last year, one family in five a 7DC
        cur.execute("SELECT count(*) FROM followups_followup")
        have = cur.fetchone()[0]
        if have < args.followups:
            cur.execute(f"""
                INSERT INTO followups_followup (kind, source_key, channel, due_on, due_by,
                    status, result, answers, note, done_at, created_at, owner_id, family,
                    search_words)
                SELECT 'rule', 'pb:' || g, 'phone', d, d + 2, 'done', 'satisfied', '{{}}', '',
                       d + interval '1 day 10 hours', now(), ({ids})[1 + g %% {n}],
                       CASE WHEN g %% 5 = 0 THEN '7DC' ELSE '1M' END, ''
                FROM generate_series(1, %s) g,
                     LATERAL (SELECT '2025-11-24'::date + (g %% 365) AS d) day""",
                        [args.followups - have])  # fmt: skip
            cur.execute("ANALYZE followups_followup")
    lead, _ = User.objects.get_or_create(username="pb_lead", defaults={"role": Role.MANAGER})
    print(f"{FollowUp.objects.count():,} follow-ups, {len(agents)} agents")
    today = dt.date(2026, 11, 23)
    started = time.perf_counter()
    made = 0
    for k in range(12):
        index = 2025 * 12 + 11 + k  # December 2025 … November 2026
        month = dt.date(index // 12, index % 12 + 1, 1)
        t = time.perf_counter()
        n = points_compute(month, today=today)
        made += n
        print(f"  {month:%Y-%m}: {n:5} entries in {time.perf_counter() - t:5.2f} s")
    print(f"a year's points for {len(agents)} agents: {time.perf_counter() - started:.1f} s "
          f"({made:,} entries, {PointEntry.objects.count():,} kept)")  # fmt: skip
    t = time.perf_counter()
    rows = bonus_year(user=lead, year=2026, pool=Decimal(1_000_000))
    print(f"the year's bonus table ({len(rows)} agents): {(time.perf_counter() - t) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
