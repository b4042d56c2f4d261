import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


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
            default=int(os.environ.get("KEFU_WORKERS", "1")),
            help="web processes; more than one needs REDIS_URL (pushes cross processes) "
            "and --no-scheduler (Celery beat runs the jobs)",
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

        if workers > 1 and not (settings.REDIS_URL and no_scheduler):
            raise CommandError(
                "多个进程需要 REDIS_URL 和 --no-scheduler "
                "(several workers need REDIS_URL and --no-scheduler: Celery beat runs the jobs)"
            )
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
        if not no_scheduler:
            from kefu.core.scheduler import Scheduler

            Scheduler().start()
        self.stdout.write(f"Kefu 客服 http://{host}:{port}/  (Ctrl-C 停止 stop)")
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
