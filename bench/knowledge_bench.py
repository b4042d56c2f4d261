"""Knowledge-base search (R-7.2; issue 12's measure: p95 ≤ 20 ms with 20,000 articles).

Loads 20,000 published articles (questions made of a car's part, a symptom and a moment —
"高速行驶时方向盘抖动怎么办？" — answers of about 150 characters, two or three tags), then
times, in-process, what the API does for one request minus HTTP: the selector and the
payload of the first 20 rows. Four kinds of search: two Chinese words, a word's full pinyin,
a word's initials with a Chinese word, a tag; and the suggestions for 100 characters an agent
has typed (keywords searched one by one).

    python bench/knowledge_bench.py [--articles 20000] [--requests 300] [--database-url …]
"""

from __future__ import annotations

import argparse
import random
import time

from activity import PARTS, SYMPTOMS, WHEN, said
from common import database_url, django_setup, ensure_database, percentiles

ANSWERS = ["很抱歉给您带来不便，", "您好，", "感谢您的耐心，"]
STEPS = [
    "我为您预约最近的到店检查时间，",
    "请您先确认相关设置是否打开，",
    "技师会重点检查相关部件，",
    "如在保修期内可免费维修，",
    "服务顾问会在24小时内与您联系，",
    "检查结果出来后我们会第一时间告知您，",
]


def load(n: int, rnd: random.Random) -> None:
    from django.db import transaction
    from django.utils import timezone

    from kefu.accounts.choices import Role
    from kefu.accounts.models import User
    from kefu.core.search import words_of
    from kefu.knowledge.models import Article
    from kefu.knowledge.services import pinyin_words

    have = Article.objects.count()
    if have >= n:
        return
    author, _ = User.objects.get_or_create(username="bench_writer", defaults={"role": Role.AGENT})
    now = timezone.now()
    batch = []
    for k in range(have, n):
        part, symptom, when = rnd.choice(PARTS), rnd.choice(SYMPTOMS), rnd.choice(WHEN)
        question = f"{when}{part}{symptom}怎么办？（{k}）"
        answer = rnd.choice(ANSWERS) + "".join(rnd.sample(STEPS, 4)) + said(rnd) + "。"
        tags = " ".join(dict.fromkeys([part, symptom, rnd.choice(PARTS)]))
        a = Article(question=question, answer=answer, tags=tags, author=author,
                    category=rnd.choice(["consultation", "repair", "complaint"]),
                    status="published", version=1, reviewed_at=now, approved_at=now,
                    uses=rnd.randint(0, 500))  # fmt: skip
        a.pinyin = pinyin_words(question, tags)
        a.search_words = words_of(question, answer, tags, a.pinyin)
        batch.append(a)
        if len(batch) == 2000:
            with transaction.atomic():
                Article.objects.bulk_create(batch)
            batch = []
    with transaction.atomic():
        Article.objects.bulk_create(batch)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or database_url()
    ensure_database(url)
    django_setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection
    from pypinyin import lazy_pinyin

    from kefu.accounts.choices import Role
    from kefu.accounts.models import User
    from kefu.knowledge.presenters import article_payload
    from kefu.knowledge.selectors import articles_search, articles_suggest

    rnd = random.Random(20261124)
    started = time.perf_counter()
    load(args.articles, rnd)
    print(f"{args.articles} articles ready in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE knowledge_article")
    agent, _ = User.objects.get_or_create(username="bench_reader", defaults={"role": Role.AGENT})

    def pinyin(word: str) -> str:
        return "".join(lazy_pinyin(word))

    kinds = {
        "two words": lambda: f"{rnd.choice(PARTS)} {rnd.choice(SYMPTOMS)}",
        "pinyin": lambda: pinyin(rnd.choice(PARTS)),
        "initials+word": lambda: (
            "".join(s[0] for s in lazy_pinyin(rnd.choice(PARTS))) + " " + rnd.choice(SYMPTOMS)
        ),
        "tag": lambda: rnd.choice(PARTS),
    }
    for kind, query in kinds.items():
        samples, rows = [], 0
        for _ in range(args.requests):
            q = query()
            t = time.perf_counter()
            found = [article_payload(a) for a in articles_search(user=agent, q=q)[:20]]
            samples.append((time.perf_counter() - t) * 1000)
            rows += len(found)
        p = percentiles(samples)
        print(f"search {kind:14} p50 {p['p50']:6.1f} ms  p95 {p['p95']:6.1f} ms  "
              f"p99 {p['p99']:6.1f} ms  ({rows / args.requests:.0f} rows)")  # fmt: skip
    samples = []
    for _ in range(args.requests):
        text = "客户来电说" + said(rnd) + "，" + said(rnd) + "，" + said(rnd)
        t = time.perf_counter()
        found = [article_payload(a) for a in articles_suggest(user=agent, category="repair",
                                                              text=text[:100])]  # fmt: skip
        samples.append((time.perf_counter() - t) * 1000)
    p = percentiles(samples)
    print(f"suggest (100 chars)   p50 {p['p50']:6.1f} ms  p95 {p['p95']:6.1f} ms  "
          f"p99 {p['p99']:6.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
