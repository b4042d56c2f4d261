import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from kefu.core.scheduler import JOBS


class Command(BaseCommand):
    help = (
        "Run a day's jobs (follow-up rules, care greetings and reminders) for --date, e.g. to "
        "backfill days the server was down. Idempotent. (kefu schedule run --date YYYY-MM-DD)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="YYYY-MM-DD")
        parser.add_argument("--until", help="YYYY-MM-DD: every day from --date to this one")

    def handle(self, date, until=None, **options):
        try:
            first = dt.date.fromisoformat(date)
            last = dt.date.fromisoformat(until) if until else first
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD / dates are YYYY-MM-DD: {exc}") from exc
        day = first
        while day <= last:
            for job in (j for j in JOBS if j.daily):
                self.stdout.write(f"{day} {job.name}: {job.run(day)}")
            day += dt.timedelta(days=1)
