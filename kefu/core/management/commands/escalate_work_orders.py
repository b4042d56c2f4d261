from django.core.management.base import BaseCommand

from kefu.tickets.services import escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue work orders along the chain (idempotent; kefu tickets escalate)."

    def handle(self, **options):
        self.stdout.write(f"升级 {escalate_overdue()} 步 / escalation steps taken")
