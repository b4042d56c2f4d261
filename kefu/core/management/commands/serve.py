import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


def default_workers() -> int:
    """KEFU_WORKERS, else one web process per core (at most four): a page waiting on the
    database never holds up the others' screen pops (issue 15). One on Windows, where a
    process cannot start again in place (the embedded center's restart below)."""
    raw = os.environ.get("KEFU_WORKERS", "")
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return 1 if os.name == "nt" else max(1, min(os.cpu_count() or 1, 4))


class Command(BaseCommand):
    help = (
        "Serve Kefu over ASGI with uvicorn on 127.0.0.1:PORT (PORT env or --port, default "
        "8000): the console, the API and the console's push socket."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("ASGI_THREADS", "16")),
            help="threads for the page and API handlers (each request runs in one)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="web processes (default: KEFU_WORKERS, else one per core, at most 4); "
            "without REDIS_URL pushes cross them through var/push.sqlite3",
        )
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="do not run the periodic jobs in-process (Celery beat does)",
        )

    def handle(self, host, port, threads, workers, no_scheduler=False, **options):
        import uvicorn
        from django.conf import settings
        from django.utils import timezone

        from kefu.core.calendar import coverage_warnings

        workers = max(1, workers)
        if not settings.REDIS_URL and workers > 1 and settings.EMBEDDED_WORKERS != workers:
            # the embedded center on several processes shares its cache and pushes through
            # var/ (config.settings.base): settings read that at start, so start again
            os.environ["KEFU_EMBEDDED_WORKERS"] = str(workers)
            again = ["serve", "--host", host, "--port", str(port), "--threads", str(threads),
                     "--workers", str(workers)]  # fmt: skip
            again += ["--no-scheduler"] if no_scheduler else []
            os.execv(sys.executable, [sys.executable, "-m", "kefu.cli", *again])
        # Collect first: WhiteNoise indexes the static folder when the application loads.
        call_command("collectstatic", interactive=False, verbosity=0)
        os.environ["ASGI_THREADS"] = str(threads)
        if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            # every worker's request counts in one /metrics answer: a fresh folder per start
            import shutil

            folder = settings.VAR_DIR / "metrics"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
        for warning in coverage_warnings(timezone.localdate()):
            self.stderr.write(warning)
        if not no_scheduler:  # in this process only, however many web processes serve
            from kefu.core.scheduler import Scheduler

            Scheduler().start()
        self.stdout.write(
            f"Kefu 客服 http://{host}:{port}/  ({workers} 个进程 processes; Ctrl-C 停止 stop)"
        )
        uvicorn.run(
            "config.asgi:application",
            host=host,
            port=port,
            workers=workers,
            ws="websockets-sansio",
            log_level="warning",
            server_header=False,
            lifespan="off",
        )
