"""`make prod-check`: the production stack of deploy/ started on this machine, on loopback,
and used (issue 15). The web, worker and beat commands are read from the systemd units'
ExecStart lines (paths and ports moved to here), the proxy from deploy/nginx/kefu.conf
(plain HTTP on a free port: no certificate here); the database is a fresh PostgreSQL one,
Redis the machine's. Then: ready (database, Redis, channel layer), signed in through the
proxy, a call popped through the CTI API, a job run by the Celery worker, a static file and
the metrics served — and everything torn down, whatever happened.

    python deploy/prod_check.py [--database-url postgres://…/postgres] [--redis-url …]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "deploy" / "systemd"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def exec_start(unit: str, web_port: int, var: Path) -> list[str]:
    text = (UNITS / unit).read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("ExecStart="))
    line = line.removeprefix("ExecStart=").replace("/srv/kefu/var", str(var))
    line = line.replace("/srv/kefu", str(ROOT)).replace("--port 8000", f"--port {web_port}")
    return shlex.split(line.replace("--workers 4", "--workers 2"))


def nginx_conf(proxy_port: int, web_port: int, var: Path, prefix: Path) -> Path:
    """deploy/nginx/kefu.conf on loopback over plain HTTP, in a prefix of its own."""
    site = (ROOT / "deploy" / "nginx" / "kefu.conf").read_text(encoding="utf-8")
    site = site.replace("127.0.0.1:8000", f"127.0.0.1:{web_port}")
    site = site.replace("/srv/kefu/var", str(var))
    # keep the upstream, the map and the TLS server's locations; listen here without TLS
    servers = site.split("server {")
    tls = "server {" + servers[-1]
    tls = re.sub(r"listen 443 ssl;\n\s*http2 on;", f"listen 127.0.0.1:{proxy_port};", tls)
    tls = re.sub(r"\n\s*ssl_certificate[^\n]*", "", tls)
    conf = prefix / "nginx.conf"
    conf.write_text(
        "pid nginx.pid; error_log error.log; events {}\n"
        "http { include /etc/nginx/mime.types; access_log access.log;\n"
        "client_body_temp_path tmp; proxy_temp_path tmp; fastcgi_temp_path tmp;\n"
        "uwsgi_temp_path tmp; scgi_temp_path tmp;\n" + servers[0] + tls + "}\n",
        encoding="utf-8",
    )
    (prefix / "tmp").mkdir()
    return conf


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"no answer from {url} in {seconds:.0f} s")


def step(name: str) -> None:
    print(f"-- {name}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--database-url",
        default=os.environ.get("PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("PROD_CHECK_REDIS_URL", "redis://127.0.0.1:6379/9")
    )
    args = parser.parse_args()
    import psycopg

    name = f"kefu_prodcheck_{secrets.token_hex(4)}"
    base = args.database_url.rsplit("/", 1)[0]
    work = Path(tempfile.mkdtemp(prefix="kefu-prodcheck-"))
    work.chmod(0o755)  # nginx's workers (another user) read the static files in it
    var = work / "var"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "KEFU_SECRET_KEY": secrets.token_urlsafe(50),
        "KEFU_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{base}/{name}",
        "REDIS_URL": args.redis_url,
        "KEFU_VAR_DIR": str(var),
        "KEFU_LOG_JSON": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    kefu = [sys.executable, "-m", "kefu.cli"]
    procs: list[subprocess.Popen] = []
    import redis

    queue = redis.Redis.from_url(args.redis_url)
    queue.flushdb()  # a Redis database of the check's own (9): nothing left from a last run
    with psycopg.connect(args.database_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        step("migrate, preset, a user and a token")
        for cmd in (["migrate", "--noinput", "-v0"], ["preset", "load", "auto"]):
            subprocess.run([*kefu, *cmd], cwd=ROOT, env=env, check=True)
        password = secrets.token_urlsafe(12)
        subprocess.run(
            [
                *kefu,
                "shell",
                "--no-imports",
                "-c",
                "from kefu.accounts.models import User; from kefu.accounts.choices import Role; "
                f"u = User.objects.create_user('pc_agent', password='{password}', "
                "role=Role.AGENT, is_certified=True, display_name='检查员'); "
                "User.objects.create_user('pc_pbx', role=Role.ADMIN, "
                "display_name='电话系统')",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        # the phone system's account: an administrator's token (RECEIVE_CTI)
        token = subprocess.run(
            [*kefu, "token", "create", "pc_pbx"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        web_port, proxy_port = free_port(), free_port()
        logs = work / "logs"
        logs.mkdir()
        for unit in ("kefu-web.service", "kefu-worker.service", "kefu-beat.service"):
            cmd = exec_start(unit, web_port, var)
            if cmd[0].endswith("/kefu"):
                cmd = [*kefu, *cmd[1:]]  # the same command through this interpreter
            step(f"start {unit}: {' '.join(cmd[2:])}")
            out = (logs / f"{unit}.log").open("w")
            procs.append(
                subprocess.Popen(
                    cmd, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
                )
            )
        origin = f"http://127.0.0.1:{web_port}"
        nginx = shutil.which("nginx") or (
            "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
        )
        if nginx:
            prefix = work / "nginx"
            prefix.mkdir()
            conf = nginx_conf(proxy_port, web_port, var, prefix)
            step("start nginx with deploy/nginx/kefu.conf")
            procs.append(
                subprocess.Popen(
                    [nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
                    start_new_session=True,
                )
            )
            origin = f"http://127.0.0.1:{proxy_port}"
        else:
            print("nginx is not installed: checking the web processes directly")
        wait_for(f"http://127.0.0.1:{web_port}/healthz")
        wait_for(f"{origin}/healthz")

        step("ready: database, Redis, channel layer")
        try:
            body = json.load(urllib.request.urlopen(f"{origin}/readyz", timeout=10))
        except urllib.error.HTTPError as exc:
            body = json.load(exc)
        checks = body["checks"]
        assert all(checks[k] == "ok" for k in ("database", "redis", "channel_layer")), checks

        step("sign in through the proxy")
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = browser.open(f"{origin}/login/", timeout=10).read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]  # type: ignore[index]
        form = urllib.parse.urlencode(
            {"username": "pc_agent", "password": password, "csrfmiddlewaretoken": csrf}
        ).encode()
        signed = browser.open(
            urllib.request.Request(
                f"{origin}/login/", data=form, headers={"Referer": f"{origin}/login/"}
            ),
            timeout=10,
        )
        home = signed.read().decode()
        assert signed.status == 200 and "检查员" in home, "sign-in did not reach the workbench"
        static = re.search(r'href="(/static/[^"]+\.css)"', home)[1]  # type: ignore[index]
        assert browser.open(f"{origin}{static}", timeout=10).status == 200

        step("pop a call through the CTI API")
        subprocess.run(
            [
                *kefu,
                "shell",
                "--no-imports",
                "-c",
                "from kefu.customers.services import customer_create; "
                "from kefu.accounts.models import User; "
                "customer_create(actor=User.objects.get(username='pc_pbx'), "
                "data={'name': '王芳', 'phones': ['13800000001']})",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        event = json.dumps(
            {
                "event": "ringing",
                "call_id": "pc-1",
                "caller": "13800000001",
                "agent": "pc_agent",
                "at": now,
            }
        ).encode()
        answer = json.load(
            urllib.request.urlopen(
                urllib.request.Request(
                    f"{origin}/api/v1/cti/events",
                    data=event,
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                ),
                timeout=10,
            )
        )
        assert answer["screen_pop"]["customer"]["name"] == "王芳", answer

        step("a job run by the Celery worker")
        subprocess.run(
            [
                *kefu,
                "shell",
                "--no-imports",
                "-c",
                "from config.celery import app; app.send_task('kefu.care.send')",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        with psycopg.connect(f"{base}/{name}") as db:
            deadline = time.time() + 60
            while time.time() < deadline:
                row = db.execute(
                    "SELECT last_ok_at FROM core_jobstatus WHERE job = 'kefu.care.send'"
                ).fetchone()
                if row and row[0]:
                    break
                time.sleep(0.5)
            else:
                raise AssertionError("the worker did not run kefu.care.send in 60 s")

        step("metrics")
        text = urllib.request.urlopen(f"http://127.0.0.1:{web_port}/metrics", timeout=10).read()
        assert b"kefu_followups_due_today" in text and b"django_http_requests" in text
        print("prod-check: the stack started, answered and ran a job — OK")
        return 0
    except BaseException:
        for log in sorted((work / "logs").glob("*.log")) if (work / "logs").exists() else []:
            print(f"==== {log.name} (last lines)")
            print("\n".join(log.read_text(errors="replace").splitlines()[-30:]))
        raise
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        with psycopg.connect(args.database_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
        queue.flushdb()


if __name__ == "__main__":
    sys.exit(main())
