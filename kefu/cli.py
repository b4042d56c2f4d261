"""The `kefu` command: Kefu's own verbs, and every Django management command besides.

kefu serve | demo | import customers FILE [--dry-run] | export customers FILE
kefu token create USERNAME | preset load NAME | holidays import FILE
kefu jobs run [NAME…] | tickets escalate | complaints escalate
kefu schedule run --date YYYY-MM-DD [--until YYYY-MM-DD]
kefu backup [--out DIR] | restore FILE  (database and files, one .tar)
kefu worker | beat [celery options]    (Celery on REDIS_URL)
kefu migrate | createsuperuser | ...   (any manage.py command)
"""

from __future__ import annotations

import os
import sys

VERBS = {
    ("import", "customers"): "import_customers",
    ("export", "customers"): "export_customers",
    ("token", "create"): "token_create",
    ("preset", "load"): "preset_load",
    ("holidays", "import"): "holidays_import",
    ("jobs", "run"): "run_jobs",
    ("schedule", "run"): "schedule_run",
    ("tickets", "escalate"): "run_jobs kefu.tickets.escalate_overdue",
    ("complaints", "escalate"): "run_jobs kefu.complaints.escalate",
}


def translate(argv: list[str]) -> list[str]:
    """`kefu import customers f.csv` → `import_customers f.csv`; other verbs pass through."""
    if len(argv) >= 2 and (argv[0], argv[1]) in VERBS:
        return [*VERBS[(argv[0], argv[1])].split(), *argv[2:]]
    return argv


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    raw = list(sys.argv[1:] if argv is None else argv)
    if raw[:1] in (["worker"], ["beat"]):
        # Production background work: Celery on REDIS_URL, the same jobs as `kefu serve`.
        from config.celery import app

        if raw[0] == "worker" and not any(a in ("-Q", "--queues") or a.startswith(
            ("-Q", "--queues=")) for a in raw):  # fmt: skip
            # a worker with no queues named takes every kind of work (one host); name some
            # (`-Q sending`) to give a kind its own workers (docs/operations.md)
            from kefu.core.scheduler import QUEUES

            raw = [*raw, "-Q", ",".join(QUEUES)]
        app.start(raw)
        return
    from django.core.management import execute_from_command_line

    args = translate(raw)
    execute_from_command_line(["kefu", *(args or ["help"])])


if __name__ == "__main__":
    main()
