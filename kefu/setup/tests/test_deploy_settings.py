"""Production settings are checked at start (issue 15): with the documented variables
`kefu check --deploy` passes clean; a missing or unsafe one is an error naming it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
GOOD = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "KEFU_SECRET_KEY": secrets.token_urlsafe(50),
    "KEFU_ALLOWED_HOSTS": "kefu.example.com",
    "KEFU_HTTPS": "1",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def check(**changes):
    # what other tests of this process set for themselves (the browser tests allow async
    # unsafe calls) is not part of a deployment
    ours = {**os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE": None, **GOOD, **changes}
    env = {k: v for k, v in ours.items() if v is not None}
    return subprocess.run([sys.executable, "-m", "kefu.cli", "check", "--deploy"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip


def test_the_documented_production_settings_pass_the_deploy_check():
    done = check()
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_a_missing_or_unsafe_setting_is_named():
    for name, value in (("KEFU_SECRET_KEY", None), ("KEFU_ALLOWED_HOSTS", None),
                        ("REDIS_URL", None), ("KEFU_SECRET_KEY", "short")):  # fmt: skip
        done = check(**{name: value})
        assert done.returncode != 0 and name in done.stderr, (name, done.stderr[-300:])
