"""Customer analysis at scale (R-8.2): the daily job's standings of every customer, the day's
group counts, and the churn lists and reports a manager opens, on the benchmark center
(`make bench-data`: 1,000,000 customers with a vehicle each; `bench/activity.py` adds
complaints and events).

    python bench/customers_bench.py [--requests 20] [--database-url postgres://…/kefu_bench]

Prints the job's time (standings in batches of 5,000, then the RFM segments, then the
counts) and p50/p95 of: the customer groups report and the loyalty report for a month, a
churn list's first page and a page deep in it, and the churn rules with their counts.
"""

from __future__ import annotations

import argparse
import time

from common import database_url, django_setup, ensure_database, percentiles


def timed(label: str, fn, requests: int) -> None:
    samples = []
    for _ in range(requests):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    p = percentiles(samples)
    print(f"{label:40} p50 {p['p50']:8.1f} ms  p95 {p['p95']:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--skip-job", action="store_true", help="keep the standings there")
    args = parser.parse_args()
    url = args.database_url or database_url()
    ensure_database(url)
    django_setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from kefu.accounts.choices import Role
    from kefu.accounts.models import User
    from kefu.customers.models import Customer
    from kefu.reports import analysis, churn
    from kefu.reports.periods import range_of
    from kefu.reports.selectors import report

    churn.churn_rules_seed("auto")
    lead, _ = User.objects.get_or_create(username="rb_lead", defaults={"role": Role.TEAM_LEAD})
    print(f"{Customer.objects.count():,} customers")
    if not args.skip_job:
        t = time.perf_counter()
        n = analysis.standings_rebuild()
        standings = time.perf_counter() - t
        t = time.perf_counter()
        analysis.snapshot()
        counts = time.perf_counter() - t
        print(f"daily job: standings of {n:,} customers {standings:.1f} s, "
              f"group counts {counts:.1f} s")  # fmt: skip
    month = range_of("this_month")
    timed("customers report, this month", lambda: report(user=lead, name="customers", r=month),
          args.requests)  # fmt: skip
    timed("loyalty report, this month", lambda: report(user=lead, name="loyalty", r=month),
          args.requests)  # fmt: skip
    timed("churn rules with counts", lambda: churn.churn_rules(user=lead), args.requests)
    for code in ("no-visit-6m", "after-complaint"):
        timed(f"churn list {code}, first page",
              lambda c=code: churn.churn_list(user=lead, code=c), args.requests)  # fmt: skip
        timed(f"churn list {code}, page 200",
              lambda c=code: churn.churn_list(user=lead, code=c, offset=10_000),
              args.requests)  # fmt: skip


if __name__ == "__main__":
    main()
