"""Automatic QA of call transcripts (R-7.5; issue 12's measure: 10,000 transcripts of
5-minute calls on one core, ≥ 50 transcripts/s).

Each call is five minutes of turns (an agent's sentence, the customer's, 3–9 seconds each,
about 1,500 characters): a greeting or not, the customers' report sentences, forbidden
phrases in some, anger words in some, a silence or an overlap in some, a closing or not.
Two numbers: the scoring alone (the rules against the sentences, what decides the rate) over
all the transcripts, and the whole path — checking, scoring, storing the transcript, the
history row, a flagged call's inspection and the leads' notice — for `--stored` of them.

    python bench/transcripts_bench.py [--calls 10000] [--stored 1000] [--database-url …]
"""

from __future__ import annotations

import argparse
import random
import time

from activity import said
from common import database_url, django_setup, ensure_database

GREETINGS = ["您好，很高兴为您服务，请问有什么可以帮您？", "您好，欢迎致电，请讲。", "喂，说吧。"]
CLOSINGS = ["感谢您的来电，再见。", "祝您生活愉快，再见。", "就这样吧。"]
AGENT = [
    "好的，我帮您登记一下。",
    "请您稍等，我为您查询。",
    "这个我不知道。",
    "这个真不行。",
    "您的车辆在保养期内，可以免费检修。",
    "我马上联系服务顾问给您回电。",
    "没办法，这是规定。",
]
ANGRY = ["你们再不处理我就打12315投诉！", "我要去媒体曝光你们。", "我要找律师起诉你们。"]


def call(rnd: random.Random) -> list[dict]:
    t, out = 0.0, []
    out.append({"speaker": "agent", "start": t, "end": t + 4, "text": rnd.choice(GREETINGS)})
    t += 5
    angry = rnd.random() < 0.1
    while t < 290:
        length = rnd.uniform(3, 9)
        text = said(rnd) + "，" + said(rnd)
        text = text if not angry or rnd.random() > 0.05 else rnd.choice(ANGRY)
        out.append({"speaker": "customer", "start": t, "end": t + length, "text": text})
        t += length + rnd.choice([0.5, 1, 1, 2, 25 if rnd.random() < 0.02 else 1])
        start = t - (3 if rnd.random() < 0.03 else 0)  # now and then the agent talks over
        length = rnd.uniform(3, 9)
        out.append({"speaker": "agent", "start": start, "end": start + length,
                    "text": (rnd.choice(AGENT) if rnd.random() < 0.3 else said(rnd))
                    + "我们会尽快安排服务顾问跟进处理。"})  # fmt: skip
        t = start + length + 1
    out.append({"speaker": "agent", "start": t, "end": t + 4, "text": rnd.choice(CLOSINGS)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--stored", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or database_url()
    ensure_database(url)
    django_setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import transaction
    from django.utils import timezone

    from kefu.accounts.choices import Role
    from kefu.accounts.models import User
    from kefu.interactions.models import Interaction
    from kefu.quality.inspections import form_seed
    from kefu.quality.phrases import phrases_seed
    from kefu.quality.transcripts import (
        _form_items,
        rules_active,
        rules_seed,
        sentences_clean,
        transcript_check,
        transcript_receive,
    )

    phrases_seed()
    form_seed()
    rules_seed()
    rnd = random.Random(20261124)
    calls = [call(rnd) for _ in range(args.calls)]
    chars = sum(len(s["text"]) for c in calls for s in c) / len(calls)
    rules = rules_active()
    _form, items = _form_items()
    transcript_check(sentences_clean(calls[0]), rules, items)  # jieba loads once per process
    started = time.perf_counter()
    flagged = 0
    for sentences in calls:
        flagged += transcript_check(sentences_clean(sentences), rules, items)["flagged"]
    took = time.perf_counter() - started
    print(f"{args.calls} calls of 5 minutes, {chars:.0f} characters and "
          f"{sum(map(len, calls)) / len(calls):.0f} sentences each; {flagged} flagged")  # fmt: skip
    print(f"scoring: {args.calls / took:.0f} transcripts/s on one core ({took:.1f} s)")

    pbx, _ = User.objects.get_or_create(username="bench_pbx", defaults={"role": Role.ADMIN})
    agent, _ = User.objects.get_or_create(username="bench_agent", defaults={"role": Role.AGENT})
    stored = calls[: args.stored]
    run = f"{time.time():.0f}"
    with transaction.atomic():
        for n in range(len(stored)):
            Interaction.objects.create(channel="inbound_call", category="consultation",
                                       agent=agent, call_id=f"B{run}-{n}", content="bench",
                                       occurred_at=timezone.now())  # fmt: skip
    started = time.perf_counter()
    for n, sentences in enumerate(stored):
        transcript_receive(actor=pbx, call_id=f"B{run}-{n}", sentences=sentences, rules=rules)
    took = time.perf_counter() - started
    print(f"received and stored: {len(stored) / took:.0f} transcripts/s ({len(stored)} calls)")


if __name__ == "__main__":
    main()
