import os

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Kefu with waitress on 127.0.0.1:PORT (PORT env or --port, default 8000)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="do not run the periodic jobs in-process (Celery beat does)",
        )

    def handle(self, host, port, threads, no_scheduler=False, **options):
        from django.utils import timezone
        from waitress import serve

        from kefu.core.calendar import coverage_warnings

        # Collect first: WhiteNoise indexes the static folder when the application loads.
        call_command("collectstatic", interactive=False, verbosity=0)
        from config.wsgi import application

        for warning in coverage_warnings(timezone.localdate()):
            self.stderr.write(warning)
        if not no_scheduler:
            from kefu.core.scheduler import Scheduler

            Scheduler().start()
        self.stdout.write(f"Kefu 客服 http://{host}:{port}/  (Ctrl-C 停止 stop)")
        serve(application, host=host, port=port, threads=threads, ident="kefu")
