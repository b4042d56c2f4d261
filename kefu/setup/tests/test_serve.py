"""`kefu serve` for the embedded center (issue 15): several web processes with no Redis, so
twenty agents do not queue behind one another, and still one center — a call the phone
system reports to one process pops on the page another process holds (the SQLite push relay,
kefu.core.relay), and the periodic jobs run once, in the parent process."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kefu(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "kefu.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


SETUP = """
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from kefu.accounts.models import User
from kefu.accounts.choices import Role
from kefu.accounts.services import token_create
agent = User.objects.create_user("sv_agent", role=Role.AGENT, is_certified=True)
pbx = User.objects.create_user("sv_pbx", role=Role.ADMIN)
s = SessionStore()
s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(agent.pk), "django.contrib.auth.backends.ModelBackend"
s[HASH_SESSION_KEY] = agent.get_session_auth_hash()
s.save()
print(s.session_key, token_create(user=pbx))
"""


def test_the_embedded_server_runs_several_processes_and_pushes_cross_them(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded center is SQLite's (run once, in the SQLite suite)")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE",
                        "KEFU_EMBEDDED_WORKERS", "DJANGO_ALLOW_ASYNC_UNSAFE")}  # fmt: skip
    env.update(KEFU_VAR_DIR=str(tmp_path), KEFU_DEBUG="0", KEFU_WORKERS="2")
    _kefu(env, "migrate", "--noinput", "-v0")
    cookie, token = _kefu(env, "shell", "--no-imports", "-c", SETUP).split()[-2:]
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kefu.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{origin}/healthz", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "did not start"
                time.sleep(0.3)
        children = [p for p in Path("/proc").iterdir() if p.name.isdigit()
                    and _parent(p) == server.pid]  # fmt: skip
        assert len(children) >= 2, "one web process per worker, under the parent"
        pops = asyncio.run(_ring(port, cookie, token, calls=6))
        assert [p["type"] for p in pops] == ["pop"] * 6
        assert sorted(p["interaction_id"] for p in pops) == sorted(set(
            p["interaction_id"] for p in pops))  # fmt: skip
    finally:
        os.killpg(server.pid, 15)
        out, _ = server.communicate(timeout=30)
    assert "2 个进程 processes" in out


def _parent(proc: Path) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


async def _ring(port: int, cookie: str, token: str, calls: int) -> list[dict]:
    """Hold the agent's console socket (on whichever process took it) and report calls
    ringing over fresh connections (spread over the processes); every pop must arrive."""
    import websockets

    async with websockets.connect(
        f"ws://127.0.0.1:{port}/ws/console/",
        additional_headers={"Cookie": f"sessionid={cookie}"},
        origin=f"http://127.0.0.1:{port}",
    ) as ws:
        await asyncio.sleep(0.5)  # the relay's first poll
        for i in range(calls):
            body = json.dumps({"event": "ringing", "call_id": f"sv-{i}", "caller": "13800000701",
                               "agent": "sv_agent", "at": "2026-11-24T09:00:00+08:00"})  # fmt: skip
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/cti/events", data=body.encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                         "Connection": "close"},
            )  # fmt: skip
            await asyncio.to_thread(lambda r=request: urllib.request.urlopen(r, timeout=10).read())
        pops = []
        while len(pops) < calls:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
            if message.get("type") == "pop":
                pops.append(message)
        return pops
