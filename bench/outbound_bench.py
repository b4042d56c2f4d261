"""Outbound work at scale (R-9.3, issue 14) on the benchmark center (`make bench-data`:
1,000,000 customers, about 200,000 of them members or VIPs):

    python bench/outbound_bench.py [--agents 50] [--requests 20] [--database-url …]

Prepares the do-not-call cases once (2% of customers opted out of calls, 5% contacted two
days ago), then times: saving the members-and-VIPs segment (its count), building its call
list with the rules applied (goal ≤ 20 s for 200,000), sharing it among 50 agents (goal
≤ 5 s), an agent's next call and the campaign's results (p50/p95).
"""

from __future__ import annotations

import argparse
import datetime as dt
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


def prepare(lead) -> None:
    """The do-not-call cases, once: opted out and contacted recently."""
    from django.db import connection
    from django.utils import timezone

    from kefu.core.bulk import bulk_insert
    from kefu.interactions.models import Interaction

    if Interaction.objects.filter(created_by=lead).exists():
        return
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("UPDATE customers_customer SET phone_opt_out = true WHERE id % 50 = 7")
    when = timezone.now() - dt.timedelta(days=2)
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM customers_customer WHERE id % 20 = 3")
        ids = [row[0] for row in cur.fetchall()]
    batch = []
    for pk in ids:
        batch.append(Interaction(channel="inbound_call", category="consultation", customer_id=pk,
                                 content="咨询保养", agent=lead, occurred_at=when,
                                 created_by=lead))  # fmt: skip
        if len(batch) == 20_000:
            bulk_insert(Interaction, batch)
            batch = []
    bulk_insert(Interaction, batch)
    print(f"prepared the do-not-call cases in {time.perf_counter() - t:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or database_url()
    ensure_database(url)
    django_setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from kefu.accounts.choices import Role
    from kefu.accounts.models import User
    from kefu.core.services import center_settings
    from kefu.customers.models import Customer
    from kefu.outbound import selectors as sel
    from kefu.outbound import services as svc
    from kefu.outbound.models import CallCampaign, Segment

    svc.sales_scripts_seed()
    lead, _ = User.objects.get_or_create(username="ob_lead", defaults={"role": Role.TEAM_LEAD})
    agents = [User.objects.get_or_create(username=f"ob_agent{i:02}", defaults={
        "role": Role.AGENT, "skill_level": 1 + i % 5, "is_certified": True})[0]
        for i in range(args.agents)]  # fmt: skip
    print(f"{Customer.objects.count():,} customers, {len(agents)} agents")
    prepare(lead)
    CallCampaign.objects.filter(created_by=lead).delete()
    Segment.objects.filter(created_by=lead).delete()
    t = time.perf_counter()
    segment = svc.segment_save(actor=lead, data={"name": "bench 会员与VIP", "filters": [
        {"field": "level", "op": "in", "value": ["member", "vip"]}]})  # fmt: skip
    print(f"segment saved (counted {segment.last_count:,}) in {time.perf_counter() - t:.1f} s")
    today = timezone.localdate()
    campaign = svc.campaign_save(actor=lead, data={
        "name": "bench 续保", "kind": "renewal", "segment_id": segment.pk, "script": "renewal",
        "starts_on": today, "ends_on": today + dt.timedelta(days=30), "hours": "00:00-23:59",
        "agents": [a.username for a in agents]})  # fmt: skip
    t = time.perf_counter()
    built = svc.campaign_build(actor=lead, campaign=campaign)
    print(f"call list of {built['list_size']:,} built in {time.perf_counter() - t:.1f} s "
          f"(goal ≤ 20 s); kept off: {built['excluded']}")  # fmt: skip
    t = time.perf_counter()
    shares = svc.campaign_distribute(actor=lead, campaign=campaign)
    print(f"shared among {len(shares)} agents in {time.perf_counter() - t:.1f} s (goal ≤ 5 s); "
          f"{min(shares.values()):,}–{max(shares.values()):,} each")  # fmt: skip
    svc.campaign_set_status(actor=lead, campaign=campaign, status="active")
    setting = center_settings()
    quiet, setting.quiet_hours = setting.quiet_hours, []
    setting.save(update_fields=["quiet_hours"])
    try:
        timed("an agent's next call", lambda: sel.call_next(user=agents[7]), args.requests)
    finally:
        setting.quiet_hours = quiet
        setting.save(update_fields=["quiet_hours"])
    timed(
        "the campaign's results (50 agents)",
        lambda: sel.campaign_results(user=lead, campaign=campaign),
        max(args.requests // 4, 3),
    )
    timed("results per segment", lambda: sel.segment_results(user=lead), args.requests)


if __name__ == "__main__":
    main()
