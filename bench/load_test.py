"""The load test (issue 15): simulated agents (bench/load/locustfile.py) against the
1M-customer bench center on PostgreSQL, on loopback, each run bounded in time. For each
number of agents it reports requests/s, p50/p95/p99 and errors per kind of request, and
whether the run held (p95 ≤ 200 ms over all requests, no errors); `--scenario pop` asks only
the screen pop, back to back, for the most requests/s.

    make bench-data                       # once: the 1M-customer center
    make load-test                        # the production stack, 100…400 agents
    python bench/load_test.py --server embedded --agents 20,50,100

`--server production` starts the deploy/ web command (`kefu serve --workers N
--no-scheduler` under the production settings, Redis for the channel layer and cache);
`--server embedded` starts `kefu serve` as `make run` does (no Redis, the scheduler in
process). Locust runs from its own venv (.venv-load, bench/load/requirements.txt) and takes
a share of the same two cores: the figures are what this machine gives with the load
generator on it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT, database_url, django_setup

LOCUST = ROOT / ".venv-load" / "bin" / "locust"
PASSWORD = "load-test-pw-1"
THINK = ["20", "60"]


def prepare(agents: int, followups_each: int) -> dict:
    """Agent accounts load0001…, a phone-system token, follow-ups due today for each agent,
    and a sample of the center's numbers and search words."""
    import datetime as dt
    import random

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from kefu.accounts.choices import Role
    from kefu.accounts.models import User
    from kefu.accounts.services import token_create
    from kefu.customers.models import Customer, CustomerPhone
    from kefu.followups.models import FollowUp

    call_command("migrate", verbosity=0)
    hashed = make_password(PASSWORD)  # one hash: signing in still checks it each time
    names = [f"load{i:04d}" for i in range(1, agents + 1)]
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    User.objects.bulk_create(
        [User(username=n, password=hashed, role=Role.AGENT, is_certified=True,
              display_name=f"压测{n[4:]}") for n in names if n not in have]
    )  # fmt: skip
    User.objects.filter(username__in=names).update(password=hashed, is_active=True)
    pbx, _ = User.objects.get_or_create(
        username="load_pbx", defaults={"role": Role.ADMIN, "display_name": "电话系统"}
    )
    top = Customer.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sample = random.Random(7).sample(range(1, top + 1), min(top, 5000))
    phones = list(
        CustomerPhone.objects.filter(customer_id__in=sample).values_list("number", flat=True)
    )
    words = list(Customer.objects.filter(id__in=sample[:300]).values_list("name", flat=True))
    searches = [w[:2] for w in words] + [p[-4:] for p in phones[:200]] + ["zw", "wf", "lm"]
    # follow-ups due today for every agent (the runner's work), renewed each run
    today = timezone.localdate()
    users = dict(User.objects.filter(username__in=names).values_list("username", "id"))
    stamp = int(time.time())  # the runner's work: follow-ups due today, new ones each run
    rows = [
        FollowUp(kind="care", source_key=f"load:{stamp}:{n}:{k}", customer_id=random.choice(sample),
                 owner_id=users[n], due_on=today, due_by=today + dt.timedelta(days=3),
                 status="pending")
        for n in names for k in range(followups_each)
    ]  # fmt: skip
    FollowUp.objects.bulk_create(rows, batch_size=5000)
    return {"agents": names, "password": PASSWORD, "cti_token": token_create(user=pbx),
            "phones": phones, "searches": searches}  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(kind: str, url: str, port: int, workers: int, redis_url: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DATABASE_URL=url, KEFU_DEBUG="0", KEFU_LOG_JSON="0")
    cmd = [str(ROOT / ".venv" / "bin" / "kefu"), "serve", "--port", str(port)]
    if kind == "production":
        env.update(DJANGO_SETTINGS_MODULE="config.settings.prod", REDIS_URL=redis_url,
                   KEFU_SECRET_KEY=secrets.token_urlsafe(50),
                   KEFU_ALLOWED_HOSTS="127.0.0.1")  # fmt: skip
        cmd += ["--workers", str(workers), "--no-scheduler"]
    elif workers:
        cmd += ["--workers", str(workers)]
    log = open(Path(tempfile.gettempdir()) / f"kefu-load-{kind}.log", "w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"the server stopped: see {log.name}") from None
            time.sleep(0.5)
    stop(proc)
    raise SystemExit(f"the server did not answer in 90 s: see {log.name}")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def run_locust(port: int, users: int, rate: float, seconds: int, data: Path, scenario: str,
               out: Path) -> list[dict]:  # fmt: skip
    env = {**os.environ, "LOAD_DATA": str(data), "LOAD_SCENARIO": scenario,
           "LOAD_THINK_MIN": THINK[0], "LOAD_THINK_MAX": THINK[1],
           "LOAD_SIGN_INS": f"{out}_sign_ins.json"}  # fmt: skip
    subprocess.run(
        [str(LOCUST), "-f", str(ROOT / "bench/load/locustfile.py"), "--headless",
         "-u", str(users), "-r", str(rate), "-t", f"{seconds}s", "--stop-timeout", "10",
         "--host", f"http://127.0.0.1:{port}", "--csv", str(out), "--only-summary",
         "--reset-stats",
         "--loglevel", "WARNING"],
        env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    with open(f"{out}_stats.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    sign_ins = json.loads(Path(f"{out}_sign_ins.json").read_text())
    if sign_ins:
        ok = sorted(t for t in sign_ins if t >= 0)
        p95 = ok[max(0, round(0.95 * len(ok)) - 1)] if ok else float("nan")
        print(f"  sign-in wave: {len(sign_ins)} agents at {rate:g}/s, p95 {p95:.0f} ms, "
              f"{len(sign_ins) - len(ok)} failed")  # fmt: skip
    return rows


def show(rows: list[dict]) -> dict:
    print(f"  {'request':32} {'n':>7} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6}")
    total = {}
    for r in rows:
        line = (f"  {r['Name'][:32]:32} {r['Request Count']:>7} {float(r['Requests/s']):7.1f} "
                f"{r['50%']:>6} {r['95%']:>6} {r['99%']:>6} {r['Failure Count']:>6}")  # fmt: skip
        print(line)
        if r["Name"] == "Aggregated":
            total = r
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--server", choices=["production", "embedded"], default="production")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="web processes (default: one per core, as kefu serve does)",
    )
    parser.add_argument("--agents", default="100,200,300,400")
    parser.add_argument("--scenario", choices=["agents", "pop"], default="agents")
    parser.add_argument("--seconds", type=int, default=240, help="each run, ramp included")
    parser.add_argument("--ramp", type=float, default=4.0, help="agents signing in per second")
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8")
    )
    parser.add_argument("--think", default="20,60", help="seconds between an agent's actions")
    args = parser.parse_args()
    if not LOCUST.exists():
        raise SystemExit("locust is not installed: make load-test (it makes .venv-load)")
    THINK[:] = args.think.split(",")
    url = args.database_url or database_url("kefu_bench")
    django_setup(url)
    counts = [int(n) for n in args.agents.split(",")]
    data = prepare(max(counts), followups_each=40)
    work = Path(tempfile.mkdtemp(prefix="kefu-load-"))
    (work / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    port = free_port()
    workers = args.workers or (os.cpu_count() or 2 if args.server == "production" else 0)
    print(f"{args.server} server, {workers or 'default'} web processes, "
          f"scenario {args.scenario}, {args.seconds} s per run")  # fmt: skip
    proc = start_server(args.server, url, port, workers, args.redis_url)
    try:
        for users in counts:
            print(f"\n{users} {'agents' if args.scenario == 'agents' else 'clients'}:")
            rows = run_locust(port, users, args.ramp, args.seconds, work / "data.json",
                              args.scenario, work / f"run{users}")  # fmt: skip
            total = show(rows)
            held = int(total.get("Failure Count", 1)) == 0 and float(total.get("95%", 1e9)) <= 200
            print(f"  → {'held' if held else 'NOT held'} (p95 ≤ 200 ms, no errors)")
    finally:
        stop(proc)


if __name__ == "__main__":
    sys.exit(main())
