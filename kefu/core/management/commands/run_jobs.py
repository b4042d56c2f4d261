from django.core.management.base import BaseCommand, CommandError

from kefu.core.scheduler import JOBS


class Command(BaseCommand):
    help = (
        "Run scheduler jobs once, now (all, or those named): the same functions Celery beat "
        "and `kefu serve` run on their intervals. Each job is idempotent. "
        "(kefu jobs run [NAME…]; kefu tickets escalate; kefu complaints escalate)"
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help=", ".join(j.name for j in JOBS))

    def handle(self, names, **options):
        known = {job.name: job for job in JOBS}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise CommandError(
                f"未知任务 unknown job: {', '.join(unknown)} (known: {', '.join(known)})"
            )
        for name in names or known:
            self.stdout.write(f"{name}: {known[name].run()}")
