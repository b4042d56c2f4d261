"""The call that pops by itself, measured (issue 11): a real `kefu serve` (uvicorn) on the
benchmark center, an agent's console open in Debian's Chromium, and the phone system's
`ringing` event posted to the API. Reported: event → pop rendered in the page (p50/p95), and
N console sockets held open on the one server with the memory each costs.

    python bench/push_bench.py [--database-url postgres://…/kefu_bench] [--calls 40]
                               [--sockets 200]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import time
from pathlib import Path

from common import database_url, django_setup, percentiles
from search_bench import start_server

CHROMIUM = "/usr/bin/chromium"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def post(port: int, token: str, body: dict) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "POST",
        "/api/v1/cti/events",
        json.dumps(body),
        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    response = conn.getresponse()
    response.read()
    assert response.status == 200, response.status


def session_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


async def hold_sockets(port: int, cookie: str, n: int) -> list:
    import websockets

    sockets = []
    for _ in range(n):
        sockets.append(
            await websockets.connect(
                f"ws://127.0.0.1:{port}/ws/console/",
                additional_headers={"Cookie": f"sessionid={cookie}"},
                origin=f"http://127.0.0.1:{port}",
            )
        )
    return sockets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--sockets", type=int, default=200)
    args = parser.parse_args()
    url = args.database_url or database_url("kefu_bench")
    django_setup(url)
    from django.core.management import call_command
    from django.utils import timezone

    from kefu.accounts.models import User
    from kefu.accounts.services import token_create
    from kefu.customers.models import CustomerPhone

    call_command("migrate", verbosity=0)
    agent = User.objects.get(username="agent1")
    User.objects.filter(pk=agent.pk).update(extension="8001")
    system = User.objects.filter(role="admin").first() or User.objects.create(
        username="pbx", role="admin"
    )
    token = token_create(user=system)
    phones = list(CustomerPhone.objects.order_by("id").values_list("number", flat=True)[:500])
    cookie = session_cookie(agent)
    proc = start_server(url, args.port)
    try:
        from playwright.sync_api import sync_playwright

        samples = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            context = browser.new_context()
            context.add_cookies([{"name": "sessionid", "value": cookie,
                                  "url": f"http://127.0.0.1:{args.port}"}])  # fmt: skip
            page = context.new_page()
            for i in range(args.calls + 2):
                page.goto(f"http://127.0.0.1:{args.port}/")
                page.wait_for_selector("body[data-push-state=open]")
                call_id = f"bench-{time.time_ns()}-{i}"
                t0 = time.perf_counter()
                post(args.port, token, {
                    "event": "ringing", "call_id": call_id, "caller": phones[i % len(phones)],
                    "at": timezone.now().isoformat(), "extension": "8001",
                })  # fmt: skip
                page.wait_for_url("**/call/?call=*")
                page.wait_for_selector(".pop-customer h2, .pop-customer .empty")
                samples.append((time.perf_counter() - t0) * 1000)
            browser.close()
        stats = percentiles(samples[2:])
        worst = max(samples[2:])
        print(
            f"ringing event → pop rendered in Chromium ({args.calls} calls): "
            f"p50 {stats['p50']:.0f} ms, p95 {stats['p95']:.0f} ms, max {worst:.0f} ms"
        )
        before = rss_kb(proc.pid)
        loop = asyncio.new_event_loop()
        sockets = loop.run_until_complete(hold_sockets(args.port, cookie, args.sockets))
        time.sleep(1)
        after = rss_kb(proc.pid)
        print(f"{len(sockets)} console sockets held open on one `kefu serve`: server RSS "
              f"{before / 1024:.0f} → {after / 1024:.0f} MiB, "
              f"{(after - before) / max(1, len(sockets)):.0f} KiB per connection")  # fmt: skip

        async def close_all() -> None:
            await asyncio.gather(*(s.close() for s in sockets))

        loop.run_until_complete(close_all())
    finally:
        proc.terminate()
        proc.wait(10)
        os.environ.pop("DATABASE_URL", None)


if __name__ == "__main__":
    main()
