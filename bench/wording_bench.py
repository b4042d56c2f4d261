"""Forbidden-phrase check of agents' notes (R-7.2; issue 12's measure: a 500-character note
p95 ≤ 5 ms). Notes are made of customers' report sentences with a forbidden phrase in one of
three; each check includes the query that notices a changed list.

    python bench/wording_bench.py [--notes 2000] [--database-url postgres://…/kefu_bench]
"""

from __future__ import annotations

import argparse
import random
import time

from activity import said
from common import database_url, django_setup, ensure_database, percentiles

PHRASED = ["这个我也不知道", "没办法", "这个不行", "你自己看说明书", "这是规定"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or database_url()
    ensure_database(url)
    django_setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from kefu.quality.phrases import phrases_found, phrases_seed

    phrases_seed()
    rnd = random.Random(20261124)
    notes = []
    for i in range(args.notes):
        text = ""
        while len(text) < 500:
            text += said(rnd) + "。"
            if i % 3 == 0 and len(text) > 250 and not any(p in text for p in PHRASED):
                text += rnd.choice(PHRASED) + "。"
        notes.append(text[:500])
    phrases_found(notes[0])  # jieba's dictionary loads once per process
    samples, hits = [], 0
    for note in notes:
        started = time.perf_counter()
        hits += bool(phrases_found(note))
        samples.append((time.perf_counter() - started) * 1000)
    p = percentiles(samples)
    print(f"{args.notes} notes of 500 characters, {hits} with a forbidden phrase")
    print(f"check p50 {p['p50']:.2f} ms, p95 {p['p95']:.2f} ms, p99 {p['p99']:.2f} ms")


if __name__ == "__main__":
    main()
