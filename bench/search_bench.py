"""Search and screen-pop latency over the HTTP API with a real server (R-1.5, R-1.6).

    python bench/search_bench.py [--database-url postgres://…/kefu_bench] [--requests 300]

For each search kind it prints p50/p95/p99 of our API (client-side, keep-alive, one
request at a time), next to (a) the lookup as Django admin and most Django CRMs do it, an
`icontains` OR across the fields, run in-process through the ORM (no HTTP cost, so the
comparison flatters it), and (b) the floor: the single indexed SQL query through psycopg.
Keys are sampled from the data, so every one exists.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import time
from urllib.parse import quote

from common import ROOT, database_url, django_setup, percentiles

KINDS = [
    "name",
    "pinyin",
    "initials",
    "phone",
    "phone_last4",
    "number",
    "vin",
    "vin_last6",
    "plate",
    "id_number",
]


def sample_keys(n: int, seed: int = 1) -> dict[str, list[str]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT max(id) FROM customers_customer")
        top = cur.fetchone()[0]
        rng = random.Random(seed)
        ids = rng.sample(range(1, top + 1), min(n, top))
        cur.execute(
            "SELECT c.id, c.name, c.name_pinyin, c.name_initials, c.number, c.id_number, "
            "p.number, a.vin, a.plate FROM customers_customer c "
            "JOIN customers_customerphone p ON p.customer_id = c.id AND p.is_primary "
            "JOIN customers_asset a ON a.customer_id = c.id WHERE c.id = ANY(%s)",
            [ids],
        )
        rows = cur.fetchall()
    keys: dict[str, list[str]] = {k: [] for k in KINDS}
    for _, name, pinyin, initials, number, ident, phone, vin, plate in rows:
        keys["name"].append(name)
        keys["pinyin"].append(pinyin)
        keys["initials"].append(initials)
        keys["phone"].append(phone)
        keys["phone_last4"].append(phone[-4:])
        keys["number"].append(number)
        keys["vin"].append(vin)
        keys["vin_last6"].append(vin[-6:])
        keys["plate"].append(plate)
        if ident:
            keys["id_number"].append(ident)
    keys["screen_pop"] = keys["phone"]
    return keys


SEARCH_TABLES = [
    "customers_customer",
    "customers_customerphone",
    "customers_asset",
    "accounts_apitoken",
    "accounts_user",
]


def prewarm(url: str) -> str:
    """Load the searched tables and their indexes into shared_buffers, as a running center's
    cache holds them; returns the server's shared_buffers for the report."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        size = conn.execute("SHOW shared_buffers").fetchone()[0]
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        except psycopg.Error as exc:
            return f"{size} (no pg_prewarm: {exc.diag.message_primary})"
        conn.execute(
            "SELECT pg_prewarm(c.oid) FROM pg_class c WHERE c.relname = ANY(%s) OR c.oid IN "
            "(SELECT indexrelid FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(%s))",
            [SEARCH_TABLES, SEARCH_TABLES],
        )
    return size


def start_server(url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "KEFU_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    }
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/kefu"), "serve", "--port", str(port), "--threads", "4"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def http_latencies(port: int, token: str, paths: list[str]) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"}
    out = []
    for path in paths:
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        out.append((time.perf_counter() - t0) * 1000)
        if resp.status != 200:
            raise SystemExit(f"{path}: {resp.status} {body[:200]!r}")
        data = json.loads(body)
        if "count" in data and data["count"] == 0:
            raise SystemExit(f"{path}: found nothing for a key sampled from the data")
    return out


def api_path(kind: str, key: str) -> str:
    if kind == "screen_pop":
        return f"/api/v1/customers/lookup?phone={quote(key)}"
    return f"/api/v1/customers/search?q={quote(key)}"


FLOOR_SQL = {
    "name": (
        "SELECT id FROM customers_customer WHERE name >= %s AND name < %s || chr(1114111) "
        "AND status = 'active' ORDER BY name, id LIMIT 20",
        2,
    ),
    "pinyin": (
        "SELECT id FROM customers_customer WHERE name_pinyin >= %s AND name_pinyin < %s "
        "|| chr(1114111) AND status = 'active' ORDER BY name_pinyin, id LIMIT 20",
        2,
    ),
    "initials": (
        "SELECT id FROM customers_customer WHERE name_initials = %s "
        "AND status = 'active' ORDER BY name_initials, id LIMIT 20",
        1,
    ),
    "phone": ("SELECT customer_id FROM customers_customerphone WHERE number = %s LIMIT 20", 1),
    "phone_last4": (
        "SELECT customer_id FROM customers_customerphone WHERE last4 = %s "
        "ORDER BY customer_id DESC LIMIT 20",
        1,
    ),
    "number": ("SELECT id FROM customers_customer WHERE number = %s", 1),
    "vin": ("SELECT customer_id FROM customers_asset WHERE vin = %s", 1),
    "vin_last6": ("SELECT customer_id FROM customers_asset WHERE vin_last6 = %s LIMIT 20", 1),
    "plate": ("SELECT customer_id FROM customers_asset WHERE plate = %s LIMIT 20", 1),
    "id_number": ("SELECT id FROM customers_customer WHERE id_number = %s", 1),
    "screen_pop": ("SELECT customer_id FROM customers_customerphone WHERE number = %s LIMIT 5", 1),
}


