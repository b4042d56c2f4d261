from pathlib import Path

from django.core.management.base import BaseCommand

from kefu.core.errors import KefuError
from kefu.customers.transfer import export_customers
from kefu.setup.management.base import command_user, raise_command_error


class Command(BaseCommand):
    help = "Export all customers to FILE (.xlsx or .csv) with the import's columns."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="who the export is logged as (default: a superuser)")

    def handle(self, file, user, **options):
        fmt = "csv" if file.lower().endswith(".csv") else "xlsx"
        try:
            data, count = export_customers(actor=command_user(user), fmt=fmt)
        except KefuError as exc:
            raise_command_error(exc)
        Path(file).write_bytes(data)
        self.stdout.write(f"已导出 {count} 位客户 / exported {count} customers → {file}")
