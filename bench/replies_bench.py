"""Satisfaction by SMS reply at scale (R-9.4, issue 14) on the benchmark center (`make
bench-data`: 1,000,000 customers):

    python bench/replies_bench.py [--replies 10000] [--database-url …]

Makes 12,000 pending 3DC follow-ups for customers with a mobile, then times the hourly run
that sends their surveys, and the matching of 10,000 replies pushed in callbacks of 1,000
(goal ≤ 10 s in all): 85% score 4–5, 8% score 3, 3% score 1–2 (each raises its work order
in the owner's name), 2% TD (opt-out), 2% words nobody waits for.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from common import database_url, django_setup, ensure_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or database_url()
    ensure_database(url)
    django_setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection
    from django.utils import timezone

    from kefu.accounts.choices import Role
    from kefu.accounts.models import Department, User
    from kefu.care import surveys
    from kefu.care.inbound import Reply
    from kefu.care.models import MessageTemplate, SurveyRule
    from kefu.core.bulk import bulk_insert
    from kefu.core.services import center_settings
    from kefu.followups.models import FollowUp

    run = int(time.time())
    agent, _ = User.objects.get_or_create(username="sms_agent", defaults={"role": Role.AGENT})
    dept, _ = Department.objects.get_or_create(code="service", defaults={"name": "售后服务部"})
    setting = center_settings()
    if setting.repair_department_id is None:
        setting.repair_department = dept
        setting.save(update_fields=["repair_department"])
    body = "【{center}】{name}您好，请回复1–5为本次服务评分。回复TD退订"
    template, _ = MessageTemplate.objects.get_or_create(
        code="survey", defaults={"name": "短信满意度调查", "body": body}
    )
    SurveyRule.objects.filter(active=True).update(active=False)
    rule, _ = SurveyRule.objects.update_or_create(code="bench-3dc", defaults={
        "name": "bench 3DC", "followup_kind": "rule", "family": "3DC", "template": template,
        "active": True})  # fmt: skip
    size = args.replies * 6 // 5
    with connection.cursor() as cur:
        cur.execute(
            """SELECT DISTINCT ON (p.customer_id) p.customer_id, p.number
               FROM customers_customerphone p JOIN customers_customer c ON c.id = p.customer_id
               WHERE p.kind = 'mobile' AND c.status = 'active' AND NOT c.sms_opt_out
                 AND p.customer_id %% 7 = %s
               ORDER BY p.customer_id LIMIT %s""",
            [run % 7, size],
        )
        people = cur.fetchall()
    today = timezone.localdate()
    t = time.perf_counter()
    bulk_insert(FollowUp, [
        FollowUp(kind="rule", family="3DC", source_key=f"bench-sms:{run}:{cid}", customer_id=cid,
                 owner=agent, due_on=today, due_by=today + dt.timedelta(days=2))
        for cid, _n in people])  # fmt: skip
    print(f"{len(people):,} pending 3DC follow-ups made in {time.perf_counter() - t:.1f} s")
    now = timezone.now()
    t = time.perf_counter()
    sent = surveys.surveys_send(now, limit=size)
    print(f"{sent:,} surveys queued in {time.perf_counter() - t:.1f} s")
    rng = random.Random(run)
    replies = []
    for n, (_cid, number) in enumerate(people[: args.replies]):
        roll = rng.random()
        text = (str(rng.choice([4, 5])) if roll < 0.85 else "3" if roll < 0.93
                else str(rng.choice([1, 2])) if roll < 0.96 else "TD" if roll < 0.98
                else "你们几点下班")  # fmt: skip
        replies.append(Reply("bench", f"{run}-{n}", number, text,
                             now + dt.timedelta(minutes=5 + n % 600)))  # fmt: skip
    counts: dict[str, int] = {}
    t = time.perf_counter()
    for start in range(0, len(replies), 1000):
        for k, v in surveys.replies_receive(replies[start : start + 1000]).items():
            counts[k] = counts.get(k, 0) + v
    took = time.perf_counter() - t
    print(f"{len(replies):,} replies matched and recorded in {took:.1f} s (goal ≤ 10 s): {counts}")
    rule.active = False
    rule.save(update_fields=["active"])


if __name__ == "__main__":
    main()