def floor_latencies(url: str, kind: str, keys: list[str]) -> list[float]:
    import psycopg

    sql, nparams = FLOOR_SQL[kind]
    out = []
    with psycopg.connect(url) as conn:
        for key in keys:
            t0 = time.perf_counter()
            conn.execute(sql, [key] * nparams).fetchall()
            out.append((time.perf_counter() - t0) * 1000)
    return out


def naive_latencies(keys: list[str]) -> list[float]:
    """The common Django way: icontains OR across fields, distinct, count + first page."""
    from django.db.models import Q

    from kefu.customers.models import Customer

    out = []
    for key in keys:
        t0 = time.perf_counter()
        qs = Customer.objects.filter(
            Q(name__icontains=key)
            | Q(name_pinyin__icontains=key)
            | Q(number__icontains=key)
            | Q(id_number__icontains=key)
            | Q(phones__number__icontains=key)
            | Q(assets__vin__icontains=key)
            | Q(assets__plate__icontains=key)
        ).distinct()
        qs.count()
        list(qs.order_by("-id")[:20])
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--naive", type=int, default=5, help="samples for the icontains way")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--cold", action="store_true", help="do not prewarm the cache")
    args = parser.parse_args()
    url = args.database_url or database_url()
    django_setup(url)

    from kefu.accounts.models import User
    from kefu.accounts.services import token_create
    from kefu.customers.models import Customer

    size = Customer.objects.count()
    token = token_create(user=User.objects.get(username="bench"), name="bench")
    keys = sample_keys(args.requests)
    buffers = "cold" if args.cold else prewarm(url)
    print(f"{size:,} customers; shared_buffers {buffers}", flush=True)
    proc = start_server(url, args.port)
    results = {}
    kinds = ["screen_pop", *KINDS]
    try:
        # The API first, for every kind, so the icontains scans below cannot evict its pages.
        for kind in kinds:
            paths = [api_path(kind, k) for k in keys[kind][: args.requests]]
            http_latencies(args.port, token, paths[:20])  # warm the connection and the plan
            results[kind] = {"api": percentiles(http_latencies(args.port, token, paths))}
    finally:
        proc.terminate()
        proc.wait(10)
    for kind in kinds:
        sample = keys[kind][: args.requests]
        results[kind]["floor"] = percentiles(floor_latencies(url, kind, sample))
    for kind in kinds:
        sample = keys[kind][: args.naive]
        naive = percentiles(naive_latencies(sample)) if kind != "screen_pop" else None
        results[kind]["naive"] = naive
    for kind in kinds:
        ours, floor, naive = (results[kind][k] for k in ("api", "floor", "naive"))
        ratio = f"{naive['p50'] / ours['p50']:.0f}x" if naive else "-"
        naive_p50 = naive["p50"] if naive else float("nan")
        print(
            f"{kind:12} api p50 {ours['p50']:6.2f} p95 {ours['p95']:6.2f} "
            f"p99 {ours['p99']:6.2f} ms | floor p50 {floor['p50']:5.2f} | "
            f"naive p50 {naive_p50:8.1f} ms ({ratio})",
            flush=True,
        )
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    path = out / f"search-{size}.json"
    path.write_text(json.dumps({"customers": size, "results": results}, indent=2))
    print(f"{size:,} customers; results in {path.relative_to(ROOT)}")
    print(markdown(size, results))


def markdown(size: int, results: dict) -> str:
    lines = [
        f"| {size:,} customers | API p50 | API p95 | API p99 | floor p50 | icontains p50 "
        "| × faster |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, r in results.items():
        api, naive = r["api"], r["naive"]
        naive_p50 = f"{naive['p50']:.0f}" if naive else "-"
        ratio = f"{naive['p50'] / api['p50']:.0f}" if naive else "-"
        lines.append(
            f"| {kind} | {api['p50']:.1f} | {api['p95']:.1f} | {api['p99']:.1f} "
            f"| {r['floor']['p50']:.2f} | {naive_p50} | {ratio} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
